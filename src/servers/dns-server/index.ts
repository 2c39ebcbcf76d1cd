/**
 * `kubetwin serve dns`: a real DNS server over UDP and TCP on one port, answering from the model through an
 * `Answerer` that can be swapped while it runs (for --watch). Malformed packets are dropped and counted; a bug in
 * answering one query never takes the server down. Replies are cached by query bytes (minus the ID), bounded as
 * CoreDNS's `cache` plugin is (see _reply-cache.ts), until the answerer changes.
 * https://www.rfc-editor.org/rfc/rfc1035#section-4.2 (UDP and TCP framing)
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import type { CacheConfig } from '../../analysis/corefile/index.ts';
import {
  newServerStats,
  reply as respond,
  replyFromTable,
  type Answerer,
  type ServerStats,
} from './_respond.ts';
import type { AnswerTable } from './_answer-table.ts';
import { cacheBounds, ReplyCache } from './_reply-cache.ts';
import { compactHeap } from './_heap.ts';
import { defaultTcpLimits, serveTcp, type TcpLimits, type TcpStats } from './_tcp.ts';

export type { Answerer, ServerStats } from './_respond.ts';
export { watchPaths } from './_watch.ts';
export { compactHeap } from './_heap.ts';
export { AnswerTable, questionPacket } from './_answer-table.ts';
export { ZoneTracker, applyZoneDelta, type ZoneDelta } from './_zone-update.ts';
export { defaultTcpLimits, type TcpLimits, type TcpStats } from './_tcp.ts';

export interface DnsServerOptions {
  /** Listen address; default 127.0.0.1. */
  readonly host?: string;
  /** Port for both UDP and TCP; 0 picks a free one. Default 5353. */
  readonly port?: number;
  readonly answerer: Answerer;
  /** The answerer's positive answers compiled ahead (see _answer-table.ts); queries it holds skip the answerer. */
  readonly table?: AnswerTable;
  /** The Corefile's `cache` plugin, which bounds the reply cache (CoreDNS's defaults when absent). */
  readonly cache?: CacheConfig;
  /**
   * After this many answers computed afresh (cache misses), and when a burst of misses ends (a second without one),
   * a full garbage collection gives their garbage back, so resident memory stays near the index and cache size
   * (default 20,000; 0 turns it off).
   */
  readonly compactAfterMisses?: number;
  /** Limits on DNS over TCP: connections (all and per client), read, idle and write timeouts (see _tcp.ts). */
  readonly tcp?: Partial<TcpLimits>;
  /**
   * Sockets already bound (and listening), used instead of binding `host:port` — e.g. sockets bound inside another
   * network namespace and handed over (kubetwin lab serves cluster DNS so).
   */
  readonly sockets?: { readonly udp: Socket; readonly tcp: Server; readonly port: number };
}

export interface RunningDnsServer {
  readonly host: string;
  readonly port: number;
  readonly stats: ServerStats;
  /** Connections open, refused and timed out, and backpressure on clients that do not read their replies. */
  readonly tcpStats: TcpStats;
  /**
   * Answers from now on come from `a` and its compiled `table` (with the cache bounds of `cache`); the reply cache
   * is emptied. Queries in flight are not dropped.
   */
  setAnswerer(a: Answerer, cache?: CacheConfig, table?: AnswerTable): void;
  close(): Promise<void>;
}

export async function startDnsServer(opts: DnsServerOptions): Promise<RunningDnsServer> {
  const host = opts.host ?? '127.0.0.1';
  const stats = newServerStats();
  let answerer = opts.answerer;
  let table = opts.table;
  let cache = new ReplyCache(cacheBounds(opts.cache));
  const compactAfter = opts.compactAfterMisses ?? 20_000;
  let misses = 0;
  let missesSeen = 0;
  // A burst of misses that has ended leaves its garbage in the old generation until V8 next needs room: collect it.
  const idle = compactAfter
    ? setInterval(() => {
        if (misses && misses === missesSeen) {
          misses = 0;
          compactHeap();
        }
        missesSeen = misses;
      }, 1000).unref()
    : undefined;

  const handle = (packet: Buffer, transport: 'udp' | 'tcp'): Buffer | [Buffer, Buffer] | undefined => {
    if (packet.length < 12 || packet.length > 65535) {
      stats.queries++;
      stats.malformed++;
      return undefined;
    }
    const compiled = table && replyFromTable(packet, table, transport, stats);
    if (compiled) return compiled;
    const key = transport + packet.toString('latin1', 2);
    const hit = cache.get(key);
    if (hit) {
      stats.queries++;
      stats.answered++;
      stats.cacheHits++;
      // The query's own ID followed by the cached reply: two views, no copy (the cached bytes are never written).
      return [packet.subarray(0, 2), hit];
    }
    let reply: ReturnType<typeof respond>;
    if (compactAfter && ++misses >= compactAfter) {
      misses = 0;
      setImmediate(compactHeap);
    }
    try {
      reply = respond(packet, answerer, transport, stats);
    } catch {
      stats.malformed++;
      return undefined;
    }
    if (reply?.cache) cache.set(key, reply.bytes, reply.cache.ttl, reply.cache.denial);
    return reply?.bytes;
  };

  const { udp, tcp, port } = opts.sockets ?? (await bind(host, opts.port ?? 5353));
  udp.on('message', (msg, rinfo) => {
    const reply = handle(msg, 'udp');
    if (reply) udp.send(reply, rinfo.port, rinfo.address);
  });
  udp.on('error', () => undefined);
  const tcpServing = serveTcp(tcp, (msg) => handle(msg, 'tcp'), { ...defaultTcpLimits, ...opts.tcp });
  tcp.on('error', () => undefined);

  return {
    host,
    port,
    stats,
    tcpStats: tcpServing.stats,
    setAnswerer(a, c, t) {
      answerer = a;
      table = t;
      cache = new ReplyCache(cacheBounds(c));
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(idle);
        tcpServing.close();
        udp.close(() => tcp.close(() => resolve()));
      }),
  };
}

/** Binds UDP and TCP to the same port; with port 0, retries until both get the same free port. */
async function bind(host: string, wanted: number): Promise<{ udp: Socket; tcp: Server; port: number }> {
  const family = host.includes(':') ? 'udp6' : 'udp4';
  for (let attempt = 0; ; attempt++) {
    // A large receive buffer absorbs bursts (the kernel caps it at net.core.rmem_max).
    const udp = createSocket({ type: family, recvBufferSize: 8 << 20 });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(wanted, host, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    const port = udp.address().port;
    const tcp = createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, host, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
      return { udp, tcp, port };
    } catch (err) {
      udp.close();
      if (wanted !== 0 || attempt >= 20) throw err;
    }
  }
}
