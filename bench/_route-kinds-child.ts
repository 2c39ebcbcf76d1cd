/**
 * One fresh process of bench/route-kinds.ts: builds the cluster of each variant (`--n N --variants plain,kinds`),
 * measures each kind of decision after a warm-up, the variants' batches alternated (so a change of load hits them
 * alike), and prints one JSON line per variant (see `Measure`). Run by the driver, not by hand.
 */
import { loadavg } from 'node:os';
import { buildFromTexts } from '../src/api/index.ts';
import { compileRouter, parseRequest } from '../src/analysis/route/index.ts';
import { routeCluster } from './_route-cluster.ts';
import { routeKindsCluster } from './_route-kinds-cluster.ts';

const arg = (name: string) => process.argv[process.argv.indexOf(name) + 1];
const n = Number(arg('--n'));
type Variant = 'plain' | 'kinds';
const variants = arg('--variants').split(',') as Variant[];

/**
 * One kind of decision in one process: decisions per CPU second (the median of its timed batches, and each batch),
 * decisions per wall-clock second over all batches (what a quiet machine would show), and the CPU time they took.
 */
export interface Measure {
  readonly perCpuSecond: number;
  readonly batches: readonly number[];
  readonly perSecond: number;
  readonly cpuMs: number;
}

const WARM_CPU_MS = 500;
const BATCHES = 10;
const BATCH_CPU_MS = 200;

const cpuMsSince = (from: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
};

/** Runs `fn` (`size` decisions a call) for `ms` of CPU time; the decisions made and the CPU and wall time taken. */
function batch(fn: () => void, size: number, ms: number) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  let count = 0;
  let used = 0;
  while ((used = cpuMsSince(cpu)) < ms) {
    fn();
    count += size;
  }
  return { count, cpuMs: used, wallMs: performance.now() - start };
}

/**
 * Each variant's `fn` runs untimed for WARM_CPU_MS of CPU (the optimising compiler settles), then in BATCHES
 * batches of BATCH_CPU_MS of CPU, the variants taking turns (the order reversed every batch). Batches are cut by CPU
 * time, not wall-clock time, so a process the scheduler starves still does the same work per batch.
 */
function measure(fns: ReadonlyMap<Variant, () => void>, size: number): Map<Variant, Measure> {
  for (const fn of fns.values()) batch(fn, size, WARM_CPU_MS);
  const runs = new Map([...fns.keys()].map((v) => [v, [] as ReturnType<typeof batch>[]]));
  for (let k = 0; k < BATCHES; k++) {
    const order = k % 2 ? [...fns].reverse() : [...fns];
    for (const [v, fn] of order) runs.get(v)!.push(batch(fn, size, BATCH_CPU_MS));
  }
  return new Map(
    [...runs].map(([v, bs]) => {
      const rates = bs.map((b) => Math.round(b.count / (b.cpuMs / 1000)));
      const sum = (f: (b: (typeof bs)[number]) => number) => bs.reduce((a, b) => a + f(b), 0);
      return [
        v,
        {
          perCpuSecond: [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)],
          batches: rates,
          perSecond: Math.round(sum((b) => b.count) / (sum((b) => b.wallMs) / 1000)),
          cpuMs: Math.round(sum((b) => b.cpuMs)),
        },
      ];
    }),
  );
}

const hosts = Math.max(1, n / 10);
const http = (url: (i: number) => string) =>
  Array.from({ length: 1000 }, (_, i) => parseRequest({ url: url(i) }) as never);
// The historical mix (kept so figures compare with earlier rows): 998 of 1,000 answered 404 at 10k, 980 at 1k.
const mixed = http((i) => `http://h${i % hosts}.example.com/api/v${(i * 7) % n}/items`);
// Every request routed to its HTTPRoute (r_j serves h{j mod n/10} and /api/v{j}).
const routed = http((i) => `http://h${((i * 7) % n) % hosts}.example.com/api/v${(i * 7) % n}/items`);
const onSets = http((i) => `http://ls${i % (n / 100)}.example.com/team/v${i % 10}/x`);
const conns = Array.from({ length: 1000 }, (_, i) => ({
  protocol: 'tls' as const,
  port: 443,
  sni: `t${(i * 7) % (n / 10)}.example.com`,
}));

const built = variants.map((variant) => {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const text = variant === 'kinds' ? routeKindsCluster(n) : routeCluster(n);
  const { model } = buildFromTexts([{ file: 'bench.yaml', text }]);
  const router = compileRouter(model, { via: { kind: 'gateway', namespace: 'default', name: 'gw' } });
  if (typeof router === 'string') throw new Error(router);
  return {
    variant,
    router,
    buildMs: Math.round(performance.now() - t0),
    buildCpuMs: Math.round(cpuMsSince(cpu0)),
  };
});
type Router = (typeof built)[number]['router'];
const decideAll = (router: Router, reqs: never[], want?: number) => () => {
  for (const r of reqs) {
    const s = router.decide(r).status;
    if (s <= 0 || (want && s !== want)) throw new Error(`unexpected status ${s}`);
  }
};
const each = (of: (router: Router) => () => void, only?: Variant) =>
  new Map(built.filter((b) => !only || b.variant === only).map((b) => [b.variant, of(b.router)]));
const results = new Map(built.map((b) => [b.variant, {} as Record<string, Measure>]));
const record = (what: string, ms: Map<Variant, Measure>) => {
  for (const [v, m] of ms) results.get(v)![what] = m;
};
record(
  'http',
  measure(
    each((r) => decideAll(r, mixed)),
    mixed.length,
  ),
);
record(
  'routed',
  measure(
    each((r) => decideAll(r, routed, 200)),
    routed.length,
  ),
);
if (variants.includes('kinds')) {
  record(
    'listenerSet',
    measure(
      each((r) => decideAll(r, onSets, 200), 'kinds'),
      onSets.length,
    ),
  );
  const tls = (router: Router) => () => {
    for (const c of conns) if (!router.decideConnection(c).winner) throw new Error('no TLSRoute');
  };
  record('tls', measure(each(tls, 'kinds'), conns.length));
  const tcp = (router: Router) => () => {
    for (let i = 0; i < 1000; i++)
      if (!router.decideConnection({ protocol: 'tcp', port: 5432 }).winner) throw new Error('no TCPRoute');
  };
  record('tcp', measure(each(tcp, 'kinds'), 1000));
}
for (const b of built)
  console.log(
    JSON.stringify({
      n,
      variant: b.variant,
      paired: variants.length > 1,
      buildMs: b.buildMs,
      buildCpuMs: b.buildCpuMs,
      load: loadavg()[0],
      result: results.get(b.variant),
    }),
  );
