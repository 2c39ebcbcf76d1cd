/**
 * CPU profile of the policy engine's three benchmarked phases (compile, full reachability, `allows`), each
 * profiled alone with the inspector after the model is built: `node --import tsx bench/_profile-engine.ts
 * realistic 150000` prints the top functions by self time per phase and writes /tmp/engine-<phase>.cpuprofile.
 */
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { generateCluster, prng } from './generate.ts';
import { buildCluster } from '../src/cluster/index.ts';
import { PolicyEngine } from '../src/analysis/policy/index.ts';
import { buildReachPlan, computeReachability, countRows } from '../src/analysis/matrix/index.ts';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
}

async function profiled<T>(session: Session, name: string, fn: () => T): Promise<T> {
  await session.post('Profiler.start');
  const t = performance.now();
  const out = fn();
  const ms = performance.now() - t;
  const { profile } = (await session.post('Profiler.stop')) as { profile: { nodes: Node[] } };
  writeFileSync(`/tmp/engine-${name}.cpuprofile`, JSON.stringify(profile));
  const self = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const f = n.callFrame;
    const key = `${f.functionName || '(anon)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + n.hitCount);
    total += n.hitCount;
  }
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 14);
  process.stdout.write(`\n## ${name}: ${ms.toFixed(0)} ms\n`);
  for (const [k, v] of top) process.stdout.write(`${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}\n`);
  return out;
}

const [family, pods, policies] = process.argv.slice(2);
const { objects, profile } = generateCluster({
  family: family as 'realistic' | 'random-labels',
  pods: Number(pods),
  policies: policies ? Number(policies) : undefined,
});
const { model } = buildCluster(objects, { profile });
const session = new Session();
session.connect();
await session.post('Profiler.setSamplingInterval', { interval: 200 });
await session.post('Profiler.enable');
const engine = await profiled(session, 'compile', () => new PolicyEngine(model));
await profiled(session, 'peer-sets', () => engine.peerSets);
const { plan } = await profiled(session, 'plan', () => buildReachPlan(engine));
await profiled(session, 'rows', () => countRows(plan, 0, plan.C));
const reach = await profiled(session, 'reach', () => computeReachability(engine));
process.stdout.write(`classes ${reach.classes}, triples ${reach.allowedTriples}\n`);
const ready = model.pods.filter((p) => p.ip && p.ports.length);
const rand = prng(7);
const qs = Array.from({ length: 300_000 }, () => {
  const a = ready[Math.floor(rand() * ready.length)];
  const b = ready[Math.floor(rand() * ready.length)];
  const p = b.ports[Math.floor(rand() * b.ports.length)];
  return [
    { kind: 'pod' as const, pod: a },
    { kind: 'pod' as const, pod: b },
    p.containerPort,
    p.protocol,
  ] as const;
});
await profiled(session, 'allows', () => {
  let n = 0;
  for (const [a, b, port, proto] of qs) if (engine.allows(a, b, port, proto)) n++;
  return n;
});
