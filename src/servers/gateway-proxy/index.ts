/**
 * `serve gateway`: a real HTTP/1.1 and HTTP/2 (TLS, ALPN) gateway that routes with the modeled Ingress or
 * Gateway routing and proxies to upstream URLs the user maps Services to. Binds loopback by default.
 */
import { createServer, type Server } from 'node:http';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import { createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { Router } from '../../analysis/route/index.ts';
import type { RoutingModel } from '../../model/routing.ts';
import { handle, limits, type Req, type Res } from './_proxy.ts';
import { UpstreamPools } from './_upstream.ts';
import { asksClientCertificate, refusesClient, trustAnchorsFor } from './_client-cert.ts';
import { limitResets, whenSettled } from './_rapid-reset.ts';

export { limits } from './_proxy.ts';

export interface GatewayServerOptions {
  readonly router: Router;
  readonly routing: RoutingModel;
  readonly upstreams: ReadonlyMap<string, URL>;
  /** `host:port` for plain HTTP; undefined: none. */
  readonly listen?: { host: string; port: number };
  readonly tlsListen?: { host: string; port: number };
  /** Model ports requests are routed as (defaults 80 and 443). */
  readonly httpPort?: number;
  readonly httpsPort?: number;
  /** Certificate and key served when no Secret of the manifests covers the SNI name. */
  readonly fallbackCert?: { cert: string; key: string };
  /** Client timeouts and HTTP/2 limits; defaults in `defaultProtection`. */
  readonly protection?: Partial<GatewayProtection>;
  /** Where warnings go (listening beyond loopback); default standard error. */
  readonly warn?: (message: string) => void;
}

export interface GatewayProtection {
  /** From connection (or the previous request) to the end of the request headers: slowloris is closed by it. */
  readonly headersMs: number;
  /** From connection to the end of the whole request, body included. */
  readonly requestMs: number;
  /** An idle connection or HTTP/2 session is closed after this. */
  readonly idleMs: number;
  /** HTTP/2 streams open at once per connection (SETTINGS_MAX_CONCURRENT_STREAMS). */
  readonly maxConcurrentStreams: number;
  /** HTTP/2 streams reset per connection per second before the connection gets GOAWAY (rapid reset). */
  readonly maxResetsPerSecond: number;
  /** How much longer a new request of a session that reset a stream in the last second is held before forwarding. */
  readonly resetGraceMs: number;
}

/**
 * nginx closes a client that has not sent its headers in 60 s (client_header_timeout) and allows 128 concurrent
 * streams; the rapid-reset bound follows the CVE-2023-44487 mitigations (a session resetting streams faster than
 * it could use them is told GOAWAY ENHANCE_YOUR_CALM). https://www.cve.org/CVERecord?id=CVE-2023-44487
 */
export const defaultProtection: GatewayProtection = {
  headersMs: 60_000,
  requestMs: 120_000,
  idleMs: 60_000,
  maxConcurrentStreams: 100,
  maxResetsPerSecond: 100,
  resetGraceMs: 25,
};

export interface RunningGateway {
  readonly http?: AddressInfo;
  readonly https?: AddressInfo;
  /** Routes every later request with a new router and routing (`--watch`); requests in flight keep the old one. */
  update(router: Router, routing: RoutingModel): void;
  close(): Promise<void>;
}

/** Starts the listeners; resolves once they are bound. */
export async function startGateway(o: GatewayServerOptions): Promise<RunningGateway> {
  const servers: (Server | Http2SecureServer)[] = [];
  const p = { ...defaultProtection, ...o.protection };
  const warn =
    o.warn ?? ((m: string) => void process.stderr.write(`kubetwin serve gateway: warning: ${m}\n`));
  for (const at of [o.listen, o.tlsListen]) {
    const w = at && listenWarning(at);
    if (w) warn(w);
  }
  const pools = new UpstreamPools(limits.upstreamTimeoutMs);
  let http: AddressInfo | undefined;
  let https: AddressInfo | undefined;
  let routing = o.routing;
  const routed: { router: Router }[] = [];
  const contexts = new Map<string, SecureContext | null>();
  let tlsServer: { requestCert: boolean } | undefined;
  if (o.listen) {
    const ho = {
      router: o.router,
      upstreams: o.upstreams,
      modelPort: o.httpPort ?? 80,
      scheme: 'http' as const,
      pools,
    };
    routed.push(ho);
    const s = createServer(
      {
        maxHeaderSize: limits.maxHeaderBytes,
        headersTimeout: p.headersMs,
        requestTimeout: p.requestMs,
        keepAliveTimeout: Math.min(5_000, p.idleMs),
        // Node checks the two timeouts on this interval (30 s by default, which let slowloris live 90 s).
        connectionsCheckingInterval: Math.max(50, Math.min(1_000, p.headersMs / 4)),
      },
      (req, res) => handle(ho, req as unknown as Req, res as unknown as Res),
    );
    // Registered, node no longer sends `100 Continue` by itself: handle() sends it only for a request it forwards.
    s.on('checkContinue', (req, res) => handle(ho, req as unknown as Req, res as unknown as Res));
    s.setTimeout(p.idleMs, (socket) => socket.destroy());
    servers.push(s);
    http = await bind(s, o.listen);
  }
  if (o.tlsListen) {
    const contextFor = (name: string): SecureContext | null => {
      if (contexts.has(name)) return contexts.get(name)!;
      const ref = ho.router.secretFor(name);
      const secret =
        ref && routing.tlsSecrets.find((s) => s.namespace === ref.namespace && s.name === ref.name);
      // The listener's client-certificate trust anchors (GEP-91): OpenSSL verifies against this context's CAs.
      const ca = trustAnchorsFor(ho.router, ho.modelPort, name);
      let ctx: SecureContext | null = null;
      try {
        if (secret?.certPem && secret.keyPem)
          ctx = createSecureContext({ cert: secret.certPem, key: secret.keyPem, ...ca });
      } catch {
        ctx = null;
      }
      if (!ctx && o.fallbackCert) ctx = createSecureContext({ ...o.fallbackCert, ...ca });
      contexts.set(name, ctx);
      return ctx;
    };
    const ho = {
      router: o.router,
      upstreams: o.upstreams,
      modelPort: o.httpsPort ?? 443,
      scheme: 'https' as const,
      pools,
    };
    routed.push(ho);
    const s = createSecureServer(
      {
        allowHTTP1: true,
        maxSessionMemory: 10,
        settings: { maxHeaderListSize: limits.maxHeaderBytes, maxConcurrentStreams: p.maxConcurrentStreams },
        handshakeTimeout: p.headersMs,
        ...(o.fallbackCert ?? {}),
        SNICallback: (name, cb) => cb(null, contextFor(name.toLowerCase()) ?? undefined),
        // Server-wide in Node (not per SNI): once any listener validates client certificates, every client is asked;
        // the verdict is applied per listener below, so no handshake is failed by OpenSSL itself.
        requestCert: asksClientCertificate(o.router, o.routing),
        rejectUnauthorized: false,
      },
      // HTTP/2 requests are handled once settled (_rapid-reset.ts): a RST_STREAM right behind the HEADERS has then
      // closed the stream, so nothing of a cancelled request is routed or forwarded.
      (req, res) =>
        req.httpVersionMajor === 2
          ? whenSettled(req.stream, p.resetGraceMs, () =>
              handle(ho, req as unknown as Req, res as unknown as Res),
            )
          : handle(ho, req as unknown as Req, res as unknown as Res),
    );
    s.on('checkContinue', (req, res) => handle(ho, req as unknown as Req, res as unknown as Res));
    s.on('session', (session) => limitResets(session, p.maxResetsPerSecond));
    // AllowValidOnly without a valid certificate: the connection is closed before any HTTP byte, as a gateway that
    // fails the handshake does (first listener, before the HTTP/2 session or HTTP/1 parser is set up).
    s.prependListener('secureConnection', (socket: TLSSocket) => {
      const sni = socket.servername;
      if (sni && refusesClient(ho.router, ho.modelPort, sni, socket.authorized)) socket.destroy();
    });
    s.setTimeout(p.idleMs);
    servers.push(s);
    tlsServer = s as unknown as { requestCert: boolean };
    https = await bind(s, o.tlsListen);
  }
  return {
    http,
    https,
    update(router, next) {
      routing = next;
      for (const ho of routed) ho.router = router;
      // tls.Server reads `requestCert` for each new connection.
      if (tlsServer) tlsServer.requestCert = asksClientCertificate(router, next);
      contexts.clear();
    },
    close: () =>
      Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => pools.close()),
  };
}

/** The warning for a listen address beyond loopback, or undefined on loopback. */
export function listenWarning(at: { host: string; port: number }): string | undefined {
  if (isLoopback(at.host)) return undefined;
  return `listening on ${at.host}:${at.port}, beyond loopback: anyone who can reach this address can send requests through the gateway to the mapped upstreams`;
}

const isLoopback = (host: string) =>
  host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::ffff:127.0.0.1';

function bind(s: Server | Http2SecureServer, at: { host: string; port: number }): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.listen(at.port, at.host, () => resolve(s.address() as AddressInfo));
  });
}
export { pickBackend, startL4Listener, type L4ListenOptions } from './_l4.ts';
