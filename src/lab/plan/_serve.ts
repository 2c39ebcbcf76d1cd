import type { ClusterModel } from '../../model/types.ts';
import type { LabPod, LabPort, LabServicePort } from './types.ts';

/** The cluster DNS Service: the Service whose ClusterIP is the profile's DNS address (kube-dns), if any. */
export function dnsServiceOf(
  model: ClusterModel,
  services: readonly LabServicePort[],
): { service: string; clusterIP: string } | undefined {
  const sp = services.find((s) => s.clusterIP === model.profile.dnsServiceIP && s.port === 53);
  return sp ? { service: sp.service, clusterIP: sp.clusterIP } : undefined;
}

/**
 * Each pod's served ports: the declared TCP and UDP container ports, plus every endpoint port a Service sends to
 * it (a Service's numeric targetPort needs no declared containerPort: a working container listens on it anyway).
 * The cluster DNS Service's port-53 endpoints are answered by kubetwin's DNS server instead of the responder.
 * https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports
 */
export function withServedPorts(
  pods: readonly LabPod[],
  services: readonly LabServicePort[],
  dns: { service: string } | undefined,
): LabPod[] {
  const extra = new Map<string, LabPort[]>();
  const dnsPorts = new Map<string, LabPort[]>();
  for (const sp of services)
    for (const ep of sp.endpoints) {
      const i = ep.lastIndexOf(':');
      const ip = ep.slice(0, i);
      const port: LabPort = { port: Number(ep.slice(i + 1)), protocol: sp.protocol };
      const into = dns && sp.service === dns.service && sp.port === 53 ? dnsPorts : extra;
      (into.get(ip) ?? into.set(ip, []).get(ip)!).push(port);
    }
  const id = (p: LabPort) => `${p.port}/${p.protocol}`;
  return pods.map((p) => {
    const dnsHere = uniq(dnsPorts.get(p.ip) ?? [], id);
    const skip = new Set(dnsHere.map(id));
    const serve = uniq([...p.ports, ...(extra.get(p.ip) ?? [])], id).filter((x) => !skip.has(id(x)));
    return { ...p, serve, dns: dnsHere };
  });
}

function uniq(ports: readonly LabPort[], id: (p: LabPort) => string): LabPort[] {
  const seen = new Set<string>();
  return ports.filter((p) => !seen.has(id(p)) && !!seen.add(id(p)));
}
