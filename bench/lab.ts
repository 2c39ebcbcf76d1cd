/**
 * The lab at size: a seeded random cluster of `--pods` pods (two declared ports each, `--policies` policies, five
 * Services) built in network namespaces, its full probe matrix (pod to pod, every Service port from every pod, DNS
 * lookups), and teardown — with the namespaces, host links and host nft tables
 * carrying the prefix listed before and after (teardown must leave nothing). Root only. Prints one JSON object and
 * writes bench/results/lab.md.
 *
 *   sudo npm run bench:lab -- [--pods 200] [--policies 40] [--seed 1]
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { buildFromTexts } from '../src/api/index.ts';
import { planLab } from '../src/lab/plan/index.ts';
import { labDown, labInventory, labUp, preflight } from '../src/lab/apply/index.ts';
import { runProbe } from '../src/lab/apply/probe-run.ts';
import { randomCluster } from '../test/lab/random-cluster.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const PREFIX = 'ktb-';
const why = await preflight();
if (why) {
  console.error(`bench:lab skipped: ${why}`);
  process.exit(2);
}
const pods = arg('pods', 200);
const model = buildFromTexts([
  { file: 'bench.yaml', text: randomCluster(arg('seed', 1), { pods, policies: arg('policies', 40) }) },
]).model;
const plan = planLab(model, { prefix: PREFIX });
await labDown(PREFIX);
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => void labDown(PREFIX).then(() => process.exit(130)));
const before = await labInventory(PREFIX);
const load = [loadavg()[0]];
let t = Date.now();
const up = await labUp(plan);
const upMs = Date.now() - t;
console.error(`up: ${plan.pods.length} pods in ${upMs} ms`);
load.push(loadavg()[0]);
t = Date.now();
// The figure is the full pod-to-pod matrix; Service probes and DNS lookups are timed apart after it.
const probe = await runProbe(model, plan, { podsOnly: true });
const probeMs = Date.now() - t;
console.error(`probe: ${probe.total} pod-to-pod probes in ${probeMs} ms`);
t = Date.now();
const all = await runProbe(model, plan);
const extraMs = Date.now() - t;
console.error(
  `probe (every kind): ${all.total} probes (${all.counts.pod} pod to pod, ${all.counts.service} through Services, ${all.counts.dns} DNS lookups) in ${extraMs} ms`,
);
load.push(loadavg()[0]);
const during = await labInventory(PREFIX);
t = Date.now();
await labDown(PREFIX);
const downMs = Date.now() - t;
const afterDown = await labInventory(PREFIX);
const result = {
  pods: plan.pods.length,
  namespaces: up.namespaces,
  portsServed: up.served,
  upMs,
  probes: probe.total,
  agree: probe.agree,
  probeMs,
  everyKind: { total: all.total, agree: all.agree, counts: all.counts, ms: extraMs },
  downMs,
  before,
  during: { netns: during.netns.length, hostLinks: during.hostLinks, hostTables: during.hostTables },
  after: afterDown,
  leftBehind:
    afterDown.netns.length + afterDown.hostLinks.length + afterDown.hostTables.length + afterDown.etc.length,
  load1: load.map((l) => l.toFixed(1)),
  cpus: cpus().length,
};
console.log(JSON.stringify(result, null, 2));
writeFileSync(
  'bench/results/lab.md',
  [
    '# bench:lab',
    '',
    `| pods | namespaces | up | pod-to-pod probes (agree) | probe | every kind: pod / Service / DNS (agree) | every kind | down | left behind | load (1 min) | cpus |`,
    `| ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: |`,
    `| ${result.pods} | ${result.namespaces} | ${(upMs / 1000).toFixed(1)} s | ${result.probes} (${result.agree}) | ${(probeMs / 1000).toFixed(1)} s | ${all.counts.pod} / ${all.counts.service} / ${all.counts.dns} (${all.agree}/${all.total}) | ${(extraMs / 1000).toFixed(1)} s | ${(downMs / 1000).toFixed(1)} s | ${result.leftBehind} | ${result.load1.join(' / ')} | ${result.cpus} |`,
    '',
  ].join('\n'),
);
process.exit(result.leftBehind || probe.disagreements.length || all.disagreements.length ? 1 : 0);
