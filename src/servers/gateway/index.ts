/**
 * `serve gateway`: a real HTTP/1.1 and HTTP/2 (TLS, ALPN) gateway that routes with the modeled Ingress or
 * Gateway routing and proxies to upstream URLs the user maps Services to. Binds loopback by default.
 */
import { createServer, type Server } from 'node:http';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { Router } from '../../analysis/route/index.ts';
import type { RoutingModel } from '../../model/routing.ts';
import { handle, limits, type Req, type Res } from './_proxy.ts';
import { UpstreamPools } from './_upstream.ts';

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
}

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
  const pools = new UpstreamPools(limits.upstreamTimeoutMs);
  let http: AddressInfo | undefined;
  let https: AddressInfo | undefined;
  let routing = o.routing;
  const routed: { router: Router }[] = [];
  const contexts = new Map<string, SecureContext | null>();
  if (o.listen) {
    const ho = {
      router: o.router,
      upstreams: o.upstreams,
      modelPort: o.httpPort ?? 80,
      scheme: 'http' as const,
      pools,
    };
    routed.push(ho);
    const s = createServer({ maxHeaderSize: limits.maxHeaderBytes }, (req, res) =>
      handle(ho, req as unknown as Req, res as unknown as Res),
    );
    servers.push(s);
    http = await bind(s, o.listen);
  }
  if (o.tlsListen) {
    const contextFor = (name: string): SecureContext | null => {
      if (contexts.has(name)) return contexts.get(name)!;
      const ref = ho.router.secretFor(name);
      const secret =
        ref && routing.tlsSecrets.find((s) => s.namespace === ref.namespace && s.name === ref.name);
      let ctx: SecureContext | null = null;
      try {
        if (secret?.certPem && secret.keyPem)
          ctx = createSecureContext({ cert: secret.certPem, key: secret.keyPem });
      } catch {
        ctx = null;
      }
      if (!ctx && o.fallbackCert) ctx = createSecureContext(o.fallbackCert);
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
        settings: { maxHeaderListSize: limits.maxHeaderBytes },
        ...(o.fallbackCert ?? {}),
        SNICallback: (name, cb) => cb(null, contextFor(name.toLowerCase()) ?? undefined),
      },
      (req, res) => handle(ho, req as unknown as Req, res as unknown as Res),
    );
    servers.push(s);
    https = await bind(s, o.tlsListen);
  }
  return {
    http,
    https,
    update(router, next) {
      routing = next;
      for (const ho of routed) ho.router = router;
      contexts.clear();
    },
    close: () =>
      Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => pools.close()),
  };
}

function bind(s: Server | Http2SecureServer, at: { host: string; port: number }): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.listen(at.port, at.host, () => resolve(s.address() as AddressInfo));
  });
}
