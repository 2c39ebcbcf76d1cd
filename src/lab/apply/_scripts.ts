/**
 * Small programs the lab runs inside its namespaces with `ip netns exec NS node --input-type=module -e CODE`,
 * kept as source text so the bundled CLI needs no extra files. Node cannot enter a namespace itself, so each
 * runs in one.
 */

/**
 * Inside one pod namespace: bind every declared port (TCP listen, UDP bind) on 0.0.0.0, hand each socket to the
 * parent over the IPC channel (Node passes server and dgram handles), exit. argv[1]: JSON `{ref, ports}`.
 */
export const BINDER = `
import net from 'node:net';
import dgram from 'node:dgram';
const { ref, ports } = JSON.parse(process.argv[1]);
const bound = await Promise.all(ports.map((p) => new Promise((resolve) => {
  if (p.protocol === 'TCP') {
    const s = net.createServer();
    s.on('error', (e) => resolve({ p, error: e.message }));
    s.listen({ port: p.port, host: '0.0.0.0', backlog: 1024 }, () => resolve({ p, handle: s }));
  } else {
    const s = dgram.createSocket('udp4');
    s.on('error', (e) => resolve({ p, error: e.message }));
    s.bind(p.port, '0.0.0.0', () => resolve({ p, handle: s }));
  }
})));
let left = bound.length;
if (!left) process.exit(0);
for (const b of bound) {
  const done = () => { if (--left === 0) setTimeout(() => process.exit(0), 50); };
  if (b.error) process.send({ ref, port: b.p, error: b.error }, done);
  else process.send({ ref, port: b.p }, b.handle, done);
}
`;

/**
 * The responder daemon, in the host namespace but owning only sockets of pod namespaces: for each pod it starts
 * BINDER in the pod's namespace, takes the sockets it hands over and answers on them (TCP: writes the pod's
 * `ns/name` and closes once the client has sent something, as an HTTP/1.1 response with header `x-kubetwin-pod`
 * when that was an HTTP request; UDP: answers each datagram with it). argv[1]: JSON `{pods: [{netns, ref, ports}], ready}`;
 * writes `ready` (a file path) with a JSON summary once every socket is served.
 */
export const DAEMON = `
import { spawn } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
const spec = JSON.parse(readFileSync(process.argv[1], 'utf8'));
const binder = spec.binder;
process.title = 'kubetwin-lab-responder ' + process.argv[1];
let served = 0;
const errors = [];
const serve = (m, h) => {
  if (m.error || !h) return errors.push(m.ref + ' ' + m.port.port + '/' + m.port.protocol + ': ' + (m.error || 'no handle'));
  served++;
  const reply = m.ref + '\\n';
  const http = 'HTTP/1.1 200 OK\\r\\ncontent-type: text/plain\\r\\nx-kubetwin-pod: ' + m.ref +
    '\\r\\ncontent-length: ' + Buffer.byteLength(reply) + '\\r\\nconnection: close\\r\\n\\r\\n' + reply;
  if (m.port.protocol === 'TCP')
    h.on('connection', (c) => {
      c.on('error', () => {});
      c.setTimeout(10000, () => c.destroy());
      c.once('data', (d) => c.end(/^[A-Z]+ \\S+ HTTP\\/1\\.[01]\\r\\n/.test(String(d)) ? http : reply));
    });
  else h.on('message', (_msg, r) => h.send(reply, r.port, r.address));
};
const one = (pod) => new Promise((resolve) => {
  const child = spawn('ip', ['netns', 'exec', pod.netns, process.execPath, '--input-type=module', '-e', binder,
    JSON.stringify({ ref: pod.ref, ports: pod.ports })], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  child.on('message', serve);
  child.on('exit', () => resolve());
  child.on('error', (e) => { errors.push(pod.ref + ': ' + e.message); resolve(); });
});
let next = 0;
const worker = async () => { while (next < spec.pods.length) await one(spec.pods[next++]); };
await Promise.all(Array.from({ length: spec.parallel }, worker));
writeFileSync(spec.ready, JSON.stringify({ served, errors }));
setInterval(() => {}, 1 << 30);
`;

/**
 * Inside one source pod namespace, long-lived: reads JSON lines `{id, targets: [[ip, port, kind]], timeout,
 * concurrency}` on stdin and answers each with a line `{id, results}`, one `[outcome, answeredBy]` per target (up
 * to `concurrency` at once). Kinds: `tcp` (connect, send a line, read the responder's answer), `connect` (connect
 * only: a DNS server's TCP port), `http` (an HTTP/1.1 GET; answeredBy is the `x-kubetwin-pod` header), `udp` (a
 * DNS query as payload, so kubetwin's DNS server answers it too; any answer counts), `getent` (the target is a
 * name: `getent ahostsv4 NAME`, run from this namespace and its /etc, so glibc resolves it with the pod's
 * resolv.conf and hosts; `open` with getent's output, or `error:getent`). Outcome `open` (connected or answered),
 * `refused` (the destination's stack or kube-proxy's reject answered: no listener, no endpoint), `rejected` (ICMP
 * admin-prohibited or unreachable: a policy chain refused it) or `timeout`.
 */
export const PROBER = `
import { execFile } from 'node:child_process';
import net from 'node:net';
import dgram from 'node:dgram';
import http from 'node:http';
import readline from 'node:readline';
const outcome = (code) => code === 'ECONNREFUSED' ? 'refused'
  : ['EHOSTUNREACH', 'ENETUNREACH', 'EACCES', 'EPERM'].includes(code) ? 'rejected' : 'error:' + code;
// A DNS query for kubetwin-probe. A (RFC 1035 section 4.1): id 0x6b74, RD, one question, class IN.
const query = Buffer.from('6b74010000010000000000000e6b7562657477696e2d70726f62650000010001', 'hex');
const tcp = (ip, port, timeout, connectOnly) => new Promise((resolve) => {
  const s = net.connect({ host: ip, port });
  let data = '';
  const t = setTimeout(() => { s.destroy(); resolve(['timeout']); }, timeout);
  s.on('connect', () => {
    if (!connectOnly) return void s.write('probe\\n');
    clearTimeout(t); s.destroy(); resolve(['open']);
  });
  s.on('data', (d) => { data += d; });
  s.on('end', () => { clearTimeout(t); s.destroy(); resolve(['open', data.trim()]); });
  s.on('error', (e) => { clearTimeout(t); resolve([data ? 'open' : outcome(e.code), data.trim()]); });
});
const get = (ip, port, timeout) => new Promise((resolve) => {
  let done = false;
  const finish = (r) => { if (!done) { done = true; clearTimeout(t); resolve(r); } };
  const req = http.get({ host: ip, port, path: '/', agent: false, headers: { host: ip + ':' + port } }, (res) => {
    res.resume();
    res.on('end', () => finish(['open', String(res.headers['x-kubetwin-pod'] ?? ''), res.statusCode]));
    res.on('error', () => finish(['open', String(res.headers['x-kubetwin-pod'] ?? ''), res.statusCode]));
  });
  const t = setTimeout(() => { req.destroy(); finish(['timeout']); }, timeout);
  req.on('error', (e) => finish([outcome(e.code)]));
});
const udp = (ip, port, timeout) => new Promise((resolve) => {
  const s = dgram.createSocket('udp4');
  const t = setTimeout(() => { s.close(); resolve(['timeout']); }, timeout);
  s.on('message', (m) => {
    clearTimeout(t); s.close();
    // The responder answers with the pod's ns/name; a DNS server with a DNS message (id 0x6b74).
    resolve(['open', m.length >= 12 && m.readUInt16BE(0) === 0x6b74 ? '' : String(m).trim()]);
  });
  s.on('error', (e) => { clearTimeout(t); try { s.close(); } catch {} resolve([outcome(e.code)]); });
  s.connect(port, ip, (err) => { if (err) return; s.send(query); });
});
const lookup = (name, timeout) => new Promise((resolve) =>
  execFile('getent', ['ahostsv4', name], { timeout }, (err, out) => resolve(err ? ['error:getent'] : ['open', out])));
const one = (ip, port, kind, timeout) =>
  kind === 'getent' ? lookup(ip, timeout) : kind === 'http' ? get(ip, port, timeout) : kind === 'udp' ? udp(ip, port, timeout)
    : tcp(ip, port, timeout, kind === 'connect');
const run = async ({ id, targets, timeout, concurrency }) => {
  const results = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const k = next++;
      const [ip, port, kind] = targets[k];
      results[k] = await one(ip, port, kind, timeout);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker));
  process.stdout.write(JSON.stringify({ id, results }) + '\\n');
};
readline.createInterface({ input: process.stdin }).on('line', (l) => { if (l.trim()) run(JSON.parse(l)); });
`;
