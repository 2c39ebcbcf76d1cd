import { Command, Option } from 'commander';
import {
  compileRouter,
  connectionDelivered,
  meshDelivered,
  parseConnection,
  parseRequest,
  parseVia,
  routeDelivered,
} from '../analysis/route/index.ts';
import type { ControllerProfile, HttpRequest } from '../model/routing.ts';
import { renderRoute, routeJson } from '../render/route.ts';
import { connectionJson, renderConnection } from '../render/route-l4.ts';
import { clientPod, compileMesh, gatewayAuthorizationNote } from '../analysis/mesh/index.ts';
import { meshRouteJson, renderMeshRoute } from '../render/mesh-route.ts';
import { istioGatewayRouteJson, renderIstioGatewayRoute } from '../render/istio-gateway-route.ts';
import { parseTlsSecrets } from '../sources/x509.ts';
import { exitCodes, loadCluster, withInputOptions, type InputOptions, type Loaded } from './_common.ts';
import { onlyRouter } from '../analysis/route/_routers.ts';
import { meshRouteUnknowns } from '../analysis/unmodeled/index.ts';
import type { Io } from './io.ts';

interface RouteOptions extends InputOptions {
  via?: string;
  listenerPort?: string;
  request?: string;
  header?: string[];
  output: 'text' | 'json';
  controller?: ControllerProfile;
  strictPrefix?: boolean;
  at?: string;
  from?: string;
  sni?: string;
  clientCert?: 'valid' | 'none';
  clientIp?: string;
}

/**
 * `kubetwin route -f … --via gateway:ns/NAME | ingress-class:NAME URL [-X M] [-H 'K: V'…]`: where one request goes.
 * Exit 0 when it is delivered to a backend with ready endpoints, 1 when not (redirect, error status, no ready
 * endpoint), 2 for bad input or usage.
 */
export function routeCommand(io: Io): Command {
  const cmd = new Command('route')
    .description(
      'which backend an HTTP(S) request reaches through an Ingress controller or a Gateway, and why',
    )
    .argument(
      '<url>',
      'the request URL, e.g. https://api.example.com/path?q=1; or a connection: tls://SNI[:PORT], tcp://HOST:PORT, udp://HOST:PORT (with --via mesh or istio-gateway: tcp and tls)',
    )
    .option(
      '--via <router>',
      'ingress-class:NAME, gateway:NAMESPACE/NAME, router[:NAME] (OpenShift Routes), istio-gateway[:NAMESPACE/NAME], or mesh (with --from); default: the only Ingress class, Gateway (Gateway API or Istio) or router in the input',
    )
    .option('--from <ref>', 'with --via mesh: the client, NS/NAME of a pod or workload')
    .option('--listener-port <port>', 'port the request arrives on (default: the URL port, 80 or 443)')
    .option(
      '--sni <name>',
      'https/tls: the TLS SNI name the connection was opened with (a Gateway API listener other than the Host selects → 421; Istio PASSTHROUGH servers and tls rules route by it)',
    )
    .addOption(
      new Option(
        '--client-cert <presence>',
        'https: whether the client presents a valid client certificate (default: assumed valid where required)',
      ).choices(['valid', 'none']),
    )
    .option(
      '--client-ip <address>',
      'the client address the gateway sees as its peer (an Envoy Gateway SecurityPolicy authorizes by it; default: unknown)',
    )
    .option('-X, --request <method>', 'HTTP method', 'GET')
    .addOption(
      new Option('-H, --header <header>', "request header 'Name: value' (repeatable)").argParser(
        (v: string, prev: string[] = []) => [...prev, v],
      ),
    )
    .addOption(
      new Option(
        '--controller <profile>',
        'override the controller behaviour profile of an IngressClass',
      ).choices(['spec', 'ingress-nginx', 'traefik', 'alb']),
    )
    .option('--at <time>', 'judge certificate validity at this ISO time (default: now)')
    .option('--strict-prefix', "Traefik's strictPrefixMatching (element-wise Prefix)")
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'),
    );
  withInputOptions(cmd).action(async (url: string, opts: RouteOptions) => {
    if (opts.via === 'mesh') return meshRoute(io, url, opts);
    if (opts.via === 'istio-gateway' || opts.via?.startsWith('istio-gateway:'))
      return istioGatewayRoute(io, url, opts);
    if (opts.via === undefined) return routeWithDefaultVia(io, url, opts);
    return routeThrough(io, url, { ...opts, via: opts.via });
  });
  return cmd;
}

/** `route --via ingress-class:NAME | gateway:NS/NAME | router[:NAME] URL`, over `preloaded` when the caller loaded. */
async function routeThrough(
  io: Io,
  url: string,
  opts: RouteOptions & { via: string },
  preloaded?: Loaded,
): Promise<void> {
  const via = parseVia(opts.via);
  const port = opts.listenerPort === undefined ? undefined : Number(opts.listenerPort);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))
    return fail(io, `--listener-port "${opts.listenerPort}" is not a port number`);
  const conn = parseConnection(url, port, { clientAddress: opts.clientIp });
  if (typeof via === 'string') return fail(io, via);
  if (conn !== undefined) return connectionRoute(io, conn, via, opts, preloaded);
  const req = parseRequest({
    url,
    method: opts.request,
    headers: opts.header,
    listenerPort: port,
    sni: opts.sni,
    clientCertificate: opts.clientCert,
    clientAddress: opts.clientIp,
  });
  if (typeof req === 'string') return fail(io, req);
  if (opts.sni !== undefined && req.scheme !== 'https') return fail(io, '--sni needs an https URL');
  if (opts.at && Number.isNaN(Date.parse(opts.at))) return fail(io, `--at "${opts.at}" is not a date`);
  const loaded = preloaded ?? (await loadCluster(opts, io));
  if (typeof loaded === 'number') return io.exit(loaded);
  const model = loaded.cluster.model;
  const router = compileRouter(model, {
    via,
    controller: opts.controller,
    strictPrefixMatching: opts.strictPrefix,
    certificates: parseTlsSecrets(model.routing),
    now: opts.at ? new Date(opts.at).toISOString() : new Date().toISOString(),
  });
  if (typeof router === 'string') return fail(io, router);
  const result = router.explain(req);
  io.stdout(opts.output === 'json' ? JSON.stringify(routeJson(result), null, 2) + '\n' : renderRoute(result));
  // An answer that objects or fields kubetwin does not model may change (the decision's `unknown`) is not a pass.
  const unknown = !!result.decision.unknown?.length;
  io.exit(loaded.inputExit || (routeDelivered(result) && !unknown ? exitCodes.ok : exitCodes.findings));
}

/** `route URL` without `--via`: the only router in the input (said on the first line), or the list to choose from. */
async function routeWithDefaultVia(io: Io, url: string, opts: RouteOptions): Promise<void> {
  const loaded = await loadCluster(opts, io);
  if (typeof loaded === 'number') return io.exit(loaded);
  const picked = onlyRouter(loaded.cluster.model);
  if ('error' in picked) return fail(io, picked.error);
  if (opts.output !== 'json') io.stdout(`via ${picked.via} (the only router in the input)\n`);
  if (picked.via.startsWith('istio-gateway:'))
    return istioGatewayRoute(io, url, { ...opts, via: picked.via }, loaded);
  return routeThrough(io, url, { ...opts, via: picked.via }, loaded);
}

/** `route --via gateway:NS/NAME tls://SNI:PORT | tcp://HOST:PORT | udp://HOST:PORT`: a Layer-4 connection. */
async function connectionRoute(
  io: Io,
  conn: ReturnType<typeof parseConnection>,
  via: Exclude<ReturnType<typeof parseVia>, string>,
  opts: RouteOptions,
  preloaded?: Loaded,
): Promise<void> {
  if (typeof conn === 'string' || conn === undefined) return fail(io, String(conn));
  const loaded = preloaded ?? (await loadCluster(opts, io));
  if (typeof loaded === 'number') return io.exit(loaded);
  const router = compileRouter(loaded.cluster.model, { via });
  if (typeof router === 'string') return fail(io, router);
  const result = router.connect(conn);
  io.stdout(
    opts.output === 'json'
      ? JSON.stringify(connectionJson(result), null, 2) + '\n'
      : renderConnection(result),
  );
  io.exit(loaded.inputExit || (connectionDelivered(result) ? exitCodes.ok : exitCodes.findings));
}

/** `route --via mesh --from REF URL`: where the client's sidecar sends the request (east-west). */
async function meshRoute(io: Io, url: string, opts: RouteOptions): Promise<void> {
  if (!opts.from)
    return fail(io, '--via mesh needs --from NS/NAME, the pod or workload that sends the request');
  const asked = meshRequest(url, opts);
  if (typeof asked === 'string') return fail(io, asked);
  const req = asked.request;
  const loaded = await loadCluster(opts, io);
  if (typeof loaded === 'number') return io.exit(loaded);
  const model = loaded.cluster.model;
  const client = clientPod(model, opts.from, opts.namespace);
  if (typeof client === 'string') return fail(io, client);
  const routed = compileMesh(model).route(req, client);
  if (typeof routed === 'string') return fail(io, routed);
  const unknown = meshRouteUnknowns(model, [
    client.namespace,
    ...routed.destinations.map((d) => d.namespace),
  ]);
  const decision = routed;
  const result = { ...asked, decision, unknown };
  io.stdout(
    opts.output === 'json' ? JSON.stringify(meshRouteJson(result), null, 2) + '\n' : renderMeshRoute(result),
  );
  // An answer objects kubetwin does not model may change (or whose decision is unknown) is not a pass.
  io.exit(
    loaded.inputExit ||
      (meshDelivered(decision) && !decision.unknown && !unknown.length ? exitCodes.ok : exitCodes.findings),
  );
}

/**
 * `route --via istio-gateway[:NS/NAME] URL`: where the Istio ingress gateway sends a request from outside
 * (the Istio Gateway server, the bound VirtualService, the destinations).
 */
async function istioGatewayRoute(io: Io, url: string, opts: RouteOptions, preloaded?: Loaded): Promise<void> {
  const rest = (opts.via ?? '').slice('istio-gateway'.length + 1);
  const gateway = rest ? (rest.includes('/') ? rest : `default/${rest}`) : undefined;
  const asked = meshRequest(url, opts);
  if (typeof asked === 'string') return fail(io, asked);
  const loaded = preloaded ?? (await loadCluster(opts, io));
  if (typeof loaded === 'number') return io.exit(loaded);
  const routed = compileMesh(loaded.cluster.model).gatewayRoute(asked.request, gateway);
  const authz = gatewayAuthorizationNote(loaded.cluster.model, routed.pods);
  const answer = authz
    ? {
        ...routed,
        notes: [...routed.notes, authz],
        ...(routed.decision
          ? { decision: { ...routed.decision, notes: [...routed.decision.notes, authz] } }
          : {}),
      }
    : routed;
  const result = { ...asked, answer };
  io.stdout(
    opts.output === 'json'
      ? JSON.stringify(istioGatewayRouteJson(result), null, 2) + '\n'
      : renderIstioGatewayRoute(result),
  );
  const ok = !!answer.decision && meshDelivered(answer.decision) && !answer.unknown;
  io.exit(loaded.inputExit || (ok ? exitCodes.ok : exitCodes.findings));
}

/** A mesh request, and whether the user asked for a connection (`tcp://`, `tls://`) rather than HTTP. */
interface MeshAsked {
  readonly request: HttpRequest;
  readonly connection?: 'tcp' | 'tls';
}

/**
 * The request a mesh proxy (sidecar or Istio gateway) sees: an HTTP(S) URL, or a connection `tcp://HOST:PORT`
 * / `tls://HOST[:PORT]` (the host names the destination; for tls it is the SNI unless `--sni` says otherwise),
 * which Istio routes by VirtualService `tcp`/`tls` rules.
 */
function meshRequest(url: string, opts: RouteOptions): MeshAsked | string {
  const m = /^(tcp|tls):\/\/([^/:]+)(?::(\d+))?\/?$/i.exec(url);
  if (!m) {
    if (/^(tcp|tls|udp):/i.test(url)) return `"${url}" must be tcp://HOST:PORT or tls://HOST[:PORT] here`;
    const request = parseRequest({ url, method: opts.request, headers: opts.header, sni: opts.sni });
    return typeof request === 'string' ? request : { request };
  }
  const tls = m[1].toLowerCase() === 'tls';
  const port = m[3] ? Number(m[3]) : tls ? 443 : undefined;
  if (port === undefined || !(port > 0 && port < 65536))
    return `${m[1]}:// needs a port (${m[1]}://HOST:PORT)`;
  const host = m[2].toLowerCase();
  const request: HttpRequest = {
    scheme: tls ? 'https' : 'http',
    host,
    port,
    path: '/',
    query: [],
    method: 'GET',
    headers: { host },
    ...(tls ? { sni: (opts.sni ?? host).toLowerCase() } : {}),
  };
  return { request, connection: tls ? 'tls' : 'tcp' };
}

function fail(io: Io, message: string): void {
  io.stderr(`error: ${message}\n`);
  io.exit(exitCodes.input);
}
