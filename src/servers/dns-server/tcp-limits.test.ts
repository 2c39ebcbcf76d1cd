/**
 * DNS over TCP under abuse, over real sockets on 127.0.0.1 with small limits: a read deadline per message that
 * trickled bytes do not extend, an idle timeout, a per-client connection cap (other clients still served), and
 * backpressure on a client that pipelines queries and never reads its replies (bounded buffers, then closed),
 * while UDP keeps answering.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { createDns } from '../../analysis/dns/index.ts';
import { fixtureProfile, fixtureYaml } from '../../analysis/dns/_fixture.ts';
import { startDnsServer, type RunningDnsServer } from './index.ts';
import { decode, frame, query, tcp, udp } from './_test-client.ts';

const dns = createDns(buildYaml(fixtureYaml, { profile: fixtureProfile }).model);
const limits = { maxConnections: 64, maxPerClient: 4, readMs: 300, idleMs: 600, writeMs: 400 };
let server: RunningDnsServer;
before(async () => {
  server = await startDnsServer({ host: '127.0.0.1', port: 0, answerer: dns, tcp: limits });
});
after(() => server.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const q = () => frame(query('web.shop.svc.cluster.local', 'A'));

function open(localAddress = '127.0.0.1'): Promise<{ sock: Socket; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const sock = connect({ port: server.port, host: '127.0.0.1', localAddress });
    const closed = new Promise<number>((r) => sock.on('close', () => r(Date.now() - started)));
    sock.on('error', () => undefined);
    sock.once('connect', () => resolve({ sock, closed }));
    sock.once('error', reject);
  });
}

describe('serve dns over TCP under abuse', () => {
  it('closes a connection that trickles a message byte by byte at the read deadline, which the bytes do not restart', async () => {
    const { sock, closed } = await open();
    const bytes = q();
    let i = 0;
    const trickle = setInterval(() => {
      if (i < bytes.length - 1 && !sock.destroyed) sock.write(bytes.subarray(i, ++i));
    }, 50);
    const lived = await closed;
    clearInterval(trickle);
    // First byte at ~50 ms, deadline 300 ms later: long before the message (40+ bytes at 50 ms each, over 2 s)
    // could finish, as it would if each byte restarted the timer.
    assert.ok(lived < 1000, `closed after ${lived} ms`);
  });

  it('closes a connection that sends nothing at the idle timeout', async () => {
    const { closed } = await open();
    const lived = await closed;
    assert.ok(lived >= limits.idleMs - 50 && lived < limits.idleMs + 1000, `closed after ${lived} ms`);
  });

  it('answers pipelined and split queries, and keeps the connection while the client keeps asking', async () => {
    const a = q();
    const replies = await tcp(server.port, [Buffer.concat([a, a.subarray(0, 5)]), a.subarray(5), a], 3);
    assert.equal(replies.length, 3);
    assert.deepEqual(
      replies.map((r) => decode(r).rcode),
      ['NOERROR', 'NOERROR', 'NOERROR'],
    );
    assert.ok(decode(replies[1]).answers?.length, 'the split query is answered');
  });

  it('caps connections per client: the fifth from one address is refused, another address is still served', async () => {
    const held = await Promise.all([1, 2, 3, 4].map(() => open()));
    const refusedBefore = server.tcpStats.refused;
    const extra = await open();
    assert.ok((await extra.closed) < 200, 'the extra connection is closed at once');
    assert.equal(server.tcpStats.refused, refusedBefore + 1);
    // 127.0.0.2 is loopback too (127/8): a different client, with its own slots.
    const other = await open('127.0.0.2');
    const reply = await new Promise<Buffer>((resolve) => {
      other.sock.once('data', (d: Buffer) => resolve(d));
      other.sock.write(q());
    });
    assert.equal(decode(reply.subarray(2)).rcode, 'NOERROR');
    for (const c of [...held, other]) c.sock.destroy();
    await Promise.all([...held, other].map((c) => c.closed));
  });

  it('stops reading a client that pipelines queries and never reads: bounded buffers, closed at the write timeout, UDP unharmed', async (t) => {
    // Its own server, with deadlines long enough that only backpressure can end this connection.
    const own = await startDnsServer({
      host: '127.0.0.1',
      port: 0,
      answerer: dns,
      tcp: { ...limits, readMs: 10_000, idleMs: 10_000, writeMs: 500 },
    });
    t.after(() => own.close());
    const sock = connect(own.port, '127.0.0.1');
    sock.on('error', () => undefined);
    await new Promise((r) => sock.once('connect', r));
    const started = Date.now();
    sock.pause(); // never read the replies
    const burst = Buffer.concat(Array.from({ length: 2000 }, q));
    const writer = setInterval(() => {
      if (!sock.destroyed) sock.write(burst);
    }, 20);
    await sleep(150);
    const udpReply = await udp(own.port, query('web.shop.svc.cluster.local', 'A'), 2_000);
    assert.ok(udpReply, 'UDP still answers');
    // The server closes its side (the paused client may not notice until it writes again).
    while (own.tcpStats.open > 0 && Date.now() - started < 15_000) await sleep(10);
    const lived = Date.now() - started;
    clearInterval(writer);
    sock.destroy();
    const seen = JSON.stringify(own.tcpStats);
    assert.ok(own.tcpStats.paused >= 1, `reading was paused: ${seen}`);
    // Node's write buffer high-water mark (16 KiB) plus at most one reply: never the whole burst's replies.
    assert.ok(own.tcpStats.peakBuffered < 32 * 1024, `bounded buffer: ${seen}`);
    // The kernel's socket buffers on loopback (a few MB, bounded by the kernel) fill first; then writeMs.
    assert.equal(own.tcpStats.open, 0, `closed by the server (after ${lived} ms): ${seen}`);
    assert.ok(own.tcpStats.timedOut >= 1, seen);
  });
});

describe('serve dns over TCP: after abusive clients leave', () => {
  it('keeps no state of them: no connection, no client address in the per-client table, no held byte', async (t) => {
    // Deadlines long enough that only the clients leaving ends these connections.
    const own = await startDnsServer({
      host: '127.0.0.1',
      port: 0,
      answerer: dns,
      tcp: { ...limits, readMs: 20_000, idleMs: 20_000, writeMs: 20_000 },
    });
    t.after(() => own.close());
    const socks: Socket[] = [];
    const connectFrom = async (localAddress: string) => {
      const sock = connect({ port: own.port, host: '127.0.0.1', localAddress });
      sock.on('error', () => undefined);
      await new Promise((r) => sock.once('connect', r));
      socks.push(sock);
      return sock;
    };
    // Half a message each, held by the server, from three addresses; and two clients pipelining unread queries.
    for (let i = 0; i < 12; i++) (await connectFrom(`127.0.2.${1 + (i % 3)}`)).write(q().subarray(0, 20));
    const burst = Buffer.concat(Array.from({ length: 2000 }, q));
    for (const a of ['127.0.3.1', '127.0.3.2']) {
      const sock = await connectFrom(a);
      sock.pause();
      sock.write(burst);
    }
    await sleep(200);
    const during = JSON.stringify(own.tcpStats);
    assert.ok(own.tcpStats.clients >= 5 && own.tcpStats.heldBytes >= 12 * 20, `held while open: ${during}`);
    for (const s of socks) s.destroy();
    const started = Date.now();
    while (own.tcpStats.open > 0 && Date.now() - started < 5_000) await sleep(10);
    assert.deepEqual(
      { open: own.tcpStats.open, clients: own.tcpStats.clients, heldBytes: own.tcpStats.heldBytes },
      { open: 0, clients: 0, heldBytes: 0 },
      JSON.stringify(own.tcpStats),
    );
  });
});

describe('serve dns over TCP: fairness', () => {
  it('answers 5,000 queries pipelined on one connection, in order, yielding the event loop between batches', async () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      frame(query('web.shop.svc.cluster.local', 'A', { id: i })),
    );
    const replies = await tcp(server.port, [Buffer.concat(many)], 5000, 10_000);
    assert.equal(replies.length, 5000);
    assert.deepEqual([decode(replies[0]).id, decode(replies[4999]).id], [0, 4999]);
  });
});
