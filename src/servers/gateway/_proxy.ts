import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Router } from '../../analysis/route/index.ts';
import type { DecisionBackend, HttpRequest } from '../../model/routing.ts';
import { parseTarget } from './_target.ts';
import {
  BodyTooLarge,
  forward,
  forwardable,
  limited,
  modify,
  type Sink,
  type UpstreamPools,
} from './_upstream.ts';

/** Limits that keep the gateway sane: header size is enforced by node (`maxHeaderSize`), bodies here. */
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
  readonly stream?: { readonly endAfterHeaders: boolean };
  [Symbol.asyncIterator](): AsyncIterator<Buffer>;
  destroy(): void;
}
export interface Res extends Sink {
  headersSent: boolean;
  writeHead(status: number, headers?: OutgoingHttpHeaders): unknown;
  end(body?: string): unknown;
  end(): unknown;
  setHeader(name: string, value: string | string[]): unknown;
}

function explain(res: Res, status: number, why: string): void {
  if (res.headersSent) return void res.end();
  const body = `kubetwin gateway: ${status}: ${why}\n`;
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'x-kubetwin-explain': why.replace(/[^\x20-\x7e]/g, '?').slice(0, 500),
  });
  res.end(body);
}

let turn = 0;
/** Weighted choice among usable backends, deterministic round robin over the weights. */
function choose(backends: readonly DecisionBackend[]): DecisionBackend | undefined {
  const usable = backends.filter((b) => !b.problem && b.weight > 0);
  const total = usable.reduce((s, b) => s + b.weight, 0);
  if (!total) return undefined;
  let n = turn++ % total;
  for (const b of usable) if ((n -= b.weight) < 0) return b;
  return usable[0];
}

/** Handles one request: route it with the model, then redirect, answer, or proxy to the mapped upstream. */
export function handle(opts: GatewayHandlerOptions, req: Req, res: Res): void {
  const target = req.url ?? '/';
  if (target.charCodeAt(0) !== 47 /* '/' */)
    return explain(
      res,
      400,
      'absolute-form and authority-form request targets are refused: this is not an open proxy',
    );
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
  const hr: HttpRequest = {
    scheme: opts.scheme,
    host,
    port: opts.modelPort,
    path: t.path,
    query: t.query,
    method,
    headers,
  };
  const d = opts.router.decide(hr);
  if (d.redirect) {
    res.writeHead(d.redirect.status, { location: d.redirect.location, 'content-length': '0' });
    return void res.end();
  }
  if (d.status !== 200) return explain(res, d.status, d.notes.join('; ') || 'no route');
  const b = choose(d.backends);
  if (!b) return explain(res, 503, 'no usable backend');
  const up =
    opts.upstreams.get(`${b.namespace}/${b.name}:${b.port}`) ??
    opts.upstreams.get(`${b.namespace}/${b.name}`);
  if (!up)
    return explain(
      res,
      503,
      `Service ${b.namespace}/${b.name}:${b.port} is not mapped to an upstream; pass --upstream ${b.namespace}/${b.name}=http://127.0.0.1:PORT`,
    );
  out.host = d.rewrittenHost ?? authority;
  out['x-forwarded-host'] = authority;
  out['x-forwarded-proto'] = opts.scheme;
  modify(out, d.requestHeaders);
  const base = up.pathname === '/' ? '' : up.pathname.replace(/\/$/, '');
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > limits.maxBodyBytes)
    return explain(res, 413, `request body over ${limits.maxBodyBytes} bytes`);
  const hasBody = req.stream
    ? !req.stream.endAfterHeaders
    : length > 0 || req.headers['transfer-encoding'] !== undefined;
  const fwd = {
    origin: up.origin,
    method,
    path: base + (d.rewrittenPath ?? t.path) + t.search,
    headers: out,
    body: hasBody ? limited(req, limits.maxBodyBytes) : undefined,
    responseHeaders: d.responseHeaders,
  };
  forward(opts.pools, fwd, res, (e) => {
    if (e instanceof BodyTooLarge) explain(res, 413, e.message);
    else explain(res, 502, `upstream ${up.origin} for ${b.namespace}/${b.name}: ${e.message}`);
    req.destroy();
  });
}
