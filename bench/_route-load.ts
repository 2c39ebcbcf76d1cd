/**
 * `serve gateway` under load, measured out of process: the gateway (the bundled CLI) runs alone pinned to
 * core 0, the upstream and the load generator (wrk, else autocannon's CLI) pinned to core 1, loopback only,
 * bounded duration. Each case runs `runs` times; the median run is reported. A bare node:http server that
 * answers 404 without routing is measured the same way, as the ceiling node itself sets on this machine.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LoadCase {
  readonly name: string;
  readonly host: string;
  readonly path: string;
  readonly target: 'gateway' | 'bare';
}

export interface LoadResult {
  readonly name: string;
  readonly rps: number;
  readonly p99ms: number;
  readonly non2xx3xx: number;
  readonly all: readonly number[];
  /** Requests per second of CPU the serving process actually got (immune to other load on the machine). */
  readonly perCpuSecond: number;
  /** Share of its core the serving process got during the median run. */
  readonly cpuShare: number;
}

export interface LoadOptions {
  readonly manifest: string;
  readonly via: string;
  readonly connections: number;
  readonly seconds: number;
  readonly runs: number;
  /** Directory for `node --cpu-prof` of the gateway process; undefined: no profile. */
  readonly cpuProfDir?: string;
}

const has = (bin: string, arg = '--version') =>
  spawnSync(bin, [arg], { stdio: 'ignore' }).error === undefined;
const pinned = has('taskset', '-V');
const pin = (core: number, argv: string[]) => (pinned ? ['taskset', '-c', String(core), ...argv] : argv);

function start(argv: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let seen = '';
    const look = (b: Buffer) => {
      seen += b.toString();
      if (ready.test(seen)) resolve(child);
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('exit', (code) => reject(new Error(`${argv.join(' ')} exited ${code}: ${seen}`)));
    setTimeout(() => reject(new Error(`${argv.join(' ')} not ready after 60 s: ${seen}`)), 60_000).unref();
  });
}

const stop = (c: ChildProcess) =>
  new Promise<void>((r) => (c.exitCode !== null ? r() : (c.once('exit', () => r()), c.kill('SIGINT'))));

const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
/** User + system CPU seconds a process has used, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

function measured(url: string, host: string, o: LoadOptions, pid: number) {
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  const r = load(url, host, o);
  const cpu = cpuSeconds(pid) - cpu0;
  const wall = (performance.now() - t0) / 1000;
  return { ...r, perCpuSecond: cpu > 0 ? (r.rps * o.seconds) / cpu : NaN, cpuShare: cpu / wall };
}

function load(url: string, host: string, o: LoadOptions): { rps: number; p99ms: number; non: number } {
  if (has('wrk', '-v')) {
    const argv = pin(1, [
      'wrk',
      '-t1',
      `-c${o.connections}`,
      `-d${o.seconds}s`,
      '--latency',
      '-H',
      `Host: ${host}`,
      url,
    ]);
    const out = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' }).stdout;
    const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
    const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
    const scale = p99?.[2] === 'us' ? 0.001 : p99?.[2] === 's' ? 1000 : 1;
    return {
      rps: num(/Requests\/sec:\s+([\d.]+)/),
      p99ms: p99 ? Number(p99[1]) * scale : NaN,
      non: num(/Non-2xx or 3xx responses:\s+(\d+)/) || 0,
    };
  }
  const argv = pin(1, [
    'node_modules/.bin/autocannon',
    '-j',
    '-c',
    String(o.connections),
    '-d',
    String(o.seconds),
    '-H',
    `host=${host}`,
    url,
  ]);
  const r = JSON.parse(spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' }).stdout) as {
    requests: { average: number };
    latency: { p99: number };
    non2xx: number;
  };
  return { rps: r.requests.average, p99ms: r.latency.p99, non: r.non2xx };
}

export const loadTool = () =>
  `${has('wrk', '-v') ? 'wrk' : 'autocannon'}${pinned ? '' : ' (taskset missing: NOT pinned)'}`;

/** Runs every case; returns the median run of each. */
export async function measureGateway(cases: readonly LoadCase[], o: LoadOptions): Promise<LoadResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kubetwin-bench-'));
  const file = join(dir, 'cluster.yaml');
  writeFileSync(file, o.manifest);
  const upstreamSrc = `require('node:http').createServer((q,s)=>{s.setHeader('content-type','text/plain');s.end('ok')}).listen(18090,'127.0.0.1',()=>console.log('ready'))`;
  const bareSrc = `require('node:http').createServer((q,s)=>{s.writeHead(404,{'content-type':'text/plain'});s.end('nope')}).listen(18091,'127.0.0.1',()=>console.log('ready'))`;
  const prof = o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] : [];
  const procs = [
    await start(pin(1, ['node', '-e', upstreamSrc]), /ready/),
    await start(
      pin(0, [
        'node',
        ...prof,
        'dist/kubetwin.mjs',
        'serve-gateway',
        '-f',
        file,
        '--via',
        o.via,
        '--listen',
        '127.0.0.1:18092',
        '--upstream',
        'default/app=http://127.0.0.1:18090',
      ]),
      /serving/,
    ),
    await start(pin(0, ['node', '-e', bareSrc]), /ready/),
  ];
  try {
    const results: LoadResult[] = [];
    for (const c of cases) {
      const url = `http://127.0.0.1:${c.target === 'bare' ? 18091 : 18092}${c.path}`;
      const pid = procs[c.target === 'bare' ? 2 : 1].pid!;
      load(url, c.host, { ...o, seconds: 2 }); // warm-up (JIT, sockets)
      const runs = Array.from({ length: o.runs }, () => measured(url, c.host, o, pid)).sort(
        (a, b) => a.rps - b.rps,
      );
      const m = runs[Math.floor(runs.length / 2)];
      results.push({
        name: c.name,
        rps: Math.round(m.rps),
        p99ms: m.p99ms,
        non2xx3xx: m.non,
        all: runs.map((r) => Math.round(r.rps)),
        perCpuSecond: Math.round(m.perCpuSecond),
        cpuShare: m.cpuShare,
      });
    }
    return results;
  } finally {
    for (const p of procs) await stop(p);
    rmSync(dir, { recursive: true, force: true });
  }
}
