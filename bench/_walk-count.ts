/**
 * For instruction counts (design note 0008, eleventh session): one tree's engine on a generated cluster, `n`
 * times: mode 0 nothing, 1 the compile, 2 the compile and every peer set (`peerSets.selectAll()`: the rule
 * table and the selection), each followed by a full collection. Run under `valgrind --tool=cachegrind
 * --cache-sim=no node --single-threaded --expose-gc --import tsx bench/_walk-count.ts ROOT realistic 30000 - 4 MODE`
 * and subtract mode 0's count.
 */
import { resolve } from 'node:path';

const [root, family, podsArg, policiesArg, nArg, modeArg] = process.argv.slice(2);
const gen = await import(resolve(root, 'bench/generate.ts'));
const cluster = await import(resolve(root, 'src/cluster/index.ts'));
const policy = await import(resolve(root, 'src/analysis/policy/index.ts'));
const { objects, profile } = gen.generateCluster({
  family,
  pods: Number(podsArg),
  policies: policiesArg && policiesArg !== '-' ? Number(policiesArg) : undefined,
});
const { model } = cluster.buildCluster(objects, { profile });
global.gc?.();
const mode = Number(modeArg);
let keys = 0;
for (let i = 0; i < Number(nArg); i++) {
  if (mode > 0) {
    const engine = new policy.PolicyEngine(model);
    if (mode > 1) {
      engine.peerSets.selectAll();
      keys += engine.rules.keys.length;
    }
  }
  global.gc?.();
}
process.stdout.write(`${keys}\n`);
