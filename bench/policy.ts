/**
 * NetworkPolicy engine benchmark. Without arguments it runs every case in a fresh process (so peak memory is the
 * case's own) and writes bench/results/policy.md; `bench/policy.ts realistic 30000` runs one case, one JSON line.
 *
 * Measured per case, after the model is built (model build is bench/results/build.md):
 * - compileMs: PolicyEngine construction — pod equivalence classes, policy selection per class.
 * - reachMs: the full reachability — every (source class, destination class, port class), counted in one pass
 *   per destination class (design note 0004); includes building the peer sets and the inverted egress index.
 * - peakRssMB: the process's peak resident memory (includes the model and the generator).
 * - qps: pairwise `allows` queries per second on random pod pairs and declared ports, median of three passes
 *   over different pairs (the first also builds the side programs of the classes it meets).
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

const cases = [
  ['realistic', '30000'],
  ['realistic', '150000'],
  ['realistic-cilium', '150000'],
  ['random-labels', '10000', '5000'],
  ['random-labels', '100000', '50000'],
];

function one(
  family: 'realistic' | 'realistic-cilium' | 'random-labels',
  pods: number,
  policies?: number,
): Record<string, unknown> {
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
  const heap0 = process.memoryUsage().heapUsed;
  let t = performance.now();
  const engine = new PolicyEngine(model);
  const compileMs = performance.now() - t;
  t = performance.now();
  // Cilium: both tiers together, set by set (computeTierReachability); NetworkPolicy alone: computeReachability.
  const reach = cilium ? computeTierReachability(engine) : computeReachability(engine);
  const reachMs = performance.now() - t;
  const heapMB = (process.memoryUsage().heapUsed - heap0) / 1048576;
  // Three passes over different random pairs (each cold for the engine's cache); the median is reported, since
  // other work on the machine can stall one pass.
  const ready = model.pods.filter((p) => p.ip && p.ports.length);
  const queries = 300_000;
  const passes: number[] = [];
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
    allowed = 0;
    for (const [a, b, port, proto] of qs) if (engine.allows(a, b, port, proto)) allowed++;
    passes.push(queries / ((performance.now() - t) / 1000));
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
    reachMs: Math.round(reachMs),
    totalMs: Math.round(compileMs + reachMs),
    allowedClassTriples: reach.allowedTriples,
    engineHeapMB: Math.round(heapMB),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    qps: Math.round(qps),
    qpsFirstPass: Math.round(firstPass),
    queriesAllowedPct: Math.round((allowed / queries) * 100),
  };
}

const args = process.argv.slice(2);
if (args.length) {
  process.stdout.write(
    JSON.stringify(
      one(
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
    `- realistic 150k pods / 16k policies, full reachability ≤ 1 s and ≤ 1 GB: ${big ? `${big.totalMs} ms, peak RSS ${big.peakRssMB} MB (model included) — ${verdict(Number(big.totalMs) <= 1000 && Number(big.peakRssMB) <= 1024)}` : 'not measured'}`,
    `- random-labels 100k pods / 50k policies ≤ 5 s: ${random ? `${random.totalMs} ms — ${verdict(Number(random.totalMs) <= 5000)}` : 'not measured'}`,
    `- ≥ 200,000 pairwise queries per second: realistic ${qpsMin}/s — ${verdict(qpsMin >= 200000)}; random-labels ${rows
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
    'compileMs: equivalence classes and policy selection. reachMs: every (source class, destination class, port class)',
    'verdict of the NetworkPolicy tier, counted (allowedClassTriples). peakRssMB includes the generated objects and the',
    'model. qps: `PolicyEngine.allows` on random pod pairs and declared ports, median of three passes of 300,000',
    '(the first also compiles the side programs of the classes it meets; qpsFirstPass is that pass alone).',
    '',
    'Targets (issue 3):',
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
