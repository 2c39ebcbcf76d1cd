import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { unknownLines, type Router } from '../../analysis/route/index.ts';
import type { DecisionBackend, HttpRequest } from '../../model/routing.ts';
import { parseTarget } from './_target.ts';
import { refusesClient } from './_client-cert.ts';
import { cancelled, type StreamState } from './_rapid-reset.ts';
import {
  BodyTooLarge,
  forward,
  forwardable,
  limited,
  modify,
  type Sink,
  type UpstreamPools,
} from './_upstream.ts';

/**
 * Limits that keep the gateway sane: header size is enforced by node (`maxHeaderSize`), bodies here; the
 * timeouts and HTTP/2 stream limits in index.ts. nginx's defaults for comparison: client_header_timeout and
 * client_body_timeout 60 s, http2_max_concurrent_streams 128 (https://nginx.org/en/docs/http/ngx_http_core_module.html).
 */
export const limits = {
  maxBodyBytes: 10 * 1024 * 1024,
  maxHeaderBytes: 16 * 1024,
  upstreamTimeoutMs: 30_000,
} as const;

export interface GatewayHandlerOptions {
  readonly router: Router;
  /** Upstream base URLs by `namespace/service` or `namespace/service:port`; loopback only. */
  readonly upstreams: ReadonlyMap<string, URL>;
  /** The listener port requests are routed as (the model's port, not the local bind port). */
  readonly modelPort: number;
  readonly scheme: 'http' | 'https';
  readonly pools: UpstreamPools;
}

/** Minimal request/response shapes shared by node:http and node:http2's compatibility API. */
export interface Req {
  readonly method?: string;
  readonly url?: string;
  readonly headers: IncomingHttpHeaders;
  /** HTTP/2 only: whether the HEADERS frame ended the stream (no body). */
  readonly stream?: StreamState & {
    readonly endAfterHeaders: boolean;
    readonly session?: { destroy(): void };
  };
  /** HTTP/1: every header line as sent, names and values alternating (to count Host lines). */
  readonly rawHeaders?: readonly string[];
  readonly httpVersion?: string;
  /** The TLS socket (node:http2's compatibility API proxies the session's): `servername` is the SNI. */
  readonly socket?: {
    readonly servername?: string | false | null;
    /** The TCP peer's address: the client address a SecurityPolicy's `clientCIDRs` are judged against. */
    readonly remoteAddress?: string;
    destroy?(): void;
  };
  /** True once the client has gone away (HTTP/1 socket closed, HTTP/2 stream reset). */
  readonly destroyed?: boolean;
  [Symbol.asyncIterator](): AsyncIterator<Buffer>;
  destroy(): void;
}
export interface Res extends Sink {
  headersSent: boolean;
  writeHead(status: number, headers?: OutgoingHttpHeaders): unknown;
  end(body?: string): unknown;
  end(): unknown;
  setHeader(name: string, value: string | string[]): unknown;
  /** Sends `100 Continue` (only called when the request asked for it and will be forwarded). */
  writeContinue?(): unknown;
}

/**
 * Answers with `status` and why. When the request has a body the gateway will not read, an HTTP/1 connection is
 * closed after the answer (as nginx does for a refused body) instead of reading the body to reuse the connection.
 */
function explain(res: Res, status: number, why: string, req?: Req, extra: OutgoingHttpHeaders = {}): void {
  if (res.headersSent) return void res.end();
  const body = `kubetwin gateway: ${status}: ${why}\n`;
  const unreadBody = req && !req.stream && hasBody(req);
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'x-kubetwin-explain': why.replace(/[^\x20-\x7e]/g, '?').slice(0, 500),
    ...(unreadBody ? { connection: 'close' } : {}),
    ...extra,
  });
  res.end(body);
}

function hasBody(req: Req): boolean {
  if (req.stream) return !req.stream.endAfterHeaders;
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

/**
 * RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without a Host header and to any request with
 * more than one Host line (node keeps only the first, which would route by it). HTTP/2 carries `:authority`.
 * https://www.rfc-editor.org/rfc/rfc9112#section-3.2
 */
function hostProblem(req: Req): string | undefined {
  if (req.stream) return req.headers[':authority'] || req.headers.host ? undefined : 'no :authority or Host';
  let hosts = 0;
  const raw = req.rawHeaders ?? [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i].length === 4 && raw[i].toLowerCase() === 'host') hosts++;
  if (hosts > 1) return 'more than one Host header (RFC 9112 §3.2)';
  if (hosts === 0 && req.httpVersion !== '1.0') return 'no Host header (RFC 9112 §3.2)';
  return undefined;
}

/**
 * The client address Envoy Gateway's authorization judges (`principal.clientCIDRs`): the downstream remote address,
 * which without a ClientTrafficPolicy's clientIPDetection is the TCP peer — X-Forwarded-For is not read (Envoy
 * Gateway configures no trusted hops by default). An IPv4-mapped IPv6 peer (`::ffff:127.0.0.2`, a dual-stack socket)
 * is the IPv4 client it stands for. https://gateway.envoyproxy.io/docs/tasks/security/restrict-ip-access/
 * (envoyproxy/gateway internal/xds/translator/authorization.go buildIPPredicate: SourceIPInput)
 */
export function clientAddressOf(req: Req): string | undefined {
  const a = req.socket?.remoteAddress;
  if (!a) return undefined;
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(a) ? a.slice(7) : a;
}

let turn = 0;
/**
 * Weighted choice among the backends with a weight, deterministic round robin over the weights. An invalid backend
 * keeps its share, which the caller answers 500: "the proportion of requests that would otherwise have been routed
 * to an invalid backend MUST receive a 500 status code" (HTTPRouteRule.BackendRefs).
 * https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule
 */
function choose(backends: readonly DecisionBackend[]): DecisionBackend | undefined {
  const weighted = backends.filter((b) => b.weight > 0);
  const total = weighted.reduce((s, b) => s + b.weight, 0);
  if (!total) return undefined;
  let n = turn++ % total;
  for (const b of weighted) if ((n -= b.weight) < 0) return b;
  return weighted[0];
}

/** Closes the connection `req` came on without an answer (HTTP/2: the whole session, not just the stream). */
function closeConnection(req: Req): void {
  if (req.stream?.session) req.stream.session.destroy();
  else req.socket?.destroy?.();
}

/** Handles one request: route it with the model, then redirect, answer, or proxy to the mapped upstream. */
export function handle(opts: GatewayHandlerOptions, req: Req, res: Res): void {
  // A request the client cancelled before it was handled (an HTTP/2 stream reset in the same read) goes nowhere.
  if (req.destroyed || cancelled(req.stream)) return;
  const target = req.url ?? '/';
  if (target.charCodeAt(0) !== 47 /* '/' */)
    return explain(
      res,
      400,
      'absolute-form and authority-form request targets are refused: this is not an open proxy',
    );
  const badHost = hostProblem(req);
  if (badHost) return explain(res, 400, badHost, req);
  // TRACE would echo the request, credentials included, back to a script (RFC 9110 §9.3.8); nginx answers 405.
  if (req.method === 'TRACE')
    return explain(res, 405, 'TRACE is not allowed', req, {
      allow: 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
    });
  const authority = (req.headers[':authority'] as string | undefined) ?? req.headers.host ?? '';
  const t = parseTarget(target);
  const out = forwardable(req.headers);
  const host = authority
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  // Routing sees every header the client sent (hop-by-hop ones too); upstream gets `out`.
  const headers: Record<string, string> = {};
  for (const k in req.headers) {
    const v = req.headers[k];
    if (v !== undefined && k.charCodeAt(0) !== 58) headers[k] = Array.isArray(v) ? v.join(',') : v;
  }
  headers.host = host;
  const method = (req.method ?? 'GET').toUpperCase();
  const sni = opts.scheme === 'https' ? req.socket?.servername : undefined;
  // A connection without SNI was not verified against any listener's client CAs (the SNI check is at the handshake,
  // index.ts): a listener that requires a valid client certificate (GEP-91, AllowValidOnly) closes it unanswered.
  if (opts.scheme === 'https' && !sni && refusesClient(opts.router, opts.modelPort, host, false))
    return closeConnection(req);
  const client = clientAddressOf(req);
  const hr: HttpRequest = {
    scheme: opts.scheme,
    host,
    port: opts.modelPort,
    path: t.path,
    query: t.query,
    method,
    headers,
    ...(sni ? { sni: sni.toLowerCase() } : {}),
    ...(client ? { clientAddresses: [client] } : {}),
  };
  const d = opts.router.decide(hr);
  // A SecurityPolicy whose answer is not known (credentials, an address kubetwin cannot judge) may answer the request
  // itself: the gateway says unknown rather than forward it to a backend that would answer 200.
  if (d.undecidedBy)
    return explain(res, 503, unknownLines(d.unknown).join('; ') || `unknown: ${d.undecidedBy}`, req, {
      'x-kubetwin-unknown': d.undecidedBy,
    });
  if (d.redirect) {
    res.writeHead(d.redirect.status, { location: d.redirect.location, 'content-length': '0' });
    return void res.end();
  }
  // Status 0 (an SNI no listener accepts) cannot be an HTTP answer; the handshake already succeeded on the
  // fallback certificate here, so the request is refused as misdirected.
  if (d.status !== 200)
    return explain(
      res,
      d.status || 421,
      [...d.notes, ...unknownLines(d.unknown)].join('; ') || 'no route',
      req,
    );
  // A CORS preflight the route's CORS filter answers: the gateway replies itself (GEP-1767), nothing goes upstream.
  if (d.preflight) {
    const h: OutgoingHttpHeaders = { 'content-length': '0' };
    for (const x of d.responseHeaders?.set ?? []) h[x.name] = x.value;
    res.writeHead(200, h);
    return void res.end();
  }
  const b = choose(d.backends);
  if (!b) return explain(res, 503, 'no usable backend', req);
  if (b.problem)
    return explain(res, 500, `${b.kind ?? 'Service'} ${b.namespace}/${b.name}: ${b.problem}`, req);
  const up =
    opts.upstreams.get(`${b.namespace}/${b.name}:${b.port}`) ??
    opts.upstreams.get(`${b.namespace}/${b.name}`);
  if (!up)
    return explain(
      res,
      503,
      `Service ${b.namespace}/${b.name}:${b.port} is not mapped to an upstream; pass --upstream ${b.namespace}/${b.name}=http://127.0.0.1:PORT`,
      req,
    );
  out.host = d.rewrittenHost ?? authority;
  out['x-forwarded-host'] = authority;
  out['x-forwarded-proto'] = opts.scheme;
  modify(out, d.requestHeaders);
  // The chosen backendRef's own filters, after the rule's: only requests sent to this backend get them.
  const bf = b.filtered;
  if (bf) {
    if (bf.rewrittenHost !== undefined) out.host = bf.rewrittenHost;
    modify(out, bf.requestHeaders);
  }
  const base = up.pathname === '/' ? '' : up.pathname.replace(/\/$/, '');
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > limits.maxBodyBytes)
    return explain(res, 413, `request body over ${limits.maxBodyBytes} bytes`, req);
  const withBody = hasBody(req);
  // Only now is the body wanted: `Expect: 100-continue` is answered here, never before a refusal (RFC 9110 §10.1.1).
  if (withBody && res.writeContinue && /^100-continue$/i.test(String(req.headers.expect ?? '')))
    res.writeContinue();
  const fwd = {
    origin: up.origin,
    method,
    path: base + (bf?.rewrittenPath ?? d.rewrittenPath ?? t.path) + t.search,
    headers: out,
    body: withBody ? limited(req, limits.maxBodyBytes) : undefined,
    cancelled: () => cancelled(req.stream),
    responseHeaders: d.responseHeaders,
    backendResponseHeaders: bf?.responseHeaders,
    ...(b.tls
      ? {
          tls: {
            servername: b.tls.hostname,
            ca: opts.router.backendCA(b.tls),
            subjectAltNames: b.tls.subjectAltNames,
          },
        }
      : {}),
  };
  forward(opts.pools, fwd, res, (e) => {
    if (e instanceof BodyTooLarge) explain(res, 413, e.message);
    else explain(res, 502, `upstream ${up.origin} for ${b.namespace}/${b.name}: ${e.message}`);
    req.destroy();
  });
}
