/**
 * How an Istio VirtualService binds to the servers of an Istio Gateway, shared by the builder's checks and the
 * ingress-gateway router. https://istio.io/latest/docs/reference/config/networking/gateway/#Server (hosts)
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService (gateways, exportTo)
 */
import type { IstioGateway, IstioGatewayServer, VirtualService } from '../../model/mesh.ts';

/**
 * A VirtualService's `gateways` entry as `namespace/name`: `<ns>/<name>` as written, a short name in the
 * VirtualService's namespace; undefined for the reserved `mesh` (the sidecars).
 */
export function gatewayRefOf(entry: string, vsNamespace: string): string | undefined {
  if (entry === 'mesh') return undefined;
  return entry.includes('/') ? entry : `${vsNamespace}/${entry}`;
}

/**
 * A server host split into the namespaces whose VirtualServices may bind to it and the DNS name:
 * `ns/host` (that namespace), `./host` (the Gateway's), `*\/host` or `host` (any; undefined).
 */
export function splitServerHost(
  host: string,
  gatewayNamespace: string,
): { readonly namespace?: string; readonly host: string } {
  const slash = host.indexOf('/');
  if (slash < 0) return { host };
  const ns = host.slice(0, slash);
  const name = host.slice(slash + 1);
  if (ns === '*') return { host: name };
  return { namespace: ns === '.' ? gatewayNamespace : ns, host: name };
}

/** Does the (possibly wildcard) name `pattern` cover `name`? `*` covers everything; `*.a.b` covers `x.a.b`, `*.x.a.b`. */
function covers(pattern: string, name: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(1);
    return name.endsWith(suffix) || (name.startsWith('*.') && name.slice(1).endsWith(suffix));
  }
  return pattern === name;
}

/**
 * The hosts two host names have in common, the narrower of the two (Istio matches a VirtualService host
 * against a server host both ways: `*` with `bookinfo.com` gives `bookinfo.com`); undefined when disjoint.
 */
export function intersectHosts(a: string, b: string): string | undefined {
  if (covers(a, b)) return b;
  if (covers(b, a)) return a;
  return undefined;
}

/** Is an object of `ownNs` with `exportTo` visible in `otherNs`? Empty or `*`: everywhere; `.`: its own namespace. */
export function exportedTo(exportTo: readonly string[], ownNs: string, otherNs: string): boolean {
  if (!exportTo.length || exportTo.includes('*')) return true;
  return exportTo.some((x) => (x === '.' ? ownNs : x) === otherNs);
}

/** A VirtualService host as Istio reads it: a short name is a Service of the VirtualService's namespace. */
export const vsHostFqdn = (host: string, ns: string, domain: string) =>
  host.includes('.') || host.startsWith('*') ? host : `${host}.${ns}.svc.${domain}`;

/**
 * The hosts of one server a VirtualService serves there: the VirtualService names the Gateway in `gateways`,
 * is exported to the Gateway's namespace, sits in a namespace the server host allows, and has hosts that
 * intersect the server's. Empty: not bound to this server.
 */
export function boundHosts(
  vs: VirtualService,
  gw: IstioGateway,
  server: IstioGatewayServer,
  domain: string,
): string[] {
  if (!vs.gateways.some((g) => gatewayRefOf(g, vs.namespace) === `${gw.namespace}/${gw.name}`)) return [];
  if (!exportedTo(vs.exportTo, vs.namespace, gw.namespace)) return [];
  const out = new Set<string>();
  for (const sh of server.hosts) {
    const { namespace, host } = splitServerHost(sh, gw.namespace);
    if (namespace !== undefined && namespace !== vs.namespace) continue;
    for (const h of vs.hosts) {
      const both = intersectHosts(vsHostFqdn(h, vs.namespace, domain), host);
      if (both) out.add(both);
    }
  }
  return [...out].sort();
}
