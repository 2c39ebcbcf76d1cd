/**
 * DNS over TCP with the limits a public resolver needs (RFC 7766 §6.2.2 and §10: servers bound connections, per
 * client too, and close idle ones). Timers follow miekg/dns's server (https://github.com/miekg/dns/blob/master/server.go:
 * a read deadline set once per message, an idle timeout between messages) and CoreDNS's `timeouts` plugin
 * (https://coredns.io/plugins/timeouts/: read, write and idle): a client that trickles bytes cannot keep its
 * connection, since the deadline does not restart on each byte. A client that does not read its replies is not
 * read either (backpressure), so buffered replies stay bounded, and it is closed after the write timeout.
 */
import type { Server, Socket } from 'node:net';
import { compactHeap } from './_heap.ts';

export interface TcpLimits {
  /** Connections open at once (all clients). */
  readonly maxConnections: number;
  /** Connections open at once from one client address. */
  readonly maxPerClient: number;
  /** From the first byte of a message to its last (a deadline, not restarted by each byte). */
  readonly readMs: number;
  /** Between messages, with nothing in flight. */
  readonly idleMs: number;
  /** How long replies may wait for a client that does not read them. */
  readonly writeMs: number;
}

/** miekg/dns's read and write timeouts (2 s) and RFC 7766's idle timeout "of the order of seconds" (8 s, as miekg). */
export const defaultTcpLimits: TcpLimits = {
  maxConnections: 512,
  maxPerClient: 32,
  readMs: 2_000,
  idleMs: 8_000,
  writeMs: 2_000,
};

/** What the TCP side did, for tests and the server's stats. */
export interface TcpStats {
  open: number;
  refused: number;
  timedOut: number;
  /** Times reading stopped because the client was not reading its replies. */
  paused: number;
  /** The most reply bytes ever buffered for one connection. */
  peakBuffered: number;
  /** Client addresses with a connection open (the per-client cap's table): 0 once every client has left. */
  clients: number;
  /** Received bytes held, not yet a whole message, over every open connection: 0 once every client has left. */
  heldBytes: number;
}

/** Messages answered per connection before yielding to the event loop. */
const perTurn = 64;

type Handle = (msg: Buffer) => Buffer | readonly Buffer[] | undefined;

/** Serves length-framed DNS messages (RFC 1035 §4.2.2) on `server` through `handle`. */
export function serveTcp(
  server: Server,
  handle: Handle,
  limits: TcpLimits,
): { stats: TcpStats; close(): void } {
  const stats: TcpStats = {
    open: 0,
    refused: 0,
    timedOut: 0,
    paused: 0,
    peakBuffered: 0,
    clients: 0,
    heldBytes: 0,
  };
  const sockets = new Set<Socket>();
  const perClient = new Map<string, number>();
  let compacting = false;
  const giveMemoryBack = () => {
    if (compacting) return;
    compacting = true;
    setTimeout(() => {
      compacting = false;
      compactHeap();
    }, 1000).unref();
  };
  server.on('connection', (socket) => {
    const client = socket.remoteAddress ?? '';
    const fromClient = perClient.get(client) ?? 0;
    if (sockets.size >= limits.maxConnections || fromClient >= limits.maxPerClient) {
      stats.refused++;
      return socket.destroy();
    }
    sockets.add(socket);
    perClient.set(client, fromClient + 1);
    stats.open = sockets.size;
    stats.clients = perClient.size;
    let abused = false;
    socket.on('close', () => {
      sockets.delete(socket);
      const n = (perClient.get(client) ?? 1) - 1;
      if (n) perClient.set(client, n);
      else perClient.delete(client);
      stats.open = sockets.size;
      stats.clients = perClient.size;
      clearTimeout(timer);
      // Nothing of a closed connection stays referenced: its partial message goes with it.
      stats.heldBytes -= buffered;
      chunks = [];
      buffered = 0;
      if (abused) giveMemoryBack();
    });
    socket.on('error', () => socket.destroy());

    let timer: NodeJS.Timeout | undefined;
    const arm = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stats.timedOut++;
        abused = true;
        socket.destroy();
      }, ms);
    };
    // Received bytes not yet framed: chunks and their total, joined once per message (never per byte).
    let chunks: Buffer[] = [];
    let buffered = 0;
    let waitingForDrain = false;
    const joined = () => {
      if (chunks.length > 1) chunks = [Buffer.concat(chunks, buffered)];
      return chunks[0];
    };
    /**
     * Answers every complete message buffered, then sets the one timer: the idle timeout when nothing is
     * buffered, a fresh read deadline when a new message has begun (after one was answered, or on resuming),
     * and otherwise leaves the running deadline alone, so trickled bytes never extend it.
     */
    const pump = (fresh: boolean) => {
      let answered = 0;
      while (!waitingForDrain && buffered >= 2) {
        if (answered === perTurn) {
          // Fairness: a client pipelining thousands of queries yields the event loop to UDP and other clients.
          socket.pause();
          arm(limits.readMs); // messages are flowing: the next one gets a fresh deadline
          setImmediate(() => {
            if (waitingForDrain || socket.destroyed) return;
            socket.resume();
            pump(true);
          });
          return;
        }
        const len = joined().readUInt16BE(0);
        if (buffered < 2 + len) break;
        const all = joined();
        const msg = Buffer.from(all.subarray(2, 2 + len));
        const rest = all.subarray(2 + len);
        chunks = rest.length ? [rest] : [];
        stats.heldBytes -= buffered - rest.length;
        buffered = rest.length;
        answered++;
        const reply = handle(msg);
        if (reply) write(reply);
      }
      if (waitingForDrain) return;
      if (!buffered) arm(limits.idleMs);
      else if (fresh || answered) arm(limits.readMs);
    };
    const write = (reply: Buffer | readonly Buffer[]) => {
      const parts = Buffer.isBuffer(reply) ? [reply] : reply;
      const length = parts.reduce((n, p) => n + p.length, 0);
      const framed = Buffer.alloc(2 + length);
      framed.writeUInt16BE(length, 0);
      let at = 2;
      for (const p of parts) at += p.copy(framed, at);
      const more = socket.write(framed);
      stats.peakBuffered = Math.max(stats.peakBuffered, socket.writableLength);
      if (!more) {
        // The client is not reading its replies: stop reading its queries until it does, for at most writeMs.
        waitingForDrain = true;
        abused = true;
        stats.paused++;
        socket.pause();
        arm(limits.writeMs);
        socket.once('drain', () => {
          waitingForDrain = false;
          socket.resume();
          pump(true);
        });
      }
    };
    socket.on('data', (chunk: Buffer) => {
      const fresh = buffered === 0;
      chunks.push(chunk);
      buffered += chunk.length;
      stats.heldBytes += chunk.length;
      if (!waitingForDrain) pump(fresh);
    });
    arm(limits.idleMs);
  });
  return {
    stats,
    close() {
      for (const s of sockets) s.destroy();
    },
  };
}
