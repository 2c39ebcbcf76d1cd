/**
 * `serve dns` under abusive TCP clients, and whether it gives its memory back once they leave (issue 18 item 6).
 * The built CLI serves examples/e-commerce/fixed on 127.0.0.1; for `--seconds` (default 15) 8 clients pipeline
 * queries and never read a reply (each from its own 127.0.0.x address) and 500 clients trickle one byte a second
 * (from 127.0.1.x addresses, up to the per-client cap each), while one UDP client measures answer latency. Then all
 * of them leave. Reported: the serving process's RSS (from /proc) loaded, at the end of the abuse, and 1, 5, 15 and
 * 30 s after; UDP p50/p99 before, during and after. `--rounds N` repeats the abuse and the 30 s after it (one row per round). Run:
 * `npm run build && node --import tsx bench/dns-abuse.ts [--seconds 15] [--rounds 1]`.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { loadavg } from 'node:os';
import { frame, query, udp } from '../src/servers/dns-server/_test-client.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = arg('seconds', 15);
/** Rounds of abuse, each followed by 30 s without clients: does the memory kept after one round grow with the next? */
const rounds = arg('rounds', 1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rssOf = (pid: number) =>
  Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
/** Resident MB by kind of mapping (/proc/PID/smaps): malloc's [heap], anonymous maps (V8's heap, other arenas), files. */
function residentBy(pid: number): string {
  const kb: Record<string, number> = { heap: 0, anonymous: 0, files: 0 };
  let kind = 'anonymous';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) kind = head[1] === '[heap]' ? 'heap' : head[1].startsWith('/') ? 'files' : 'anonymous';
    const rss = /^Rss:\s+(\d+)/.exec(line);
    if (rss) kb[kind] += Number(rss[1]);
  }
  return Object.entries(kb)
    .map(([k, v]) => `${k} ${(v / 1024).toFixed(1)}`)
    .join(', ');
}
const childOf = (pid: number) =>
  Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0] || 0);

const child = spawn(
  process.execPath,
  ['dist/kubetwin.mjs', 'serve', 'dns', '-f', 'examples/e-commerce/fixed', '-q', '--listen', '127.0.0.1:0'],
  { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, KUBETWIN_DEBUG: 'memory' } },
);
let err = '';
child.stderr.on('data', (d: Buffer) => (err += d.toString()));
while (!/:(\d+) \(UDP and TCP\)/.test(err)) {
  if (child.exitCode !== null) throw new Error(err);
  await sleep(100);
}
const port = Number(/:(\d+) \(UDP and TCP\)/.exec(err)![1]);
const server = childOf(child.pid!) || child.pid!;
const name = 'api-gateway.e-commerce.svc.cluster.local';

async function udpLatency(ms: number): Promise<{ p50: number; p99: number; lost: number }> {
  const times: number[] = [];
  let lost = 0;
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const t0 = performance.now();
    const r = await udp(port, query(name, 'A'), 1_000);
    if (r) times.push(performance.now() - t0);
    else lost++;
    await sleep(20);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => Math.round((times[Math.floor(p * (times.length - 1))] ?? NaN) * 10) / 10;
  return { p50: q(0.5), p99: q(0.99), lost };
}

await sleep(1500);
const rss: Record<string, number> = { loaded: rssOf(server) };
const loadedBy = residentBy(server);
const before = await udpLatency(2_000);
interface Round {
  readonly endOfAbuse: number;
  readonly after: Record<string, number>;
  readonly during: { p50: number; p99: number; lost: number };
}

async function abuseRound(): Promise<Round> {
  const sockets: Socket[] = [];
  const open = (localAddress: string) => {
    const s = connect({ port, host: '127.0.0.1', localAddress });
    s.on('error', () => undefined);
    sockets.push(s);
    return s;
  };
  const burst = Buffer.concat(Array.from({ length: 2000 }, () => frame(query(name, 'A'))));
  for (let i = 0; i < 8; i++) {
    const s = open(`127.0.0.${2 + i}`);
    s.pause(); // never reads
    const writer = setInterval(() => (s.destroyed ? clearInterval(writer) : s.write(burst)), 20);
    s.once('close', () => clearInterval(writer));
  }
  const slow = frame(query(name, 'A'));
  for (let i = 0; i < 500; i++) {
    const s = open(`127.0.1.${1 + Math.floor(i / 30)}`);
    let at = 0;
    const trickle = setInterval(
      () => (s.destroyed || at >= slow.length ? clearInterval(trickle) : s.write(slow.subarray(at, ++at))),
      1_000,
    );
    s.once('close', () => clearInterval(trickle));
  }
  const during = await udpLatency(seconds * 1000);
  const endOfAbuse = rssOf(server);
  for (const s of sockets) s.destroy();
  const after: Record<string, number> = {};
  let waited = 0;
  for (const t of [1, 5, 15, 30]) {
    await sleep((t - waited) * 1000);
    waited = t;
    after[`${t}s`] = rssOf(server);
  }
  return { endOfAbuse, after, during };
}

const results: Round[] = [];
for (let i = 0; i < rounds; i++) results.push(await abuseRound());
// The serving process's own view (KUBETWIN_DEBUG=memory): V8 heap, buffers, and TCP state, which must be back to 0.
const afterBy = residentBy(server);
process.kill(server, 'SIGUSR2');
await sleep(300);
const memoryLine = /memory: .*/.exec(err.slice(err.lastIndexOf('memory:')))?.[0] ?? '(no memory line)';
const afterLatency = await udpLatency(2_000);
child.kill('SIGINT');
console.log(
  `serve dns under abuse (${seconds} s): load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  `| round | RSS MB loaded | end of abuse | 1 s after | 5 s | 15 s | 30 s | UDP p50/p99 ms before | during | after | UDP lost during |`,
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
results.forEach(({ endOfAbuse, after, during }, i) =>
  console.log(
    `| ${i + 1} | ${rss.loaded} | ${endOfAbuse} | ${after['1s']} | ${after['5s']} | ${after['15s']} | ${after['30s']} | ${before.p50}/${before.p99} | ${during.p50}/${during.p99} | ${i === rounds - 1 ? `${afterLatency.p50}/${afterLatency.p99}` : ''} | ${during.lost} |`,
  ),
);
console.log(`30 s after, the serving process: ${memoryLine}`);
console.log(`resident MB by mapping, loaded: ${loadedBy}; 30 s after the last round: ${afterBy}`);
process.exit(0);
