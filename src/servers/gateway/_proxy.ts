import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import type { Router } from '../../analysis/route/index.ts';
import type { DecisionBackend, HeaderModifier, HttpRequest } from '../../model/routing.ts';

/** Limits that keep the gateway sane: header size is enforced by node (`maxHeaderSize`), bodies here. */
export const limits = { maxBodyBytes: 10 * 1024 * 1024, maxHeaderBytes: 16 * 1024, upstreamTimeoutMs: 30_000 } as const;

export interface GatewayHandlerOptions {
  readonly router: Router;
  /** Upstream base URLs by `namespace/service` or `namespace/service:port`; loopback only. */
  readonly upstreams: ReadonlyMap<string, URL>;
  /** The listener port requests are routed as (the model's port, not the local bind port). */
  readonly modelPort: number;
  readonly scheme: 'http' | 'https';
}

/** Minimal request/response shapes shared by node:http and node:http2's compatibility API. */
export interface Req {
  readonly method?: string;
  readonly url?: string;
  readonly headers: IncomingHttpHeaders;
  on(ev: 'data', f: (c: Buffer) => void): unknown;
  on(ev: 'end' | 'error', f: (e?: Error) => void): unknown;
  pipe<T extends NodeJS.WritableStream>(dest: T): T;
  destroy(): void;
}
export interface Res {
  headersSent: boolean;
  writeHead(status: number, headers?: OutgoingHttpHeaders): unknown;
  end(body?: string): unknown;
  setHeader(name: string, value: string | string[]): unknown;
}

const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);

function explain(res: Res, status: number, why: string): void {
  if (res.headersSent) return void res.end();
  const body = `kubetwin gateway: ${status}: ${why}\n`;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-kubetwin-explain': why.replace(/[^\x20-\x7e]/g, '?').slice(0, 500) });
  res.end(body);
}

function modify(h: Record<string, string | string[] | undefined>, m: HeaderModifier | undefined): void {
  if (!m) return;
  for (const x of m.set) h[x.name.toLowerCase()] = x.value;
  for (const x of m.add) {
    const k = x.name.toLowerCase();
    const cur = h[k];
    h[k] = cur === undefined ? x.value : `${Array.isArray(cur) ? cur.join(',') : cur},${x.value}`;
  }
  for (const x of m.remove) delete h[x.toLowerCase()];
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
  if (!target.startsWith('/')) return explain(res, 400, 'absolute-form and authority-form request targets are refused: this is not an open proxy');
  const authority = (req.headers[':authority'] as string | undefined) ?? req.headers.host ?? '';
  const u = new URL(target, 'http://x');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (!k.startsWith(':') && v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  const host = authority.replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  const hr: HttpRequest = { scheme: opts.scheme, host, port: opts.modelPort, path: u.pathname, query: [...u.searchParams.entries()], method: (req.method ?? 'GET').toUpperCase(), headers: { ...headers, host } };
  const d = opts.router.decide(hr);
  if (d.redirect) {
    res.writeHead(d.redirect.status, { location: d.redirect.location, 'content-length': '0' });
    return void res.end();
  }
  if (d.status !== 200) return explain(res, d.status, d.notes.join('; ') || 'no route');
  const b = choose(d.backends);
  if (!b) return explain(res, 503, 'no usable backend');
  const up = opts.upstreams.get(`${b.namespace}/${b.name}:${b.port}`) ?? opts.upstreams.get(`${b.namespace}/${b.name}`);
  if (!up) return explain(res, 503, `Service ${b.namespace}/${b.name}:${b.port} is not mapped to an upstream; pass --upstream ${b.namespace}/${b.name}=http://127.0.0.1:PORT`);
  const out: Record<string, string | string[] | undefined> = {};
  for (const [k, v] of Object.entries(headers)) if (!hopByHop.has(k)) out[k] = v;
  out.host = d.rewrittenHost ?? authority;
  out['x-forwarded-host'] = authority;
  out['x-forwarded-proto'] = opts.scheme;
  modify(out, d.requestHeaders);
  const path = (up.pathname.replace(/\/$/, '') + (d.rewrittenPath ?? u.pathname)) + u.search;
  let size = 0;
  const upstream = httpRequest({ hostname: up.hostname, port: up.port || 80, method: hr.method, path, headers: out as OutgoingHttpHeaders, timeout: limits.upstreamTimeoutMs }, (ur) => {
    const rh: Record<string, string | string[] | undefined> = {};
    for (const [k, v] of Object.entries(ur.headers)) if (!hopByHop.has(k)) rh[k] = v;
    modify(rh, d.responseHeaders);
    res.writeHead(ur.statusCode ?? 502, rh as OutgoingHttpHeaders);
    ur.pipe(res as unknown as NodeJS.WritableStream);
  });
  upstream.on('timeout', () => upstream.destroy(new Error('upstream timeout')));
  upstream.on('error', (e) => explain(res, 502, `upstream ${up.origin} for ${b.namespace}/${b.name}: ${e.message}`));
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > limits.maxBodyBytes) {
      upstream.destroy();
      explain(res, 413, `request body over ${limits.maxBodyBytes} bytes`);
      req.destroy();
    } else upstream.write(c);
  });
  req.on('end', () => upstream.end());
}
