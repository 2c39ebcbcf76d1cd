/**
 * What the selection panel shows for one node: the workload's pods and their addresses (endpoints), the Services
 * that select them with their DNS names, the policies that isolate them each way, and the findings that name the
 * workload, its pods, its Services or those policies.
 */
import type { AnalysedCluster } from '../pipeline/index.ts';
import { formatSource } from '../model/diagnostic.ts';

export function selectionOf(a: AnalysedCluster, id: string) {
  const m = a.model;
  const slash = id.indexOf('/');
  const [ns, name] = [id.slice(0, slash), id.slice(slash + 1)];
  const w = m.workloads.find((x) => x.namespace === ns && x.name === name);
  const podKeys = new Set<string>(w ? w.podKeys : []);
  const pods = m.pods.filter((p) => podKeys.has(p.key) || (!w && p.namespace === ns && p.name === name));
  if (!w && !pods.length) return undefined;
  const services = m.services.filter(
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
    kind: w?.kind ?? 'Pod',
    namespace: ns,
    name,
    source: w?.source ? formatSource(w.source, false) : undefined,
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
