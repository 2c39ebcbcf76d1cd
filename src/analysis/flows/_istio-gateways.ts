import type { ClusterModel } from '../../model/types.ts';
import type { IstioGateway, IstioGatewayServer, VirtualService } from '../../model/mesh.ts';
import { matches, selectorFromMap } from '../../lib/labels.ts';
import type { Call } from './_calls.ts';
import { internetAddressOf, plainPath } from './_routes.ts';
import type { Evidence } from './types.ts';

/** Whether a server host (`host`, `ns/host`, `./host`, `*` or `*.suffix` after the namespace) admits `host`. */
function serverAdmits(serverHost: string, vsNamespace: string, gwNamespace: string, host: string): boolean {
  const slash = serverHost.indexOf('/');
  const ns = slash < 0 ? '*' : serverHost.slice(0, slash);
  const h = slash < 0 ? serverHost : serverHost.slice(slash + 1);
  if (ns !== '*' && !(ns === '.' ? vsNamespace === gwNamespace : ns === vsNamespace)) return false;
  return h === '*' || h === host || (h.startsWith('*.') && host.endsWith(h.slice(1)));
}

/** Whether a VirtualService's `gateways` name this Gateway (`name` in its own namespace, or `ns/name`). */
const binds = (vs: VirtualService, g: IstioGateway): boolean =>
  vs.gateways.some((ref) =>
    ref.includes('/') ? ref === `${g.namespace}/${g.name}` : vs.namespace === g.namespace && ref === g.name,
  );

/**
 * Calls from the internet that Istio ingress gateways invite (rule `istio-gateway-routes-are-entry-points`): each
 * HTTP or HTTPS server of an Istio Gateway with a VirtualService bound to it (its `gateways` name the Gateway) and
 * HTTP routes, for each host of the VirtualService the server's hosts admit, becomes `internet → http(s)://host:port/path`
 * (the server's port, the first `uri` prefix or exact value of each route, `/` otherwise), traced through the
 * gateway to the route's destination. A wildcard-only host has no name to call it by: the address of a
 * LoadBalancer Service in front of the gateway's pods stands for it when the input has one, else the route is
 * returned as `skipped`. TLS passthrough servers carry no HTTP and are left out.
 * https://istio.io/latest/docs/reference/config/networking/gateway/#Server,
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService
 */
export function callsFromIstioGateways(model: ClusterModel): { calls: Call[]; skipped: Evidence[] } {
  const calls: Call[] = [];
  const skipped: Evidence[] = [];
  const gateways = model.mesh?.istioGateways ?? [];
  const virtualServices = (model.mesh?.virtualServices ?? []).filter((v) => v.http.length);
  for (const g of gateways) {
    const bound = virtualServices.filter((v) => binds(v, g));
    if (!bound.length) continue;
    const selector = Object.keys(g.selector).length ? selectorFromMap(g.selector) : undefined;
    const gwPods = selector ? model.pods.filter((p) => matches(selector, p.labels)) : [];
    for (const s of g.servers.filter(httpServer)) {
      const https = s.protocol === 'HTTPS';
      const address = addressFor(model, gwPods, s);
      for (const vs of bound) {
        const hosts = vs.hosts.filter((h) =>
          s.hosts.some((sh) => serverAdmits(sh, vs.namespace, g.namespace, h)),
        );
        const named = hosts.filter((h) => !h.startsWith('*'));
        const text = `VirtualService/${vs.namespace}/${vs.name} bound to Gateway/${g.namespace}/${g.name} servers[${s.index}] (${s.protocol} ${s.port})`;
        const targets = named.length ? named : hosts.length && address ? [address] : [];
        if (!targets.length) {
          if (hosts.length)
            skipped.push({
              text: `${text}: no host name to call it by, and no load-balancer address in front of the gateway`,
              source: vs.source,
            });
          continue;
        }
        const paths = [
          ...new Set(
            vs.http.flatMap((r) =>
              r.matches.length
                ? r.matches.map((m) =>
                    plainPath(m.uri?.type === 'exact' || m.uri?.type === 'prefix' ? m.uri.value : undefined),
                  )
                : ['/'],
            ),
          ),
        ];
        for (const host of targets)
          for (const path of paths)
            calls.push({
              from: { kind: 'internet' },
              to: {
                kind: 'url',
                scheme: https ? 'https' : 'http',
                host,
                port: s.port,
                path,
                protocol: 'TCP',
              },
              evidence: [
                {
                  text:
                    host === address
                      ? `${text}: hosts ${hosts.join(', ')}, called at the load balancer's address`
                      : text,
                  source: vs.source,
                },
              ],
              confidence: 'high',
              via: 'route',
            });
      }
    }
  }
  return { calls, skipped };
}

const httpServer = (s: IstioGatewayServer): boolean =>
  ['HTTP', 'HTTP2', 'HTTPS'].includes(s.protocol) && s.tls?.mode !== 'PASSTHROUGH';

/** The internet's address of a LoadBalancer Service in front of the gateway's pods that exposes the server's port. */
function addressFor(
  model: ClusterModel,
  gwPods: readonly ClusterModel['pods'][number][],
  s: IstioGatewayServer,
): string | undefined {
  for (const svc of model.services) {
    if (svc.type !== 'LoadBalancer' || !svc.selector || !svc.ports.some((p) => p.port === s.port)) continue;
    const sel = selectorFromMap(svc.selector);
    if (!gwPods.some((p) => p.namespace === svc.namespace && matches(sel, p.labels))) continue;
    const a = internetAddressOf(svc);
    if (a) return a;
  }
  return undefined;
}
