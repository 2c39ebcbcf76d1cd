/**
 * HTTP/2 rapid reset (CVE-2023-44487), `kubetwin serve gateway` side by side with Debian's nginx (when installed):
 * both as HTTPS + HTTP/2 reverse proxies, one worker each, in front of the same loopback upstream. An abuser process
 * (bench/_rapid-reset-abuser.ts) sends bursts of streams it resets at once (default 4,200 in 0.5 s, repeated for
 * 10 s, reconnecting after each GOAWAY) while a legitimate client, on its own connection, sends one request every
 * 10 ms. Per target: legitimate requests answered and failed, p50/p99 latency, the longest time without a successful
 * answer (the outage; issue 18 asks ≤ 1 s), and how many reset requests still reached the upstream.
 * Everything listens on 127.0.0.1. Run: `npm run build && node --import tsx bench/gateway-abuse.ts
 * [--seconds 10] [--burst 4200] [--burst-ms 500]`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { connect, type ClientHttp2Session } from 'node:http2';
import { createServer as netServer, type AddressInfo } from 'node:net';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { makeDevCertificate } from '../src/sources/dev-cert.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = arg('seconds', 10);
const burst = arg('burst', 4200);
const burstMs = arg('burst-ms', 500);
const host = 'a.example';
const dir = mkdtempSync(join(tmpdir(), 'kubetwin-abuse-'));
const dev = makeDevCertificate([host]);
if (typeof dev === 'string') throw new Error(dev);
writeFileSync(join(dir, 'cert.pem'), dev.cert);
writeFileSync(join(dir, 'key.pem'), dev.key);

const upstreamSaw = { legit: 0, abuse: 0 };
const upstream: Server = createServer((req, res) => {
  if (req.url?.startsWith('/api/abuse')) upstreamSaw.abuse++;
  else upstreamSaw.legit++;
  req.resume();
  req.on('end', () => res.end('ok'));
});
await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
const upstreamPort = (upstream.address() as AddressInfo).port;

async function freePort(): Promise<number> {
  const s = netServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const manifests = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: gc}
spec: {controllerName: example.com/gc}
---
apiVersion: v1
kind: Secret
metadata: {name: tls}
type: kubernetes.io/tls
data: {tls.crt: ${b64(dev.cert)}, tls.key: ${b64(dev.key)}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec: {gatewayClassName: gc, listeners: [{name: https, port: 443, protocol: HTTPS, hostname: ${host}, tls: {certificateRefs: [{name: tls}]}}]}
---
apiVersion: v1
kind: Service
metadata: {name: app}
spec: {selector: {app: app}, ports: [{port: 80}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /api}}]
    backendRefs: [{name: app, port: 80}]
`;
writeFileSync(join(dir, 'gw.yaml'), manifests);

interface Target {
  readonly name: string;
  start(port: number): ChildProcess;
}
const kubetwin: Target = {
  name: 'kubetwin serve gateway',
  start: (port) =>
    spawn(
      process.execPath,
      [
        ...(process.env.KUBETWIN_PROFILE
          ? ['--cpu-prof', '--cpu-prof-dir', process.env.KUBETWIN_PROFILE]
          : []),
        'dist/kubetwin.mjs',
        'serve',
        'gateway',
        '-f',
        join(dir, 'gw.yaml'),
        '--via',
        'gateway:default/gw',
        '--tls-listen',
        `127.0.0.1:${port}`,
        '--upstream',
        `default/app=http://127.0.0.1:${upstreamPort}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    ),
};
const nginx: Target = {
  name: `nginx ${/nginx\/(\S+)/.exec(spawnSync('nginx', ['-v'], { encoding: 'utf8' }).stderr ?? '')?.[1] ?? ''}`,
  start: (port) => {
    const d = join(dir, 'nginx');
    mkdirSync(d, { recursive: true });
    // One worker, as the gateway is one Node.js thread; everything else at nginx's defaults.
    writeFileSync(
      join(d, 'nginx.conf'),
      `user root;\nworker_processes 1;\ndaemon off;\npid ${d}/nginx.pid;\nerror_log ${d}/error.log warn;\n` +
        `events { worker_connections 4096; }\nhttp {\n  access_log off;\n` +
        ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
          .map((t) => `  ${t}_temp_path ${d}/${t};\n`)
          .join('') +
        `  upstream app { server 127.0.0.1:${upstreamPort}; keepalive 64; }\n` +
        `  server {\n    listen 127.0.0.1:${port} ssl http2;\n    server_name ${host};\n` +
        `    ssl_certificate ${dir}/cert.pem;\n    ssl_certificate_key ${dir}/key.pem;\n` +
        `    location /api { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; }\n  }\n}\n`,
    );
    return spawn('nginx', ['-c', join(d, 'nginx.conf'), '-p', d], { stdio: ['ignore', 'ignore', 'pipe'] });
  },
};

/** One request on the legitimate client's session; ms, or undefined when it failed (5 s timeout). */
function request(session: ClientHttp2Session, i: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(ok ? performance.now() - t0 : undefined);
    };
    const timer = setTimeout(() => finish(false), 5_000);
    try {
      const s = session.request({ ':path': `/api/legit/${i}`, ':authority': host });
      s.on('error', () => finish(false));
      s.on('response', (h) => {
        if (Number(h[':status']) !== 200) finish(false);
      });
      s.on('data', () => undefined);
      s.on('end', () => finish(true));
    } catch {
      finish(false);
    }
  });
}

async function ready(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const s = connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false, servername: host });
    s.on('error', () => undefined);
    const ms = await request(s, -1);
    s.destroy();
    if (ms !== undefined) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing answers on 127.0.0.1:${port}`);
}

async function measure(target: Target) {
  const port = await freePort();
  const child = target.start(port);
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  try {
    await ready(port);
  } catch (e) {
    child.kill();
    throw new Error(`${target.name}: ${String(e)}\n${stderr}`);
  }
  upstreamSaw.legit = upstreamSaw.abuse = 0;
  const url = `https://127.0.0.1:${port}`;
  const abuser = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/_rapid-reset-abuser.ts',
      url,
      host,
      String(seconds),
      String(burst),
      String(burstMs),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let abuserOut = '';
  const abuserReady = new Promise<void>((r) =>
    abuser.stdout!.on('data', (d) => {
      abuserOut += d;
      if (abuserOut.includes('ready\n')) r();
    }),
  );
  await abuserReady;
  const abuserDone = new Promise<void>((r) => abuser.on('exit', () => r()));
  const latencies: number[] = [];
  let failed = 0;
  let lastOk = performance.now();
  let longestGap = 0;
  let session: ClientHttp2Session | undefined;
  const stopAt = performance.now() + (seconds + 2) * 1000;
  for (let i = 0; performance.now() < stopAt; i++) {
    if (!session || session.destroyed || session.closed) {
      session = connect(url, { rejectUnauthorized: false, servername: host });
      session.on('error', () => undefined);
    }
    const ms = await request(session, i);
    const now = performance.now();
    if (ms === undefined) {
      failed++;
      session.destroy();
    } else {
      latencies.push(ms);
      longestGap = Math.max(longestGap, now - lastOk);
      lastOk = now;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  longestGap = Math.max(longestGap, performance.now() - lastOk);
  session?.destroy();
  await abuserDone;
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  const a = JSON.parse(abuserOut.split('\n')[1] || '{}') as {
    streams?: number;
    connections?: number;
    goaways?: number;
  };
  return {
    target: target.name,
    ok: latencies.length,
    failed,
    p50: q(0.5),
    p99: q(0.99),
    outageMs: longestGap,
    abuseStreams: a.streams ?? 0,
    abuseConnections: a.connections ?? 0,
    goaways: a.goaways ?? 0,
    resetReachedUpstream: upstreamSaw.abuse,
  };
}

const targets = [kubetwin];
const haveNginx = spawnSync('nginx', ['-v'], { stdio: 'ignore' }).status === 0;
if (haveNginx) targets.push(nginx);
else
  process.stderr.write(
    'nginx is not installed: measuring kubetwin only (apt-get install nginx for the comparison)\n',
  );
const rows = [];
for (const t of targets) rows.push(await measure(t));
upstream.close();
rmSync(dir, { recursive: true, force: true });
const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
console.log(
  `rapid reset: ${burst} streams per ${burstMs} ms for ${seconds} s; legitimate client every 10 ms; load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  '| target | legit ok | legit failed | p50 ms | p99 ms | longest outage ms | abuse streams | abuse connections | GOAWAYs | reset requests at upstream |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.target} | ${r.ok} | ${r.failed} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.outageMs)} | ${r.abuseStreams} | ${r.abuseConnections} | ${r.goaways} | ${r.resetReachedUpstream} |`,
  );
process.exit(0);
