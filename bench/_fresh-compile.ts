/**
 * One tree's first compile in a fresh process (design note 0008, twelfth session): a CLI run compiles once,
 * cold, so this is the figure a one-pair `reach` or `trace` pays. Builds the generated model, collects, pauses
 * 300 ms (so the collection's concurrent sweeping is not counted), then times `new PolicyEngine(model, options)`
 * (wall and process CPU, user + system), then `engine.peerSets.selectAll()` (the rule table when it is built on
 * demand, plus every peer set), then the first `classOf` (the pods' slot marks, when written on first ask), then
 * a second compile. One JSON line. Alternate two trees from a shell loop:
 *
 *   node --expose-gc --max-old-space-size=6144 --import tsx bench/_fresh-compile.ts ROOT realistic 150000 [policies|-] [on-demand]
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';

const [root, family, podsArg, policiesArg, ruleTable] = process.argv.slice(2);
const policies = policiesArg && policiesArg !== '-' ? Number(policiesArg) : undefined;
const gen = await import(resolve(root, 'bench/generate.ts'));
const cluster = await import(resolve(root, 'src/cluster/index.ts'));
const policy = await import(resolve(root, 'src/analysis/policy/index.ts'));
const { objects, profile } = gen.generateCluster({ family, pods: Number(podsArg), policies });
const { model } = cluster.buildCluster(objects, { profile });
objects.length = 0;
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const settle = async () => {
  global.gc?.();
  await new Promise((r) => setTimeout(r, 300));
};
const options = ruleTable ? { ruleTable } : {};
const out: Record<string, number | string> = { root, load: loadavg()[0] };
await settle();
let t = performance.now();
let c = cpu();
const engine = new policy.PolicyEngine(model, options);
out.compile1 = Math.round(performance.now() - t);
out.compile1Cpu = Math.round(cpu() - c);
t = performance.now();
c = cpu();
engine.peerSets.selectAll();
out.sets1 = Math.round(performance.now() - t);
out.sets1Cpu = Math.round(cpu() - c);
out.shape = `${engine.classes.length}/${engine.rules.keys.length}/${engine.peerSets.sets.length}`;
// The first question about a pod (the slot marks, when they are written on first ask).
t = performance.now();
c = cpu();
engine.classOf(model.pods[model.pods.length >> 1]);
out.ask1 = Math.round(performance.now() - t);
out.ask1Cpu = Math.round(cpu() - c);
await settle();
t = performance.now();
c = cpu();
new policy.PolicyEngine(model, options);
out.compile2 = Math.round(performance.now() - t);
out.compile2Cpu = Math.round(cpu() - c);
process.stdout.write(JSON.stringify(out) + '\n');
