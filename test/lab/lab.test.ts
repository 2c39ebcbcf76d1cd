/**
 * The lab checks the model packet by packet: every case of the probe matrix tried for real in network namespaces
 * (root, `ip`, `nft`) must agree with the model's verdict. Skipped, with the reason printed, where the lab cannot
 * run. One lab is kept up while consecutive inputs share its namespaces, links and addresses; only the nft tables
 * are reloaded between them (as a CNI reprograms a node when policies change).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildFromTexts } from '../../src/api/index.ts';
import { planLab, type LabPlan } from '../../src/lab/plan/index.ts';
import { labDown, labReload, labUp, preflight, Probers, run } from '../../src/lab/apply/index.ts';
import { runProbe } from '../../src/lab/apply/probe-run.ts';
import type { ClusterModel } from '../../src/model/types.ts';
import { randomCluster } from './random-cluster.ts';

/** `KUBETWIN_LAB_PREFIX` gives a run its own names, so two checkouts can run this suite on one host at once. */
const PREFIX = process.env.KUBETWIN_LAB_PREFIX ?? 'ktt-';
const root = new URL('../../', import.meta.url).pathname;
const why = await preflight();
if (why) console.log(`# lab tests skipped: ${why}`);

function readDir(dir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...readDir(p));
    else if (/\.(ya?ml|json)$/.test(name)) out.push({ file: p, text: readFileSync(p, 'utf8') });
  }
  return out;
}

function build(texts: { file: string; text: string }[]): ClusterModel | string {
  const built = buildFromTexts(texts);
  const errors = built.diagnostics.filter((d) => d.severity === 'error');
  return errors.length ? `input has error diagnostics (${errors[0].code})` : built.model;
}

/** The lab currently up and the long-lived probers of its pods. */
let current: { plan: LabPlan; probers: Probers } | undefined;
const shape = (p: LabPlan) =>
  JSON.stringify([p.namespaces, p.commands, p.pods.map((x) => [x.serve, x.dns]), p.etc]);

async function ensure(plan: LabPlan): Promise<Probers> {
  if (current && shape(current.plan) === shape(plan)) {
    await labReload(plan);
    current = { plan, probers: current.probers };
    return current.probers;
  }
  current?.probers.close();
  current = undefined;
  await labDown(PREFIX);
  await labUp(plan);
  current = { plan, probers: new Probers() };
  return current.probers;
}

async function expectAgreement(name: string, model: ClusterModel, podsOnly = false) {
  const plan = planLab(model, { prefix: PREFIX });
  const probers = await ensure(plan);
  const r = await runProbe(model, plan, { probers, seed: 7, podsOnly });
  console.log(
    `# lab probe ${name}: ${r.agree}/${r.total} agree${podsOnly ? ' (pod to pod only)' : ''} (${r.ms} ms)`,
  );
  assert.deepEqual(
    r.disagreements.slice(0, 5),
    [],
    `${name}: ${r.disagreements.length} disagreements with the model`,
  );
  assert.ok(r.total > 0, `${name}: nothing was probed`);
}

describe('lab: real packets agree with the model', { skip: why }, () => {
  before(async () => {
    await labDown(PREFIX);
  });
  after(async () => {
    current?.probers.close();
    await labDown(PREFIX);
    const left = (await run(['ip', 'netns', 'list'])).split('\n').filter((l) => l.startsWith(PREFIX));
    assert.deepEqual(left, [], 'teardown leaves no lab namespace');
  });

  for (const variant of ['as-documented', 'fixed'])
    test(`lab probe: e-commerce ${variant}, full matrix`, async () => {
      const model = build(readDir(join(root, 'examples/e-commerce', variant)));
      assert.equal(typeof model, 'object', String(model));
      await expectAgreement(`e-commerce/${variant}`, model as ClusterModel);
    });

  test('lab probe: NetworkPolicy scenarios of testdata/scenarios (3x3 grids, upstream e2e cases)', async () => {
    const dirs = readdirSync(join(root, 'testdata/scenarios'))
      .filter((d) => d.startsWith('netpol-'))
      .sort();
    let ran = 0;
    for (const d of dirs) {
      const input = join(root, 'testdata/scenarios', d, 'input');
      if (!existsSync(input)) {
        console.log(`# lab probe ${d}: skipped, no input/ folder (it reads another scenario's input)`);
        continue;
      }
      const model = build(readDir(input));
      if (typeof model === 'string') {
        console.log(`# lab probe ${d}: skipped, ${model}`);
        continue;
      }
      await expectAgreement(d, model);
      ran++;
    }
    assert.ok(ran >= 30, `only ${ran} scenarios ran`);
  });

  // Every seed's full pod-to-pod matrix; Service probes and DNS lookups (each a process in the pod's namespace, the
  // slow part) on every fifth seed, which keeps `npm test` under ten minutes. `npm run bench:lab` probes every kind.
  test('lab probe: 20 seeded random clusters (30 pods, 20 policies, named ports, ipBlocks)', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const model = build([{ file: `random-${seed}.yaml`, text: randomCluster(seed) }]);
      assert.equal(typeof model, 'object', String(model));
      await expectAgreement(`random seed ${seed}`, model as ClusterModel, seed % 5 !== 1);
    }
  });

  test('lab probe: a data plane that differs from the model is caught (policy table removed on one node)', async () => {
    const model = build([{ file: 'random-3.yaml', text: randomCluster(3) }]) as ClusterModel;
    const plan = planLab(model, { prefix: PREFIX });
    const probers = await ensure(plan);
    await run([
      'ip',
      'netns',
      'exec',
      plan.nodes[0].netns,
      'nft',
      'delete',
      'table',
      'ip',
      `${PREFIX}policy`,
    ]);
    const r = await runProbe(model, plan, { probers, podsOnly: true });
    console.log(`# lab probe tampered: ${r.disagreements.length} disagreements of ${r.total}`);
    assert.ok(r.disagreements.length > 0);
    assert.ok(r.disagreements.every((d) => d.model === 'deny' && d.lab === 'allow'));
    await labReload(plan);
  });
});
