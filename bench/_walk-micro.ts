/**
 * The policy walk alone (design note 0008, eleventh session): the old tree's `walkPolicies` then, after the cache
 * is flushed (as the compile's pod walk does before the plan asks), its lazily recorded rule table
 * (`recordRules`), against the new tree's one walk that lays out the table too; alternated, the cache flushed
 * (a 64 MB buffer written) before each, wall time.
 *
 *   node --expose-gc --import tsx bench/_walk-micro.ts OLD_ROOT NEW_ROOT realistic 150000 [policies] [rounds]
 */
import { resolve } from 'node:path';
import { loadavg } from 'node:os';

const [oldRoot, newRoot, family, podsArg, policiesArg, roundsArg] = process.argv.slice(2);
const gen = await import(resolve(newRoot, 'bench/generate.ts'));
const cluster = await import(resolve(newRoot, 'src/cluster/index.ts'));
const oldWalk = await import(resolve(oldRoot, 'src/analysis/policy/_policy-walk.ts'));
const oldRules = await import(resolve(oldRoot, 'src/analysis/policy/_rule-table.ts'));
const newWalk = await import(resolve(newRoot, 'src/analysis/policy/_policy-walk.ts'));
const { objects, profile } = gen.generateCluster({
  family,
  pods: Number(podsArg),
  policies: policiesArg && policiesArg !== '-' ? Number(policiesArg) : undefined,
});
const { model } = cluster.buildCluster(objects, { profile });
const policies = model.networkPolicies;
const junk = new Float64Array(8 << 20);
const flush = () => {
  for (let i = 0; i < junk.length; i += 8) junk[i] += 1;
};
const times: Record<string, number[]> = { oldWalk: [], oldRules: [], oldSum: [], newWalk: [] };
for (let round = 0; round < Number(roundsArg ?? 20); round++) {
  const runs = [
    () => {
      flush();
      let t = performance.now();
      const w = oldWalk.walkPolicies(policies);
      const a = performance.now() - t;
      flush();
      t = performance.now();
      const r = oldRules.recordRules(policies, w.blockOf);
      const b = performance.now() - t;
      if (round) {
        times.oldWalk.push(a);
        times.oldRules.push(b);
        times.oldSum.push(a + b);
      }
      return r.keys.length;
    },
    () => {
      flush();
      const t = performance.now();
      const w = newWalk.walkPolicies(policies);
      if (round) times.newWalk.push(performance.now() - t);
      return w.rules.keys.length;
    },
  ];
  if (round % 2) runs.reverse();
  for (const run of runs) {
    global.gc?.();
    run();
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const out: Record<string, string> = {};
for (const [k, xs] of Object.entries(times))
  out[k] = `${median(xs).toFixed(1)} (min ${Math.min(...xs).toFixed(1)})`;
process.stdout.write(JSON.stringify({ policies: policies.length, ...out, load: loadavg()[0] }) + '\n');
