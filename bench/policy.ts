/**
 * NetworkPolicy engine benchmark. Without arguments it runs every case in a fresh process (so peak memory is the
 * case's own) and writes bench/results/policy.md; `bench/policy.ts realistic 30000` runs one case, one JSON line.
 *
 * Measured per case, after the model is built (model build is bench/results/build.md):
 * - compileMs: PolicyEngine construction — pod equivalence classes, policy selection per class, and the rule table
 *   (laid out by the compile's walk of the policies since the eleventh session of design note 0008).
 * - reachMs: the full reachability — every (source class, destination class, port class) — on the flat plan
 *   (design note 0008) on every core (`src/workers/reach-pool.ts`, workers started before timing: poolStartMs):
 *   peerSetsMs (every rule peer's set of classes selected) + planParMs (the plan, its
 *   inverted egress index on every core) + the rows counted on every core. reach1Ms: peerSetsMs + planMs (the
 *   plan on one thread) + the rows on one thread; reachOldMs: `computeReachability` (objects, one thread). Every
 *   count is checked equal.
 *   Compile and reach are the median of 3 rounds (a new engine each round; the previous round's engine is dropped
 *   before the round's collection, so each round compiles with only the model live, as a CLI run does).
 * - compileCpuMs, peerSetsCpuMs, planCpuMs, rows1CpuMs: the same phases in process CPU time (user), and
 *   total1CpuMs their sum (compile + full reachability on one thread): the figures to compare on a shared machine.
 * - peakRssMB: the process's peak resident memory (includes the model and the generator).
 * - qps: pairwise `allows` queries per second on random pod pairs and declared ports, median of three passes
 *   over different pairs (the first also builds the side programs of the classes it meets).
 * - loadAvg: the 1-minute load average when the case ended (figures taken above ~2 on 2 cores are inflated).
 *
 * The written file keeps everything from its `## History` line on (earlier runs, recorded by hand).
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { generateCluster, prng } from './generate.ts';
import { buildCluster } from '../src/cluster/index.ts';
import { PolicyEngine } from '../src/analysis/policy/index.ts';
import { computeReachability } from '../src/analysis/matrix/index.ts';
import { computeTierReachability } from '../src/analysis/policy/index.ts';
import { buildReachPlan, countRows } from '../src/analysis/matrix/index.ts';
import { buildReachPlanParallel, countRowsParallel, warmReachPool } from '../src/workers/reach-pool.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const cases = [
  ['realistic', '30000'],
  ['realistic', '150000'],
  ['realistic-cilium', '150000'],
  ['random-labels', '10000', '5000'],
  ['random-labels', '100000', '50000'],
];

async function one(
  family: 'realistic' | 'realistic-cilium' | 'random-labels',
  pods: number,
  policies?: number,
): Promise<Record<string, unknown>> {
  const cilium = family === 'realistic-cilium';
  const { objects, profile } = generateCluster({
    family: cilium ? 'realistic' : family,
    pods,
    policies,
    cilium,
  });
  const { model } = buildCluster(objects, { profile });
  objects.length = 0;
  global.gc?.();
  let t = performance.now();
  await warmReachPool();
  const poolStartMs = performance.now() - t;
  const times: Record<string, number[]> = {
    compile: [],
    compileCpu: [],
    sets: [],
    setsCpu: [],
    plan: [],
    planCpu: [],
    planPar: [],
    planParCpu: [],
    rows: [],
    rows1: [],
    rows1Cpu: [],
    old: [],
  };
  const cpu = () => process.cpuUsage().user / 1000;
  let engine: PolicyEngine | undefined;
  let reach!: { classes: number; portClasses: readonly unknown[]; allowedTriples: number };
  let heap0 = 0;
  for (let round = 0; round < 3; round++) {
    // Each round starts as a CLI run does, with no engine but the one it compiles: the previous round's engine
    // (its classes, peer sets and rule table, 46-61 MB at random-label 100k/50k) is dropped before the collection.
    engine = undefined;
    global.gc?.();
    heap0 = process.memoryUsage().heapUsed;
    t = performance.now();
    let c0 = cpu();
    engine = new PolicyEngine(model);
    times.compile.push(performance.now() - t);
    times.compileCpu.push(cpu() - c0);
    if (cilium) {
      // Cilium: both tiers together, set by set (computeTierReachability).
      t = performance.now();
      reach = computeTierReachability(engine);
      times.rows.push(performance.now() - t);
      continue;
    }
    t = performance.now();
    c0 = cpu();
    engine.peerSets.selectAll();
    times.sets.push(performance.now() - t);
    times.setsCpu.push(cpu() - c0);
    t = performance.now();
    c0 = cpu();
    const { plan, ports } = buildReachPlan(engine, { shared: true });
    times.plan.push(performance.now() - t);
    times.planCpu.push(cpu() - c0);
    t = performance.now();
    c0 = cpu();
    const { plan: planPar } = await buildReachPlanParallel(engine);
    times.planPar.push(performance.now() - t);
    times.planParCpu.push(cpu() - c0);
    t = performance.now();
    const triples = await countRowsParallel(planPar);
    times.rows.push(performance.now() - t);
    t = performance.now();
    c0 = cpu();
    const one = countRows(plan, 0, plan.C);
    times.rows1.push(performance.now() - t);
    times.rows1Cpu.push(cpu() - c0);
    t = performance.now();
    const old = computeReachability(engine);
    times.old.push(performance.now() - t);
    if (one !== triples || old.allowedTriples !== triples)
      throw new Error(
        `triples differ: ${triples} on every core, ${one} on one, ${old.allowedTriples} before`,
      );
    reach = { classes: plan.C, portClasses: ports, allowedTriples: triples };
  }
  const compileMs = median(times.compile);
  const setsMs = cilium ? 0 : median(times.sets);
  const planMs = cilium ? 0 : median(times.plan);
  const planParMs = cilium ? 0 : median(times.planPar);
  const reachMs = setsMs + planParMs + median(times.rows);
  const heapMB = (process.memoryUsage().heapUsed - heap0) / 1048576;
  // Three passes over different random pairs (each cold for the engine's cache); the median is reported, since
  // other work on the machine can stall one pass.
  const last = engine!;
  const ready = model.pods.filter((p) => p.ip && p.ports.length);
  const queries = 300_000;
  const passes: number[] = [];
  const cpuPasses: number[] = [];
  let allowed = 0;
  for (const seed of [7, 8, 9]) {
    const rand = prng(seed);
    const qs = Array.from({ length: queries }, () => {
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
    t = performance.now();
    const q0 = process.cpuUsage().user;
    allowed = 0;
    for (const [a, b, port, proto] of qs) if (last.allows(a, b, port, proto)) allowed++;
    passes.push(queries / ((performance.now() - t) / 1000));
    cpuPasses.push(queries / ((process.cpuUsage().user - q0) / 1e6));
  }
  const firstPass = passes[0];
  const qps = [...passes].sort((x, y) => x - y)[1];
  return {
    family,
    pods: model.pods.length,
    policies: model.networkPolicies.length + (model.ciliumPolicies?.length ?? 0),
    classes: reach.classes,
    portClasses: reach.portClasses.length,
    compileMs: Math.round(compileMs),
    peerSetsMs: Math.round(setsMs),
    planMs: Math.round(planMs),
    planParMs: Math.round(planParMs),
    reachMs: Math.round(reachMs),
    totalMs: Math.round(compileMs + reachMs),
    reach1Ms: cilium ? '' : Math.round(setsMs + planMs + median(times.rows1)),
    reachOldMs: cilium ? '' : Math.round(setsMs + median(times.old)),
    compileCpuMs: Math.round(median(times.compileCpu)),
    peerSetsCpuMs: cilium ? '' : Math.round(median(times.setsCpu)),
    planCpuMs: cilium ? '' : Math.round(median(times.planCpu)),
    // Process CPU: the worker threads' share included.
    planParCpuMs: cilium ? '' : Math.round(median(times.planParCpu)),
    rows1CpuMs: cilium ? '' : Math.round(median(times.rows1Cpu)),
    // Compile + full reachability on one thread, in CPU time of this thread's process (steadier than wall time
    // on a shared machine; GC threads count).
    total1CpuMs: cilium
      ? ''
      : Math.round(
          median(times.compileCpu) + median(times.setsCpu) + median(times.planCpu) + median(times.rows1Cpu),
        ),
    poolStartMs: Math.round(poolStartMs),
    cpuUserS: Math.round(process.cpuUsage().user / 1e5) / 10,
    allowedClassTriples: reach.allowedTriples,
    engineHeapMB: Math.round(heapMB),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    qps: Math.round(qps),
    qpsFirstPass: Math.round(firstPass),
    qpsCpu: Math.round(median(cpuPasses)),
    queriesAllowedPct: Math.round((allowed / queries) * 100),
    // The 1-minute load average at the end: the machine is shared, and wall times scale with it.
    loadAvg: Math.round(loadavg()[0] * 10) / 10,
  };
}

const args = process.argv.slice(2);
if (args.length) {
  process.stdout.write(
    JSON.stringify(
      await one(
        args[0] as 'realistic' | 'realistic-cilium' | 'random-labels',
        Number(args[1]),
        args[2] ? Number(args[2]) : undefined,
      ),
    ) + '\n',
  );
} else {
  const rows: Record<string, unknown>[] = [];
  const startLoad = loadavg()
    .map((x) => x.toFixed(1))
    .join(', ');
  for (const c of cases) {
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=6144', '--import', 'tsx', 'bench/policy.ts', ...c],
      { encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    const row = JSON.parse(out.trim().split('\n').pop() as string) as Record<string, unknown>;
    rows.push(row);
    process.stderr.write(`policy ${c.join(' ')}: ${JSON.stringify(row)}\n`);
  }
  const cols = Object.keys(rows[0]);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
  const row = (family: string, pods: number) =>
    rows.find((r) => r.family === family && Math.abs(Number(r.pods) - pods) < pods / 10);
  const verdict = (ok: boolean | undefined) =>
    ok === undefined ? 'not measured' : ok ? 'met' : '**not met**';
  const big = row('realistic', 150000);
  const random = row('random-labels', 100000);
  const qpsMin = Math.min(...rows.filter((r) => r.family === 'realistic').map((r) => Number(r.qps)));
  const ciliumBig = row('realistic-cilium', 150000);
  const targets = [
    `- realistic 150k with one CiliumNetworkPolicy per workload, full reachability within 1.5× the NetworkPolicy figure (same run): ${ciliumBig && big ? `${ciliumBig.totalMs} ms vs ${big.totalMs} ms = ${(Number(ciliumBig.totalMs) / Number(big.totalMs)).toFixed(2)}× — ${verdict(Number(ciliumBig.totalMs) <= 1.5 * Number(big.totalMs))}` : 'not measured'}`,
    `- issue 19: realistic 150k, compile + full reachability ≤ 150 ms: ${big ? `${big.totalMs} ms (compile ${big.compileMs}, reach ${big.reachMs}), peak RSS ${big.peakRssMB} MB (model included) — ${verdict(Number(big.totalMs) <= 150)}` : 'not measured'}`,
    `- issue 19: random-labels 100k pods / 50k policies ≤ 1 s: ${random ? `${random.totalMs} ms (compile ${random.compileMs}, reach ${random.reachMs}) — ${verdict(Number(random.totalMs) <= 1000)}` : 'not measured'}`,
    `- issue 19: ≥ 2M pairwise queries per second: realistic ${qpsMin}/s — ${verdict(qpsMin >= 2000000)}; random-labels ${rows
      .filter((r) => r.family === 'random-labels')
      .map((r) => `${r.pods} pods ${r.qps}/s`)
      .join(', ')}`,
  ];
  const md = [
    '## NetworkPolicy engine: compile, full reachability, pairwise queries',
    '',
    `Machine: ${machine}; load average when the run started: ${startLoad} (other work shares the 2 cores, so times vary by up to ~2× between runs).`,
    '',
    `| ${cols.join(' | ')} |`,
    `| ${cols.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${cols.map((k) => String(r[k])).join(' | ')} |`),
    '',
    'compileMs: equivalence classes, policy selection and the rule table. reachMs: every (source class, destination class, port class)',
    'verdict of the NetworkPolicy tier, counted (allowedClassTriples): peerSetsMs (peer-set tables and selection) +',
    'planParMs (flat arrays, the inverted egress index on every core) + rows on every core (workers started before',
    'timing, poolStartMs); reach1Ms: peerSetsMs + planMs + rows, all on one thread; reachOldMs `computeReachability`.',
    'Compile and reach: median of 3 rounds. cpuUserS: the whole process. peakRssMB includes the generated objects',
    'and the model. qps: `PolicyEngine.allows` on random pod pairs and declared ports, median of three passes of',
    '300,000 (the first builds the verdict table rows it meets, or the side programs; qpsFirstPass is that pass).',
    '',
    'Targets (issues 3, 10, 19):',
    ...targets,
    '',
  ].join('\n');
  mkdirSync('bench/results', { recursive: true });
  const file = 'bench/results/policy.md';
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const history = old.includes('\n## History') ? old.slice(old.indexOf('\n## History')) : '';
  writeFileSync(file, md + history);
  process.stdout.write(md + '\n');
}
