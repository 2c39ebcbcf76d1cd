/**
 * DNS benchmark. Without arguments: every case in fresh processes, written to bench/results/dns.md.
 * - `bench/dns.ts inproc N`: `answer()` throughput over N names (one JSON line).
 * - `serve dns` is measured as shipped: `node dist/kubetwin.mjs serve dns -f <generated manifests>` (run
 *   `npm run build` first) pinned to CPU 0, queried by dnsperf (Debian package `dnsperf`) pinned to CPU 1, over UDP.
 *   The CLI (launcher) runs the builder, starts the serving process (dist/kubetwin-dns.cjs) and waits: the serving
 *   process's RSS is the figure compared with CoreDNS; the waiting CLI's own (anonymous) memory is reported beside it.
 * - `bench/dns.ts serve N [CAPACITY] [TYPE]`: one serve dns row (JSON), for trying a change; TYPE asks every name
 *   with that type.
 * CoreDNS comparison points (https://github.com/coredns/deployment/blob/master/kubernetes/Scaling_CoreDNS.md):
 * ~16,800 queries per second per vCPU for this kind of load; memory (pods + services) × 0.000858 MB + 49 MB.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dnsBenchCluster } from './_dns-names.ts';
import { writeBenchManifests } from './_dns-yaml.ts';

const sizes = [10_000, 100_000];
const seconds = Number(process.env.DNS_BENCH_SECONDS ?? 15);
const mb = (b: number) => Math.round(b / 1048576);

async function inproc(n: number) {
  const c = dnsBenchCluster(n);
  global.gc?.();
  let t = performance.now();
  let answered = 0;
  let nx = 0;
  const passes = 5;
  for (let p = 0; p < passes; p++)
    for (const q of c.queries) {
      const r = c.dns.answer(q);
      answered++;
      if (r.rcode === 'NXDOMAIN') nx++;
    }
  t = performance.now() - t;
  return {
    names: c.queries.length,
    pods: c.pods,
    services: c.services,
    answerQps: Math.round(answered / (t / 1000)),
    nxdomainPct: Math.round((nx / answered) * 100),
    heapMB: mb(process.memoryUsage().heapUsed),
    rssMB: mb(process.memoryUsage().rss),
  };
}

const rssOf = (pid: number, field = 'VmRSS') =>
  Math.round(
    Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) /
      1024,
  );

const childOf = (pid: number) =>
  Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0] || 0);

/**
 * `kubetwin serve dns` (the built CLI, dist/kubetwin.mjs) on CPU 0 against dnsperf on CPU 1; `capacity` puts a
 * Corefile with that cache CAPACITY in the manifests (else the default Corefile: CoreDNS's 9984).
 */
async function dnsperf(n: number, capacity?: number, askAll?: string) {
  const dir = `/tmp/kubetwin-dnsbench-${n}${capacity ? `-cache${capacity}` : ''}`;
  const file = `/tmp/kubetwin-dnsbench-${n}${askAll ? `-${askAll}` : ''}.queries`;
  writeBenchManifests(dir, n, 7, capacity);
  const c = dnsBenchCluster(n);
  writeFileSync(file, c.queries.map((q) => `${q.name} ${askAll ?? q.type}`).join('\n') + '\n');
  const { pods, services } = c;
  const started = performance.now();
  const child = spawn(
    'taskset',
    [
      '-c',
      '0',
      process.execPath,
      'dist/kubetwin.mjs',
      'serve',
      'dns',
      '-f',
      dir,
      '-q',
      '--listen',
      '127.0.0.1:0',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  while (!/:(\d+) \(UDP and TCP\)/.test(err)) {
    if (child.exitCode !== null) throw new Error(err);
    await new Promise((r) => setTimeout(r, 100));
  }
  const port = Number(/:(\d+) \(UDP and TCP\)/.exec(err)![1]);
  const startSeconds = Math.round((performance.now() - started) / 100) / 10;
  const server = childOf(child.pid!);
  await new Promise((r) => setTimeout(r, 1500)); // the load's last garbage is collected a second after it
  const rssLoaded = rssOf(server);
  const perf = (args: string[]) =>
    promisify(execFile)(
      'taskset',
      ['-c', '1', 'dnsperf', '-s', '127.0.0.1', '-p', String(port), '-d', file, ...args],
      { encoding: 'utf8', maxBuffer: 1 << 30 },
    );
  // One pass over every name first (answers computed, the reply cache filled), then the timed run.
  const warm = (await perf(['-n', '1', '-c', '4', '-q', '200'])).stdout;
  const out = (await perf(['-l', String(seconds), '-c', '8', '-q', '300', '-v'])).stdout;
  const lat: number[] = [];
  for (const l of out.split('\n')) if (l.startsWith('> ')) lat.push(Number(l.slice(l.lastIndexOf(' ') + 1)));
  lat.sort((a, b) => a - b);
  const pick = (p: number) =>
    Math.round(lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] * 1e6) / 1e3;
  const num = (re: RegExp, text: string) => Number(re.exec(text)?.[1] ?? 0);
  const rssEnd = rssOf(server);
  await new Promise((r) => setTimeout(r, 2500));
  const rssAfter = rssOf(server);
  const anonAfter = rssOf(server, 'RssAnon');
  const fileAfter = rssOf(server, 'RssFile');
  const peak = rssOf(server, 'VmHWM');
  const launcherAnon = rssOf(child.pid!, 'RssAnon');
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
  return {
    names: n,
    pods,
    services,
    cacheCapacity: capacity ?? 9984,
    asked: askAll ? `every name as ${askAll}` : 'A/SRV',
    startSeconds,
    firstPassQps: Math.round(num(/Queries per second:\s+([\d.]+)/, warm)),
    qps: Math.round(num(/Queries per second:\s+([\d.]+)/, out)),
    p50ms: pick(0.5),
    p99ms: pick(0.99),
    lost: num(/Queries lost:\s+(\d+)/, out),
    nxdomainPct: Math.round(
      (num(/NXDOMAIN (\d+)/, out) / Math.max(1, num(/Queries completed:\s+(\d+)/, out))) * 100,
    ),
    rssLoadedMB: rssLoaded,
    rssEndOfRunMB: rssEnd,
    rssAfterMB: rssAfter,
    anonAfterMB: anonAfter,
    fileAfterMB: fileAfter,
    peakRssMB: peak,
    launcherAnonMB: launcherAnon,
    coreDnsBudgetMB: Math.round((pods + services) * 0.000858 + 49),
  };
}

const [mode, nText] = process.argv.slice(2);
if (mode === 'inproc') process.stdout.write(JSON.stringify(await inproc(Number(nText))) + '\n');
else if (mode === 'serve')
  // `bench/dns.ts serve N [CAPACITY] [TYPE]`: one serve dns row, as JSON (for trying a change without the whole suite).
  process.stdout.write(
    JSON.stringify(
      await dnsperf(Number(nText), process.argv[4] ? Number(process.argv[4]) : undefined, process.argv[5]),
    ) + '\n',
  );
else {
  if (!existsSync('dist/kubetwin.mjs'))
    throw new Error('run npm run build first: serve dns is measured from dist/kubetwin.mjs');
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'} (nproc ${cpus().length}), Node ${process.version}`;
  const table = (rows: Record<string, unknown>[]) => {
    const cols = Object.keys(rows[0] ?? {});
    return [
      `| ${cols.join(' | ')} |`,
      `| ${cols.map(() => '---').join(' | ')} |`,
      ...rows.map((r) => `| ${cols.map((k) => String(r[k])).join(' | ')} |`),
    ].join('\n');
  };
  const inRows = sizes.map(
    (n) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          [
            '--expose-gc',
            '--max-old-space-size=4096',
            '--import',
            'tsx',
            'bench/dns.ts',
            'inproc',
            String(n),
          ],
          { encoding: 'utf8' },
        )
          .trim()
          .split('\n')
          .pop()!,
      ) as Record<string, unknown>,
  );
  process.stderr.write(`dns inproc: ${JSON.stringify(inRows)}\n`);
  const perfRows: Record<string, unknown>[] = [];
  // The last row is the worst case for the compiled zone: every name asked as AAAA, which this IPv4 cluster
  // answers with NOERROR and no data — nothing of it is compiled, so each query goes through the answerer and the
  // denial cache (100k names against 9984 entries).
  for (const [n, capacity, askAll] of [
    ...sizes.map((x) => [x] as const),
    [100_000, 200_000] as const,
    [100_000, undefined, 'AAAA'] as const,
  ]) {
    perfRows.push(await dnsperf(n, capacity, askAll));
    process.stderr.write(`dns serve ${n}: ${JSON.stringify(perfRows.at(-1))}\n`);
  }
  const md = [
    '## Cluster DNS: in-process answers and `serve dns` under dnsperf',
    '',
    `Machine: ${machine}. \`node dist/kubetwin.mjs serve dns\` pinned to CPU 0 (taskset), dnsperf 2.10 pinned to CPU 1; UDP; one pass over every name (firstPassQps), then a ${seconds} s run (qps, latency); 10% of the names are NXDOMAIN. Load average when the runs started: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(
        ' ',
      )} (the machine is shared). startSeconds: from starting the CLI to the server answering (the builder builds the model and compiles the zone's answers meanwhile). RSS of the serving process (dist/kubetwin-dns.cjs) from /proc: 1.5 s after it started answering (rssLoaded), at the end of the run, 2.5 s after the run (rssAfter, split into anonymous memory and file-backed pages, which are mostly node's own binary), and its peak (VmHWM; the model is built in another, short-lived process). launcherAnonMB: the anonymous RSS of the waiting CLI process (its file-backed pages are node's own binary, shared with the server). The third row gives the Corefile's cache a CAPACITY of 200,000 replies per store; the others use CoreDNS's default 9984. The last row asks every name as AAAA (asked: every name as AAAA), which this IPv4 cluster answers with NOERROR and no data: nothing of it is compiled, so it shows the answerer's own rate and the denial cache under a stream of misses.`,
    '',
    '### answer() in process (5 passes over the names)',
    '',
    table(inRows),
    '',
    '### serve dns (dnsperf -c 8 -q 300 -v)',
    '',
    table(perfRows),
    '',
  ].join('\n');
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/dns.md', md);
  process.stdout.write(md + '\n');
}
