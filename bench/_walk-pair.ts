/**
 * Two trees' policy engines alternated in one process on the same generated cluster (design note 0008, eleventh
 * session): per round and tree, `global.gc()` and a pause, then the compile (`new PolicyEngine`), then the rule
 * table and every peer set (`engine.peerSets.selectAll()`, as bench/policy.ts's peer-sets phase), each in wall
 * and process CPU time (user + system). The order of the trees flips every round. One JSON line per round, then
 * the medians.
 *
 *   node --expose-gc --max-old-space-size=6144 --import tsx bench/_walk-pair.ts OLD_ROOT NEW_ROOT realistic 150000 [policies] [rounds]
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';

const [oldRoot, newRoot, family, podsArg, policiesArg, roundsArg] = process.argv.slice(2);
const pods = Number(podsArg);
const policies = policiesArg && policiesArg !== '-' ? Number(policiesArg) : undefined;
const rounds = Number(roundsArg ?? 8);

interface Tree {
  name: string;
  model: unknown;
  Engine: new (model: never) => {
    peerSets: { selectAll(): void; sets: unknown[] };
    rules: { keys: readonly string[]; peerKeys: Int32Array };
  };
}

async function load(name: string, root: string): Promise<Tree> {
  const gen = await import(resolve(root, 'bench/generate.ts'));
  const cluster = await import(resolve(root, 'src/cluster/index.ts'));
  const policy = await import(resolve(root, 'src/analysis/policy/index.ts'));
  const { objects, profile } = gen.generateCluster({ family, pods, policies });
  const { model } = cluster.buildCluster(objects, { profile });
  return { name, model, Engine: policy.PolicyEngine };
}

const trees = [await load('old', oldRoot), await load('new', newRoot)];
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rows: Record<string, number[]> = {};
const add = (k: string, v: number) => (rows[k] ??= []).push(v);
for (let round = 0; round < rounds + 1; round++) {
  const order = round % 2 ? [trees[1], trees[0]] : trees;
  const line: Record<string, number | string> = { round, load: Math.round(loadavg()[0] * 10) / 10 };
  const shape: string[] = [];
  for (const tree of order) {
    global.gc?.();
    await pause(200);
    let t = performance.now();
    let c = cpu();
    const engine = new tree.Engine(tree.model as never);
    const compile = [performance.now() - t, cpu() - c];
    t = performance.now();
    c = cpu();
    engine.peerSets.selectAll();
    const sets = [performance.now() - t, cpu() - c];
    shape.push(`${engine.rules.keys.length}/${engine.rules.peerKeys.length}/${engine.peerSets.sets.length}`);
    const vals: Record<string, number> = {
      compile: compile[0],
      compileCpu: compile[1],
      sets: sets[0],
      setsCpu: sets[1],
      total: compile[0] + sets[0],
      totalCpu: compile[1] + sets[1],
    };
    for (const [k, v] of Object.entries(vals)) {
      line[`${tree.name}.${k}`] = Math.round(v);
      // Round 0 warms both trees up and is not counted.
      if (round > 0) add(`${tree.name}.${k}`, v);
    }
  }
  if (shape[0] !== shape[1]) throw new Error(`tables differ: ${shape.join(' vs ')}`);
  process.stdout.write(JSON.stringify(line) + '\n');
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const out: Record<string, string> = {};
for (const [k, xs] of Object.entries(rows))
  out[k] = `${Math.round(median(xs))} (${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))})`;
const lower = rows['new.totalCpu'].filter((v, i) => v < rows['old.totalCpu'][i]).length;
process.stdout.write(
  JSON.stringify({ median: out, newTotalCpuLowerIn: `${lower} of ${rounds}`, load: loadavg()[0] }) + '\n',
);
