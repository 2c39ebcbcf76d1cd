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
 * `ns/name` and closes; UDP: answers each datagram with it). argv[1]: JSON `{pods: [{netns, ref, ports}], ready}`;
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
  if (m.port.protocol === 'TCP') h.on('connection', (c) => { c.on('error', () => {}); c.end(reply); });
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
 * Inside one source pod namespace, long-lived: reads JSON lines `{id, targets: [[ip, port, proto]], timeout,
 * concurrency}` on stdin and answers each with a line `{id, results}`: a TCP connect or UDP request/response to
 * every target (up to `concurrency` at once), each `[outcome, answeredBy]` with outcome `open` (connected or
 * answered), `refused` (the destination's stack answered: no listener), `rejected` (ICMP admin-prohibited or
 * unreachable: a chain refused it) or `timeout`.
 */
export const PROBER = `
import net from 'node:net';
import dgram from 'node:dgram';
import readline from 'node:readline';
const outcome = (code) => code === 'ECONNREFUSED' ? 'refused'
  : ['EHOSTUNREACH', 'ENETUNREACH', 'EACCES', 'EPERM'].includes(code) ? 'rejected' : 'error:' + code;
const tcp = (ip, port, timeout) => new Promise((resolve) => {
  const s = net.connect({ host: ip, port });
  let data = '';
  const t = setTimeout(() => { s.destroy(); resolve(['timeout']); }, timeout);
  s.on('data', (d) => { data += d; });
  s.on('end', () => { clearTimeout(t); s.destroy(); resolve(['open', data.trim()]); });
  s.on('error', (e) => { clearTimeout(t); resolve([data ? 'open' : outcome(e.code), data.trim()]); });
});
const udp = (ip, port, timeout) => new Promise((resolve) => {
  const s = dgram.createSocket('udp4');
  const t = setTimeout(() => { s.close(); resolve(['timeout']); }, timeout);
  s.on('message', (m) => { clearTimeout(t); s.close(); resolve(['open', String(m).trim()]); });
  s.on('error', (e) => { clearTimeout(t); try { s.close(); } catch {} resolve([outcome(e.code)]); });
  s.connect(port, ip, (err) => { if (err) return; s.send('probe'); });
});
const run = async ({ id, targets, timeout, concurrency }) => {
  const results = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const k = next++;
      const [ip, port, proto] = targets[k];
      results[k] = await (proto === 'TCP' ? tcp(ip, port, timeout) : udp(ip, port, timeout));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker));
  process.stdout.write(JSON.stringify({ id, results }) + '\\n');
};
readline.createInterface({ input: process.stdin }).on('line', (l) => { if (l.trim()) run(JSON.parse(l)); });
`;
