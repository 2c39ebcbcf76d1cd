import type { Service } from '../../model/types.ts';

/**
 * A host as Istio reads it in an object of namespace `ns`: a short name (no dots) is that namespace's Service
 * (`reviews` → `reviews.ns.svc.cluster.local`); any other name, or a wildcard, is taken as written.
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService (hosts)
 */
export function resolveMeshHost(host: string, ns: string, clusterDomain: string): string {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h.includes('.') || h.startsWith('*') ? h : `${h}.${ns}.svc.${clusterDomain}`;
}

export const serviceFqdn = (s: Service, clusterDomain: string) =>
  `${s.name}.${s.namespace}.svc.${clusterDomain}`;

/** Does a (possibly wildcard) host name cover a Service's FQDN? `*` covers every name. */
export function hostCovers(host: string, fqdn: string): boolean {
  if (host === '*') return true;
  if (host.startsWith('*.')) return fqdn.endsWith(host.slice(1));
  return host === fqdn;
}

/**
 * The Service a client in namespace `clientNs` reaches by a request host, as its sidecar's outbound virtual
 * hosts list them: `name` (same namespace), `name.ns`, `name.ns.svc`, the FQDN, or a ClusterIP.
 */
export function serviceForHost(
  host: string,
  clientNs: string,
  clusterDomain: string,
  byRef: (ref: string) => Service | undefined,
  byIP: (ip: string) => Service | undefined,
): Service | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (/^[\d.]+$/.test(h) || h.includes(':')) return byIP(h);
  const parts = h.split('.');
  if (parts.length === 1) return byRef(`${clientNs}/${parts[0]}`);
  const suffix = parts.slice(2).join('.');
  if (parts.length === 2 || suffix === 'svc' || suffix === `svc.${clusterDomain}`)
    return byRef(`${parts[1]}/${parts[0]}`);
  return undefined;
}
