import type { DecisionBackend } from '../../model/routing.ts';
import type { ClusterModel, Service } from '../../model/types.ts';

/** Resolves an Ingress Service backend: the Service must exist and have the port (by number or name). */
export function resolveServiceBackend(
  services: ReadonlyMap<string, Service>,
  namespace: string,
  name: string,
  port: number | string,
): DecisionBackend {
  const svc = services.get(`${namespace}/${name}`);
  if (!svc)
    return {
      namespace,
      name,
      weight: 1,
      problem: `Service ${namespace}/${name} not found: the controller answers 503`,
    };
  const p = svc.ports.find((x) => (typeof port === 'number' ? x.port === port : x.name === port));
  if (!p)
    return {
      namespace,
      name,
      weight: 1,
      problem: `Service ${namespace}/${name} has no port ${port}: the controller answers 503`,
    };
  return { namespace, name, port: p.port, weight: 1 };
}

/** Ready endpoint `ip:port`s behind a Service port, from its EndpointSlices (ExternalName: the name). */
export function endpointsOf(model: ClusterModel, b: DecisionBackend): string[] {
  const svc = model.services.find((s) => s.namespace === b.namespace && s.name === b.name);
  if (!svc || b.port === undefined) return [];
  if (svc.type === 'ExternalName') return svc.externalName ? [`${svc.externalName}:${b.port}`] : [];
  const sp = svc.ports.find((p) => p.port === b.port);
  const out: string[] = [];
  for (const s of model.endpointSlices) {
    if (s.namespace !== b.namespace || s.serviceName !== b.name) continue;
    const ep = s.ports.find(
      (p) => (p.name ?? '') === (sp?.name ?? '') && p.protocol === (sp?.protocol ?? 'TCP'),
    );
    if (!ep?.port) continue;
    for (const e of s.endpoints)
      if (e.conditions.ready)
        for (const a of e.addresses) out.push(`${a.includes(':') ? `[${a}]` : a}:${ep.port}`);
  }
  return [...new Set(out)].sort();
}
