import type { ClusterModel } from '../../model/types.ts';
import type { FlowTrace, Trace } from '../trace/index.ts';
import type { FlowStep } from '../flows/index.ts';
import type { GraphEdge, GraphNode } from './types.ts';

const outside = '(outside)';

/** The workload (`ns/name`) a pod `ns/name` belongs to, or the pod itself. */
function workloadOfPod(model: ClusterModel, podRef: string): string {
  const pod = model.pods.find((p) => `${p.namespace}/${p.name}` === podRef);
  if (!pod) return podRef;
  const w = pod.owner ? model.workloads.find((x) => x.key === pod.owner) : undefined;
  return w ? `${w.namespace}/${w.name}` : podRef;
}

/** The workload behind a Service `ns/name`, through its EndpointSlices, or the Service itself. */
function workloadOfService(model: ClusterModel, namespace: string, name: string): string | undefined {
  const slice = model.endpointSlices.find(
    (e) => e.namespace === namespace && e.serviceName === name && e.endpoints.some((x) => x.targetRef),
  );
  const podKey = slice?.endpoints.find((x) => x.targetRef)?.targetRef;
  return podKey
    ? workloadOfPod(model, podKey.replace(/^Pod\//, ''))
    : model.services.some((s) => s.namespace === namespace && s.name === name)
      ? `${namespace}/${name}`
      : undefined;
}

/** A hop destination (`ns/pod`, `service:ns/name`, an address) as a graph node id. */
function nodeOf(model: ClusterModel, target: string): string {
  if (target.startsWith('service:')) {
    const [ns, name] = target.slice(8).split('/');
    return workloadOfService(model, ns, name) ?? target.slice(8);
  }
  return target.includes('/') ? workloadOfPod(model, target) : target;
}

/** Where a step was meant to go when no hop got as far as choosing destinations. */
function intended(model: ClusterModel, step: FlowStep): string {
  const to = step.to;
  if (to.kind === 'ref') return `${to.namespace}/${to.name}`;
  if (to.kind === 'ip') return to.ip;
  const labels = to.kind === 'service' ? [to.name, to.namespace] : to.host.split('.');
  // <hostname>.<subdomain>.<namespace>: a StatefulSet pod's own name.
  const pod =
    labels.length >= 3 &&
    model.pods.find(
      (p) => p.hostname === labels[0] && p.subdomain === labels[1] && p.namespace === labels[2],
    );
  if (pod) return workloadOfPod(model, `${pod.namespace}/${pod.name}`);
  const [name, ns] = labels;
  // From outside the cluster no search list applies; a name that only one namespace's Service carries is still
  // that Service (drawn in its namespace, not among the outside parties).
  const sameName = model.services.filter((s) => s.name === name);
  const namespace =
    ns && model.namespaces.some((n) => n.name === ns)
      ? ns
      : step.from.kind === 'ref'
        ? step.from.namespace
        : sameName.length === 1
          ? sameName[0].namespace
          : undefined;
  return (
    (namespace && workloadOfService(model, namespace, name)) ||
    (to.kind === 'url' ? to.host : `${to.namespace}/${to.name}`)
  );
}

/**
 * The path of one traced step through the graph: each hop that chose destinations (the ingress controller, the
 * backend) becomes a node; each edge gets that hop's outcome, the last one the trace's.
 */
function chainOf(
  model: ClusterModel,
  step: FlowStep,
  trace: Trace,
): { node: string; port: string; outcome: GraphEdge['outcome'] }[] {
  const hops = trace.hops.filter((h) => h.destinations?.length);
  const chain = hops.map((h) => ({
    node: nodeOf(model, h.destinations![0].target),
    port: String(h.destinations![0].port || ''),
    outcome: (h.verdict === 'fail'
      ? 'failed'
      : h.verdict === 'warn'
        ? 'partial'
        : 'delivered') as GraphEdge['outcome'],
  }));
  const firstPort =
    step.to.kind === 'ref' ? (step.to.port ? String(step.to.port) : 'any') : String(step.to.port);
  if (!chain.length) chain.push({ node: intended(model, step), port: firstPort, outcome: trace.outcome });
  chain[0] = { ...chain[0], port: firstPort };
  chain[chain.length - 1] = { ...chain[chain.length - 1], outcome: trace.outcome };
  // Consecutive hops on the same workload (a route to a Service, then the policy at its pods) are one node,
  // with the outcome of the later hop.
  const merged: typeof chain = [];
  for (const c of chain) {
    const last = merged[merged.length - 1];
    if (last && last.node === c.node) merged[merged.length - 1] = { ...last, outcome: c.outcome };
    else merged.push(c);
  }
  return merged;
}

/**
 * The connectivity graph of the declared flows: one node per workload (grouped by namespace) or outside party,
 * one edge per step, coloured by whether it is delivered.
 */
export function flowGraph(
  model: ClusterModel,
  flows: readonly FlowTrace[],
): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const node = (id: string) => {
    if (!nodes.has(id)) {
      const slash = id.indexOf('/');
      const inCluster = slash > 0 && model.namespaces.some((n) => n.name === id.slice(0, slash));
      nodes.set(id, {
        id,
        label: inCluster ? id.slice(slash + 1) : id,
        group: inCluster ? id.slice(0, slash) : outside,
      });
    }
    return id;
  };
  for (const f of flows)
    for (const { step, trace } of f.steps) {
      let from = node(
        step.from.kind === 'internet'
          ? 'internet'
          : step.from.kind === 'ip'
            ? step.from.ip
            : `${step.from.namespace}/${step.from.name}`,
      );
      for (const c of chainOf(model, step, trace)) {
        const to = node(c.node);
        const key = `${from}\u0000${to}\u0000${c.port}`;
        const prev = edges.get(key);
        edges.set(key, {
          from,
          to,
          label: c.port,
          outcome: prev && prev.outcome !== c.outcome ? 'partial' : c.outcome,
        });
        from = to;
      }
    }
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    nodes: [...nodes.values()].sort(byId),
    edges: [...edges.values()].sort((a, b) => (a.from + a.to + a.label < b.from + b.to + b.label ? -1 : 1)),
  };
}
