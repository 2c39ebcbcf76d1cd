/**
 * The objects traffic passes through on its way to the workloads, as their own nodes of the UI's graph:
 * Services (in their namespace's island, an edge to each workload whose pods are their endpoints), ingress
 * controllers (one node per IngressClass the Ingresses use, in the `(ingress)` island, an edge to each backend
 * Service) and Gateways (in their namespace, an edge to each Service their routes send to), and the internet
 * in front of those entry points. These edges are `routes` edges: they say where a hop forwards, not a verdict
 * (flows and allowed connectivity carry the verdicts).
 */
import type { ClusterModel, Service } from '../model/types.ts';
import type { BackendRef, ParentRef } from '../model/routing.ts';
import type { LayoutEdge, LayoutNode } from '../render/graph-layout/index.ts';

export const ingressGroup = '(ingress)';
export const serviceNode = (ns: string, name: string) => `service:${ns}/${name}`;

export function objectGraph(model: ClusterModel): { nodes: LayoutNode[]; edges: LayoutEdge[] } {
  const nodes = new Map<string, LayoutNode>();
  const edges = new Map<string, LayoutEdge>();
  const edge = (from: string, to: string, ports: readonly (number | string | undefined)[]) => {
    const key = `${from}\u0000${to}`;
    const prev = edges.get(key)?.label.split(', ').filter(Boolean) ?? [];
    const all = [...new Set([...prev, ...ports.filter((p) => p !== undefined).map(String)])].sort(
      (a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0),
    );
    edges.set(key, { from, to, label: all.join(', '), verdict: 'routes' });
  };
  const workloadOf = new Map<string, string>();
  for (const w of model.workloads) for (const k of w.podKeys) workloadOf.set(k, `${w.namespace}/${w.name}`);
  const podByKey = new Map(model.pods.map((p) => [p.key, p]));
  const services = new Map(model.services.map((s) => [`${s.namespace}/${s.name}`, s]));
  const addService = (s: Service) => {
    const id = serviceNode(s.namespace, s.name);
    nodes.set(id, { id, label: s.name, group: s.namespace, kind: 'service' });
    return id;
  };
  for (const s of model.services) addService(s);
  for (const slice of model.endpointSlices) {
    const s = services.get(`${slice.namespace}/${slice.serviceName}`);
    if (!s) continue;
    for (const e of slice.endpoints) {
      if (!e.targetRef) continue;
      const pod = podByKey.get(e.targetRef);
      const target = workloadOf.get(e.targetRef) ?? (pod ? `${pod.namespace}/${pod.name}` : undefined);
      if (target)
        edge(
          serviceNode(s.namespace, s.name),
          target,
          slice.ports.map((p) => p.port),
        );
    }
  }
  const routing = model.routing;
  const backend = (from: string, ns: string, name: string, port: number | string | undefined) => {
    if (!services.has(`${ns}/${name}`)) return;
    edge(from, serviceNode(ns, name), [port]);
  };
  const internet = () =>
    nodes.set('internet', { id: 'internet', label: 'internet', group: '(outside)', kind: 'outside' });
  if (routing) {
    const defaultClass = routing.ingressClasses.find((c) => c.isDefault)?.name;
    for (const ing of routing.ingresses) {
      const cls = ing.ingressClassName ?? ing.classAnnotation ?? defaultClass ?? '(no class)';
      const id = `ingress-class:${cls}`;
      nodes.set(id, { id, label: cls, group: ingressGroup, kind: 'gateway' });
      internet();
      edge('internet', id, ing.tls.length ? [80, 443] : [80]);
      const backends = [ing.defaultBackend, ...ing.rules.flatMap((r) => r.paths.map((p) => p.backend))];
      for (const b of backends) if (b?.service) backend(id, ing.namespace, b.service.name, b.service.port);
    }
    const gateways = new Map(routing.gateways.map((g) => [`${g.namespace}/${g.name}`, g]));
    for (const g of routing.gateways) {
      const id = `gateway:${g.namespace}/${g.name}`;
      nodes.set(id, { id, label: g.name, group: g.namespace, kind: 'gateway' });
      internet();
      edge(
        'internet',
        id,
        g.listeners.map((l) => l.port),
      );
    }
    const parentsOf = (route: { namespace: string; parentRefs: readonly ParentRef[] }) =>
      route.parentRefs
        .filter((p) => p.kind === 'Gateway' && gateways.has(`${p.namespace ?? route.namespace}/${p.name}`))
        .map((p) => `gateway:${p.namespace ?? route.namespace}/${p.name}`);
    const refs = (list: readonly BackendRef[]) =>
      list.filter((b) => b.kind === 'Service' && (b.group === '' || b.group === 'core'));
    for (const r of [...routing.routes, ...routing.l4Routes])
      for (const parent of parentsOf(r))
        for (const rule of r.rules)
          for (const b of refs(rule.backendRefs)) backend(parent, b.namespace ?? r.namespace, b.name, b.port);
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}
