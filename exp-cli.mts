import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { frame, query } from './src/servers/dns-server/_test-client.ts';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const child = spawn(process.execPath, ['--max-semi-space-size=1', '--optimize-for-size', '--single-threaded', '--expose-gc', '--import', 'tsx', 'exp-srv.mts'], { stdio: ['ignore', 'inherit', 'pipe'], env: { MALLOC_ARENA_MAX: '2', ...process.env } });
let err = ''; child.stderr.on('data', (d) => { err += d; process.stdout.write(String(d)); });
while (!/port (\d+)/.test(err)) await sleep(100);
const port = Number(/port (\d+)/.exec(err)![1]);
const mem = async (label: string) => { process.stdout.write(label + ': '); child.kill('SIGUSR2'); await sleep(300); };
await sleep(1000); await mem('loaded');
const name = 'web.shop.svc.cluster.local';
const sockets: Socket[] = [];
const burst = Buffer.concat(Array.from({ length: 2000 }, () => frame(query(name, 'A'))));
for (let i = 0; i < 8; i++) { const s = connect({ port, host: '127.0.0.1', localAddress: `127.0.0.${2 + i}` }); s.on('error', () => {}); s.pause(); sockets.push(s); const w = setInterval(() => (s.destroyed ? clearInterval(w) : s.write(burst)), 20); }
const slow = frame(query(name, 'A'));
for (let i = 0; i < 500; i++) { const s = connect({ port, host: '127.0.0.1', localAddress: `127.0.1.${1 + Math.floor(i / 30)}` }); s.on('error', () => {}); sockets.push(s); let at = 0; const t = setInterval(() => (s.destroyed || at >= slow.length ? clearInterval(t) : s.write(slow.subarray(at, ++at))), 1000); }
await sleep(Number(process.argv[2] ?? 10) * 1000); await mem('end of abuse');
for (const s of sockets) s.destroy();
for (const t of [2, 5, 15]) { await sleep(t * 1000); await mem(`after +${t}s`); }
child.kill('SIGINT'); process.exit(0);
