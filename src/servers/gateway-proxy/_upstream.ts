/**
 * Forwarding to upstreams with undici: one keep-alive Pool per upstream origin, its low-level `dispatch` API
 * (no Promise or Readable per request), backpressure from the client's response to the upstream socket, the
 * request body streamed through a size limit, the upstream aborted when the client goes away.
 * https://undici.nodejs.org/#/docs/api/Dispatcher?id=dispatcherdispatchoptions-handler
 */
import { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import type * as Undici from 'undici';
import type { buildConnector, Pool } from 'undici';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { HeaderModifier } from '../../model/routing.ts';

export type Headers = Record<string, string | string[] | undefined>;

/** Hop-by-hop headers (RFC 9110 §7.6.1) and the ones the gateway itself answers (`host` set per hop, `expect` answered by node). */
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
  'expect',
  'http2-settings',
]);

/** Copies headers without hop-by-hop and pseudo-headers; no Object.entries per request. */
export function forwardable(from: IncomingHttpHeaders): Headers {
  const out: Headers = {};
  for (const k in from) if (!hopByHop.has(k) && k.charCodeAt(0) !== 58 /* ':' */) out[k] = from[k];
  return out;
}

/** Applies a Gateway API header modifier: set, then add (appended with a comma), then remove. https://gateway-api.sigs.k8s.io/reference/spec/#httpheaderfilter */
export function modify(h: Headers, m: HeaderModifier | undefined): void {
  if (!m) return;
  for (const x of m.set) h[x.name.toLowerCase()] = x.value;
  for (const x of m.add) {
    const k = x.name.toLowerCase();
    const cur = h[k];
    h[k] = cur === undefined ? x.value : `${Array.isArray(cur) ? cur.join(',') : cur},${x.value}`;
  }
  for (const x of m.remove) delete h[x.toLowerCase()];
}

export class BodyTooLarge extends Error {}

/** The client's response as both node:http and node:http2's compatibility API provide it. */
export interface Sink {
  writeHead(status: number, headers?: OutgoingHttpHeaders): unknown;
  write(chunk: Buffer): boolean;
  end(): unknown;
  once(ev: 'drain' | 'close', f: () => void): unknown;
}

export interface Forward {
  readonly origin: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Headers;
  /** Undefined: the request has no body. */
  readonly body?: AsyncIterable<Buffer>;
  readonly responseHeaders?: HeaderModifier;
  /** The chosen backendRef's own ResponseHeaderModifier, applied after the rule's. */
  readonly backendResponseHeaders?: HeaderModifier;
  /** TLS the gateway originates (a BackendTLSPolicy in effect): the upstream is reached over TLS only. */
  readonly tls?: UpstreamTLS;
  /** Whether the client has cancelled the request (an HTTP/2 stream reset): checked just before it is sent. */
  readonly cancelled?: () => boolean;
}

/**
 * A BackendTLSPolicy as a TLS client applies it: SNI `servername`, the certificate chained to `ca` (the platform's
 * store when undefined), and its names checked against `subjectAltNames` when given, else against `servername`.
 * https://gateway-api.sigs.k8s.io/reference/spec/#backendtlspolicyvalidation
 */
export interface UpstreamTLS {
  readonly servername: string;
  readonly ca?: readonly string[];
  /** `Hostname:name` or `URI:uri`. */
  readonly subjectAltNames: readonly string[];
}

/** Checks the backend certificate's names as BackendTLSPolicy says (hostname, or any listed subjectAltName). */
export function checkBackendIdentity(t: UpstreamTLS, cert: PeerCertificate): Error | undefined {
  if (!t.subjectAltNames.length) return checkServerIdentity(t.servername, cert);
  const sans = (cert.subjectaltname ?? '').split(/,\s*/);
  for (const want of t.subjectAltNames) {
    const [type, value] = [want.slice(0, want.indexOf(':')), want.slice(want.indexOf(':') + 1)];
    if (type === 'URI' && sans.includes(`URI:${value}`)) return undefined;
    if (type === 'Hostname' && !checkServerIdentity(value, cert)) return undefined;
  }
  return new Error(`backend certificate names none of ${t.subjectAltNames.join(', ')}`);
}

/**
 * A connector that always sends the policy's SNI: undici would otherwise take the server name from each request's
 * Host header, which a BackendTLSPolicy replaces with `hostname`.
 */
function backendConnector(tls: UpstreamTLS): buildConnector.connector {
  const base = undici().buildConnector({
    ...(tls.ca ? { ca: [...tls.ca] } : {}),
    rejectUnauthorized: true,
    checkServerIdentity: (_host: string, cert: PeerCertificate) => checkBackendIdentity(tls, cert),
  });
  return (opts, cb) => base({ ...opts, servername: tls.servername }, cb);
}

/**
 * undici, loaded when a gateway first forwards: every other command would otherwise evaluate its 0.8 MB at start
 * (design note 0006, Decision 14). A dependency, so `require` finds it beside the bundle or the sources.
 */
let loaded: typeof Undici | undefined;
function undici(): typeof Undici {
  return (loaded ??= createRequire(import.meta.url)('undici') as typeof Undici);
}

/** One keep-alive Pool per upstream origin, owned by one running gateway. */
export class UpstreamPools {
  readonly #pools = new Map<string, Pool>();
  constructor(private readonly timeoutMs: number) {}
  get(origin: string, tls?: UpstreamTLS): Pool {
    const key = tls ? `${origin}|${JSON.stringify(tls)}` : origin;
    let p = this.#pools.get(key);
    if (!p)
      this.#pools.set(
        key,
        (p = new (undici().Pool)(tls ? origin.replace(/^http:/, 'https:') : origin, {
          connections: 256,
          pipelining: 1,
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
          ...(tls ? { connect: backendConnector(tls) } : {}),
        })),
      );
    return p;
  }
  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((p) => p.close()));
    this.#pools.clear();
  }
}

/** Streams a body through, failing with BodyTooLarge past `max` bytes. */
export async function* limited(body: AsyncIterable<Buffer>, max: number): AsyncIterable<Buffer> {
  let size = 0;
  for await (const c of body) {
    size += c.length;
    if (size > max) throw new BodyTooLarge(`request body over ${max} bytes`);
    yield c;
  }
}

/** Sends the request upstream and the response to `res`; `fail` is called at most once, before or during the response. */
export function forward(pools: UpstreamPools, f: Forward, res: Sink, fail: (e: Error) => void): void {
  let done = false;
  let abort: ((e?: Error) => void) | undefined;
  let resume: () => void = () => undefined;
  let gone = false;
  res.once('close', () => {
    gone = true;
    if (!done) abort?.(new Error('client went away'));
  });
  pools.get(f.origin, f.tls).dispatch(
    {
      method: f.method as 'GET',
      path: f.path,
      headers: f.headers as Record<string, string>,
      body: f.body ? Readable.from(f.body, { objectMode: false }) : null,
    },
    {
      onConnect: (a) => {
        abort = a;
        // The client went away (or reset the stream, its close event not yet emitted) before the upstream
        // connection was ready: nothing is sent upstream.
        if ((gone || f.cancelled?.()) && !done) a(new Error('client went away'));
      },
      onHeaders(status, raw, resumeUpstream) {
        resume = resumeUpstream;
        const h: Headers = {};
        for (let i = 0; i < raw.length; i += 2) {
          const k = raw[i].toString('latin1').toLowerCase();
          if (hopByHop.has(k)) continue;
          const v = raw[i + 1].toString('latin1');
          const cur = h[k];
          h[k] = cur === undefined ? v : Array.isArray(cur) ? [...cur, v] : [cur, v];
        }
        modify(h, f.responseHeaders);
        modify(h, f.backendResponseHeaders);
        res.writeHead(status, h as OutgoingHttpHeaders);
        return true;
      },
      onData(chunk) {
        // false pauses the upstream socket until the client has drained what it was sent.
        const ok = res.write(chunk);
        if (!ok) res.once('drain', () => resume());
        return ok;
      },
      onComplete() {
        done = true;
        res.end();
      },
      onError(e) {
        if (done) return;
        done = true;
        fail(e);
      },
    },
  );
}
