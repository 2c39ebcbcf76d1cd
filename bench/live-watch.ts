/**
 * Watch-to-answer latency of `serve dns --kubeconfig … --watch` (issue 12): the time from a watch event on the API
 * server to the served DNS answer being current. The recorded API server (src/sources/live/_test-apiserver.ts)
 * holds the benchmark cluster (bench/generate.ts `realistic`, seed 7: Deployments, Services, NetworkPolicies, pods
 * expanded by the builder) and runs in this process; `node dist/kubetwin.mjs serve dns` (run `npm run build`
 * first) runs as shipped. Each event is a Service created (its name answers NOERROR) or deleted (NXDOMAIN); the
 * clock starts when the event is written to the watch streams and stops at the first UDP answer that reflects it
 * (queries back to back, each waiting for its reply). Events are sent one at a time, after the previous one is
 * served. The model is rebuilt from the whole object set on each batch of events (incremental update is another
 * issue), which is what this measures.
 * - `bench/live-watch.ts`: every size, written to bench/results/live-watch.md.
 * - `bench/live-watch.ts PODS EVENTS`: one row (JSON).
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as packet from 'dns-packet';
import { generateBodies } from './generate.ts';
import { writeBenchManifests } from './_dns-yaml.ts';
import { query, udp } from '../src/servers/dns-server/_test-client.ts';
import { startFakeApiServer } from '../src/sources/live/_test-apiserver.ts';

const cases: [number, number][] = [
  [10_000, Number(process.env.LIVE_BENCH_EVENTS_10K ?? 100)],
  [100_000, Number(process.env.LIVE_BENCH_EVENTS_100K ?? 10)],
];

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const round = (x: number) => Math.round(x * 10) / 10;

async function one(pods: number, events: number) {
  const dir = mkdtempSync(join(tmpdir(), 'kubetwin-live-bench-'));
  writeBenchManifests(dir, pods);
  const s = await startFakeApiServer();
  s.serveBuiltins();
  const bodies = generateBodies({ family: 'realistic', pods, seed: 7 });
  for (const b of bodies) s.apply(b);
  const ns = String((bodies.find((b) => b.kind === 'Namespace')?.metadata as { name: string }).name);
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      'dist/kubetwin.mjs',
      'serve',
      'dns',
      '--kubeconfig',
      s.kubeconfig,
      '--profile',
      join(dir, 'kubetwin.yaml'),
      '--watch',
      '--listen',
      '127.0.0.1:0',
      '-q',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  try {
    while (!/on 127\.0\.0\.1:(\d+) \(UDP and TCP\)/.test(err)) {
      if (child.exitCode !== null) throw new Error(err);
      await new Promise((r) => setTimeout(r, 20));
    }
    const startSeconds = round((performance.now() - started) / 1000);
    const port = Number(/on 127\.0\.0\.1:(\d+) \(UDP and TCP\)/.exec(err)![1]);
    const rcode = async (name: string) => {
      const r = await udp(port, query(name, 'A'), 2000);
      return r ? (packet.decode(r) as { rcode?: string }).rcode : 'TIMEOUT';
    };
    const ms: number[] = [];
    for (let i = 0; i < events; i++) {
      const name = `watch-bench-${i >> 1}`;
      const fqdn = `${name}.${ns}.svc.cluster.local`;
      const adding = i % 2 === 0;
      const t0 = performance.now();
      if (adding)
        s.apply({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name, namespace: ns },
          spec: { ports: [{ port: 80 }] },
        });
      else s.remove('Service', ns, name);
      const want = adding ? 'NOERROR' : 'NXDOMAIN';
      while ((await rcode(fqdn)) !== want)
        if (performance.now() - t0 > 120_000) throw new Error(`event ${i} not served after 120 s`);
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    return {
      pods,
      objects: bodies.length,
      events,
      startSeconds,
      p50ms: round(pct(ms, 50)),
      p99ms: round(pct(ms, 99)),
      maxMs: round(ms[ms.length - 1]),
      meanMs: round(ms.reduce((a, b) => a + b, 0) / ms.length),
    };
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2]) {
  process.stdout.write(
    JSON.stringify(await one(Number(process.argv[2]), Number(process.argv[3] ?? 100))) + '\n',
  );
} else {
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const rows: Record<string, unknown>[] = [];
  for (const [pods, events] of cases) {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'bench/live-watch.ts', String(pods), String(events)],
      {
        encoding: 'utf8',
      },
    );
    rows.push(JSON.parse(out.trim().split('\n').pop() as string) as Record<string, unknown>);
    process.stderr.write(`live-watch ${pods}: ${JSON.stringify(rows.at(-1))}\n`);
  }
  const cols = Object.keys(rows[0]);
  const md = [
    '## Live cluster: watch event → served DNS answer (`serve dns --kubeconfig --watch`)',
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; load average when the runs started: ${load} (the machine is shared with other work). The recorded API server (in the benchmark process) and \`node dist/kubetwin.mjs serve dns\` (launcher, which keeps the watch and rebuilds, and serving process) share the two cores, unpinned. Each event is a Service created or deleted; latency from writing the watch event to the first UDP answer that reflects it. Every event rebuilds the whole model and DNS zone from the watched object set (no incremental update yet).`,
    '',
    `| ${cols.join(' | ')} |`,
    `| ${cols.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${cols.map((c) => String(r[c])).join(' | ')} |`),
    '',
  ].join('\n');
  writeFileSync('bench/results/live-watch.md', md);
  process.stdout.write(md);
}
