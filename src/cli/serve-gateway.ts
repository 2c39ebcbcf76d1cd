import { Command, Option } from 'commander';
import { compileRouter, parseVia } from '../analysis/route/index.ts';
import { startGateway, startL4Listener } from '../servers/gateway-proxy/index.ts';
import { makeDevCertificate } from '../sources/dev-cert.ts';
import { watchPaths } from '../servers/dns-server/index.ts';
import { exitCodes, loadCluster, withInputOptions, type InputOptions } from './_common.ts';
import { liveOptionsOf, watchLiveCluster, type LiveState } from './_live.ts';
import { coalesce, onceEach } from './_reload.ts';
import type { Io } from './io.ts';

interface ServeGatewayOptions extends InputOptions {
  via: string;
  listen?: string;
  tlsListen?: string;
  upstream?: string[];
  l4Listen?: string[];
  httpPort: string;
  httpsPort: string;
  watch?: boolean;
}

const loopback = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function hostPort(text: string): { host: string; port: number } | undefined {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(text);
  return m ? { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) } : undefined;
}

/**
 * `kubetwin serve-gateway` (and the `gateway` subcommand of `serve`): routes real HTTP(S) requests with the
 * manifests' Ingress or Gateway routing and proxies them to loopback upstreams mapped per Service.
 */
export function gatewaySubcommand(io: Io, name = 'gateway'): Command {
  const cmd = new Command(name)
    .description(
      'run a real HTTP/1.1 + HTTP/2 gateway applying the modeled routing, proxying to local upstreams',
    )
    .requiredOption('--via <router>', 'ingress-class:NAME or gateway:NAMESPACE/NAME')
    .option('--listen <host:port>', 'plain HTTP address (default 127.0.0.1:8080)')
    .option('--tls-listen <host:port>', 'HTTPS address (e.g. 127.0.0.1:8443)')
    .addOption(
      new Option(
        '--upstream <ns/svc=URL>',
        'map a Service (ns/name or ns/name:port) to a loopback URL (repeatable)',
      ).argParser((v: string, prev: string[] = []) => [...prev, v]),
    )
    .addOption(
      new Option(
        '--l4-listen <tcp|tls:PORT=host:port>',
        "serve a Gateway's TCP listener (TCPRoute) or TLS passthrough listener (TLSRoute by SNI) of model port PORT on a loopback address (repeatable)",
      ).argParser((v: string, prev: string[] = []) => [...prev, v]),
    )
    .option('--http-port <port>', 'model port plain requests are routed as', '80')
    .option('--https-port <port>', 'model port TLS requests are routed as', '443')
    .option(
      '--watch',
      "reroute on the live cluster's watch events (--kubeconfig) and when the -f manifests change",
    );
  withInputOptions(cmd).action(async (opts: ServeGatewayOptions) => {
    const fail = (m: string) => {
      io.stderr(`error: ${m}\n`);
      io.exit(exitCodes.input);
    };
    const via = parseVia(opts.via);
    if (typeof via === 'string') return fail(via);
    const listen = hostPort(opts.listen ?? (opts.tlsListen ? '' : '127.0.0.1:8080'));
    const tlsListen = opts.tlsListen ? hostPort(opts.tlsListen) : undefined;
    if (opts.tlsListen && !tlsListen) return fail(`--tls-listen "${opts.tlsListen}" is not host:port`);
    if (opts.listen && !listen) return fail(`--listen "${opts.listen}" is not host:port`);
    const upstreams = new Map<string, URL>();
    for (const u of opts.upstream ?? []) {
      const i = u.indexOf('=');
      let url: URL | undefined;
      try {
        url = new URL(u.slice(i + 1));
      } catch {
        url = undefined;
      }
      if (i <= 0 || !url || (url.protocol !== 'http:' && url.protocol !== 'tcp:'))
        return fail(`--upstream "${u}" must be NAMESPACE/SERVICE[:PORT]=http://127.0.0.1:PORT (or tcp://)`);
      if (!loopback.has(url.hostname))
        return fail(`--upstream "${u}": upstreams must be loopback addresses (no open proxying)`);
      upstreams.set(u.slice(0, i), url);
    }
    const l4: { protocol: 'tcp' | 'tls'; modelPort: number; at: { host: string; port: number } }[] = [];
    for (const l of opts.l4Listen ?? []) {
      const m = /^(tcp|tls):(\d+)=(.+)$/.exec(l);
      const at = m ? hostPort(m[3]) : undefined;
      if (!m || !at) return fail(`--l4-listen "${l}" must be tcp:PORT=HOST:PORT or tls:PORT=HOST:PORT`);
      if (!loopback.has(at.host))
        return fail(`--l4-listen "${l}": Layer-4 listeners bind loopback addresses only`);
      if (via.kind !== 'gateway') return fail('--l4-listen needs --via gateway:NAMESPACE/NAME');
      l4.push({ protocol: m[1] as 'tcp' | 'tls', modelPort: Number(m[2]), at });
    }
    // --watch on a live cluster: the watch keeps the object set; each batch of events rebuilds the routing.
    const live = opts.watch ? liveOptionsOf(opts) : undefined;
    let state: LiveState | undefined;
    let reload: () => void = () => undefined;
    const mirror = live
      ? await watchLiveCluster(live, (next) => {
          state = next;
          reload();
        })
      : undefined;
    state = mirror?.initial;
    const quiet = onceEach(io);
    const loaded = await loadCluster(opts, quiet, state);
    if (typeof loaded === 'number') {
      mirror?.stop();
      return io.exit(loaded);
    }
    const model = loaded.cluster.model;
    const router = compileRouter(model, { via });
    if (typeof router === 'string') {
      mirror?.stop();
      return fail(router);
    }
    const names = [
      ...(model.routing?.ingresses.flatMap((i) => i.rules.flatMap((r) => (r.host ? [r.host] : []))) ?? []),
      ...(model.routing?.gateways.flatMap((g) =>
        g.listeners.flatMap((l) => (l.hostname ? [l.hostname] : [])),
      ) ?? []),
    ];
    const dev = tlsListen ? makeDevCertificate(names) : undefined;
    if (typeof dev === 'string')
      io.stderr(`warning: ${dev}; only Secrets from the manifests will be served\n`);
    const gw = await startGateway({
      router,
      routing: model.routing!,
      upstreams,
      listen,
      tlsListen,
      httpPort: Number(opts.httpPort),
      httpsPort: Number(opts.httpsPort),
      fallbackCert: typeof dev === 'string' ? undefined : dev,
    });
    let current = router;
    const l4Servers: Awaited<ReturnType<typeof startL4Listener>>[] = [];
    for (const l of l4) {
      const s = await startL4Listener({
        router: () => current,
        upstreams,
        listen: l.at,
        modelPort: l.modelPort,
        protocol: l.protocol,
        log: (line) => io.stderr(`${line}\n`),
      });
      l4Servers.push(s);
      io.stderr(
        `serving ${opts.via} ${l.protocol === 'tls' ? 'TLS passthrough' : 'TCP'} listener port ${l.modelPort} on ${s.address.address}:${s.address.port}\n`,
      );
    }
    if (gw.http) io.stderr(`serving ${opts.via} on http://${gw.http.address}:${gw.http.port}\n`);
    if (gw.https)
      io.stderr(
        `serving ${opts.via} on https://${gw.https.address}:${gw.https.port} (HTTP/1.1 and HTTP/2)\n`,
      );
    reload = coalesce(async () => {
      const next = await loadCluster(opts, quiet, state);
      const nextRouter =
        typeof next === 'number'
          ? 'the inputs could not be read'
          : compileRouter(next.cluster.model, { via });
      if (typeof next === 'number' || typeof nextRouter === 'string')
        io.stderr(`reload failed (${String(nextRouter)}); still routing with the previous model\n`);
      else {
        gw.update(nextRouter, next.cluster.model.routing!);
        current = nextRouter;
        io.stderr('reloaded the routing\n');
      }
    });
    if (state !== mirror?.initial) reload(); // events that came while the gateway started
    const watcher = opts.watch && opts.file?.length ? watchPaths(opts.file, reload) : undefined;
    await new Promise<void>((resolve) => {
      const stop = () => {
        watcher?.close();
        mirror?.stop();
        void Promise.all([gw.close(), ...l4Servers.map((x) => x.close())]).then(() => resolve());
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    io.exit(exitCodes.ok);
  });
  return cmd;
}

/** Top-level `kubetwin serve-gateway` until `serve` exists to host the `gateway` subcommand. */
export const serveGatewayCommand = (io: Io): Command => gatewaySubcommand(io, 'serve-gateway');
