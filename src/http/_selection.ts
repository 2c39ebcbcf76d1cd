/**
 * What the selection panel shows for one node: the workload's pods and their addresses (endpoints), the Services
 * that select them with their DNS names, the policies that isolate them each way, and the findings that name the
 * workload, its pods, its Services or those policies. A Service node (`service:ns/name`) shows the pods behind
 * its EndpointSlices, itself with its DNS name, the policies isolating those pods, and the findings naming it.
 */
import type { AnalysedCluster } from '../pipeline/index.ts';
import { formatSource } from '../model/diagnostic.ts';

export function selectionOf(a: AnalysedCluster, id: string) {
  const m = a.model;
  const asService = id.startsWith('service:');
  const ref = asService ? id.slice('service:'.length) : id;
  const slash = ref.indexOf('/');
  const [ns, name] = [ref.slice(0, slash), ref.slice(slash + 1)];
  const service = asService ? m.services.find((s) => s.namespace === ns && s.name === name) : undefined;
  if (asService && !service) return undefined;
  const w = asService ? undefined : m.workloads.find((x) => x.namespace === ns && x.name === name);
  const podKeys = new Set<string>(w ? w.podKeys : []);
  if (service)
    for (const slice of m.endpointSlices)
      if (slice.namespace === ns && slice.serviceName === name)
        for (const e of slice.endpoints) if (e.targetRef) podKeys.add(e.targetRef);
  const pods = m.pods.filter(
    (p) => podKeys.has(p.key) || (!w && !service && p.namespace === ns && p.name === name),
  );
  if (!w && !service && !pods.length) return undefined;
  const services = service
    ? [service]
    : m.services.filter(
        (s) =>
          s.namespace === ns &&
          s.selector &&
          Object.keys(s.selector).length &&
          pods.some((p) => Object.entries(s.selector!).every(([k, v]) => p.labels[k] === v)),
      );
  const domain = m.profile.clusterDomain;
  const policy = (dir: 'Ingress' | 'Egress') => {
    const seen = new Map<string, string>();
    for (const p of pods)
      for (const k of a.context.engine.isolatedBy(p, dir))
        seen.set(k.key, k.source ? formatSource(k.source, false) : '');
    return [...seen].sort().map(([key, source]) => ({ key, source }));
  };
  const ingress = policy('Ingress');
  const egress = policy('Egress');
  const keys = new Set<string>([
    ...(w ? [w.key] : []),
    ...pods.map((p) => p.key),
    ...services.map((s) => s.key),
    ...ingress.map((p) => p.key),
    ...egress.map((p) => p.key),
  ]);
  return {
    id,
    kind: service ? 'Service' : (w?.kind ?? 'Pod'),
    namespace: ns,
    name,
    source: (service ?? w)?.source ? formatSource((service ?? w)!.source!, false) : undefined,
    labels: pods[0]?.labels ?? {},
    endpoints: pods.map((p) => ({ pod: p.name, ip: p.ip ?? '', ready: p.ready, node: p.nodeName ?? '' })),
    services: services.map((s) => ({
      name: s.name,
      type: s.type,
      clusterIP: s.clusterIPs[0] ?? '',
      ports: s.ports.map((p) => `${p.port}/${p.protocol}`),
      dns: `${s.name}.${s.namespace}.svc.${domain}`,
      source: s.source ? formatSource(s.source, false) : undefined,
    })),
    policies: { ingress, egress },
    findings: a.findings.filter((f) => f.objects.some((o) => keys.has(o.key))),
  };
}
