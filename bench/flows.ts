/**
 * `flows` (discovery) and `suggest policies` over the realistic generated cluster (issue #14 target: 30k pods, each
 * ≤ 5 s). Each Deployment is given an env var naming the Service of the Deployment after it (`UPSTREAM_ADDR:
 * small-4:80`), so discovery has one call per Deployment to find, and the suggestion that many connections to
 * admit. Medians of `runs` runs. Writes bench/results/flows.md (bench/results/flows-cilium.md with CNI=cilium).
 *
 *   node --import tsx bench/flows.ts                  # NetworkPolicies, RUNS=3, 30k pods
 *   CNI=cilium node --import tsx bench/flows.ts       # CiliumNetworkPolicies, proven by the Cilium tier
 *   PODS=5000 RUNS=5 BEFORE=0 node --import tsx bench/flows.ts
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { generateCluster } from './generate.ts';
import { buildCluster } from '../src/cluster/index.ts';
import { discoverFlows } from '../src/analysis/flows/index.ts';
import { suggestPolicies } from '../src/analysis/suggest/index.ts';

const runs = Number(process.env.RUNS ?? 3);
/** BEFORE=0: skip the `before` matrix count (one more engine and matrix over the cluster as it is). */
const before = process.env.BEFORE !== '0';
/** CNI=cilium: suggest CiliumNetworkPolicies (proven with the Cilium tier of the engine). */
const cni = process.env.CNI === 'cilium' ? 'cilium' : 'kubernetes';
/** The issue #14 target, per command, in ms. */
const target = 5000;
/** CPU time of this process (user + system, ms): less disturbed than wall time on a shared machine. */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const { objects, profile } = generateCluster({
  family: 'realistic',
  pods: Number(process.env.PODS ?? 30000),
});
const services = new Map<string, string[]>();
for (const o of objects)
  if (o.body.kind === 'Service') {
    const m = o.body.metadata as { name: string; namespace: string };
    services.set(m.namespace, [...(services.get(m.namespace) ?? []), m.name]);
  }
for (const o of objects) {
  if (o.body.kind !== 'Deployment') continue;
  const m = o.body.metadata as { name: string; namespace: string };
  const list = services.get(m.namespace) ?? [];
  const next = list[(list.indexOf(m.name) + 1) % list.length] ?? list[0];
  const spec = (o.body.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template
    .spec;
  spec.containers = spec.containers.map((c) => ({
    ...c,
    env: [{ name: 'UPSTREAM_ADDR', value: `${next}:80` }],
  }));
}
const { model } = buildCluster(objects, { profile });
const discover: number[] = [];
const suggest: number[] = [];
const discoverCpu: number[] = [];
const suggestCpu: number[] = [];
let found = 0;
let summary = '';
for (let i = 0; i < runs; i++) {
  let t = performance.now();
  let c = cpu();
  const d = discoverFlows(model);
  discover.push(performance.now() - t);
  discoverCpu.push(cpu() - c);
  found = d.flows.reduce((n, f) => n + f.steps.length, 0);
  t = performance.now();
  c = cpu();
  const s = suggestPolicies(model, d.flows, { replace: true, before, cni });
  suggest.push(performance.now() - t);
  suggestCpu.push(cpu() - c);
  summary = `${s.policies.length} policies for ${s.edges.length} connections; check: ${s.check.denied.length} denied, ${s.check.extra.length} extra, ${s.check.delivered}/${s.check.steps} steps delivered`;
  process.stderr.write(
    `run ${i + 1}: discover ${Math.round(discover[i])} ms (cpu ${Math.round(discoverCpu[i])}), suggest ${Math.round(suggest[i])} ms (cpu ${Math.round(suggestCpu[i])})\n`,
  );
}
const verdict = (ms: number) => (ms <= target ? 'met' : 'NOT met');
const md = [
  `## flows and suggest policies${cni === 'cilium' ? ' --cni cilium' : ''} (issue #14 target: 30k pods, each ≤ 5 s)`,
  '',
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${loadavg()[0].toFixed(1)} at the end. Run: \`node --import tsx bench/flows.ts\` (RUNS=${runs}, BEFORE=${before ? 1 : 0}, medians; wall ms, and CPU ms of the process in brackets).`,
  '',
  `| pods | workloads | discover ms | steps found | suggest policies ms (edges, policies, set-based proof${before ? ', matrix before' : ''}) | result |`,
  '| --- | --- | --- | --- | --- | --- |',
  `| ${model.pods.length} | ${model.workloads.length} | ${Math.round(median(discover))} (${Math.round(median(discoverCpu))}) | ${found} | ${Math.round(median(suggest))} (${Math.round(median(suggestCpu))}) | ${summary} |`,
  '',
  `Target ≤ ${target} ms each, wall (CPU): flows ${verdict(median(discover))} (${verdict(median(discoverCpu))}), suggest policies ${verdict(median(suggest))} (${verdict(median(suggestCpu))}). CPU can exceed wall: the garbage collector runs on helper threads.`,
  '',
].join('\n');
writeFileSync(`bench/results/flows${cni === 'cilium' ? '-cilium' : ''}.md`, md);
process.stdout.write(md);
