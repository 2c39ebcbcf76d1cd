/**
 * The main job's content: the cluster as built, the zero-trust posture per namespace, every declared flow traced,
 * the doctor's findings and the connectivity graph of the flows — as data, for the text, Markdown and HTML renderers.
 */
import type { ClusterModel, Pod } from '../../model/types.ts';
import type { Diagnostic } from '../../model/diagnostic.ts';
import type { PolicyEngine } from '../policy/index.ts';
import type { Finding } from '../doctor/index.ts';
import { isDefaultDeny } from '../doctor/index.ts';
import { reachPosture } from './_posture.ts';

export { describeOpenRules, describeReach } from './_posture.ts';
import type { FlowTrace } from '../trace/index.ts';
import { flowGraph } from './_graph.ts';
import { unmodeledObjects } from '../unmodeled/index.ts';
import type { NamespacePosture, ReportData } from './types.ts';

export type {
  DirectionPosture,
  GraphEdge,
  GraphNode,
  NamespacePosture,
  OpenRule,
  ReportData,
} from './types.ts';

const system = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

export interface ReportInput {
  readonly title: string;
  readonly model: ClusterModel;
  readonly diagnostics: readonly Diagnostic[];
  readonly engine: PolicyEngine;
  readonly flows: readonly FlowTrace[];
  readonly findings: readonly Finding[];
}

/** Items by namespace, in their order: one pass instead of a filter per namespace. */
function byNamespace<T extends { readonly namespace: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of items) (out.get(x.namespace) ?? out.set(x.namespace, []).get(x.namespace)!).push(x);
  return out;
}

export function buildReport(input: ReportInput): ReportData {
  const { model, engine } = input;
  const podsIn = byNamespace(model.pods);
  const policiesIn = byNamespace(model.networkPolicies);
  const workloadsIn = byNamespace(model.workloads);
  const servicesIn = byNamespace(model.services);
  const shown = model.namespaces.filter(
    (n) => !system.has(n.name) && (podsIn.has(n.name) || policiesIn.has(n.name)),
  );
  const reach = reachPosture(
    model,
    engine,
    shown.map((n) => n.name),
  );
  const narrow = (d: { reach: string; openRules: readonly unknown[] }) =>
    (d.reach === 'peers' || d.reach === 'none') && !d.openRules.length;
  const wide = (d: { reach: string }) => d.reach === 'internet' || d.reach === 'cluster';
  // What isolates a pod is its class's (NetworkPolicies and Cilium policies select classes): asked once per class.
  const isolation = new Map<string, boolean>();
  const isolated = (p: Pod, direction: 'Ingress' | 'Egress') => {
    const c = engine.classOf(p);
    if (!c) return engine.isolatedBy(p, direction).length > 0;
    const k = `${direction} ${c.id}`;
    let v = isolation.get(k);
    if (v === undefined) isolation.set(k, (v = engine.isolatedBy(p, direction).length > 0));
    return v;
  };
  const posture: NamespacePosture[] = shown.map((n) => {
    const pods = podsIn.get(n.name) ?? [];
    const policies = policiesIn.get(n.name) ?? [];
    const ingressIsolated = pods.filter((p) => isolated(p, 'Ingress')).length;
    const egressIsolated = pods.filter((p) => isolated(p, 'Egress')).length;
    const defaultDenyIngress = policies.some((p) => isDefaultDeny(p, 'Ingress'));
    const defaultDenyEgress = policies.some((p) => isDefaultDeny(p, 'Egress'));
    const { ingress, egress } = reach.get(n.name)!;
    return {
      namespace: n.name,
      pods: pods.length,
      readyPods: pods.filter((p) => p.ready).length,
      workloads: workloadsIn.get(n.name)?.length ?? 0,
      services: servicesIn.get(n.name)?.length ?? 0,
      policies: policies.length,
      ingressIsolated,
      egressIsolated,
      defaultDenyIngress,
      defaultDenyEgress,
      ingress,
      egress,
      // By what is reachable: a default deny undone by an allow-everything rule is not zero trust.
      posture: !pods.length
        ? 'open'
        : narrow(ingress) && narrow(egress)
          ? 'zero-trust'
          : wide(ingress) && wide(egress)
            ? 'open'
            : 'partial',
    };
  });
  const count = (s: string) => input.diagnostics.filter((d) => d.severity === s).length;
  // EndpointSlices by Service (`ns/name`, in model order): one pass instead of a filter per Service.
  const slicesOf = new Map<string, (typeof model.endpointSlices)[number][]>();
  for (const e of model.endpointSlices) {
    const k = `${e.namespace}/${e.serviceName}`;
    (slicesOf.get(k) ?? slicesOf.set(k, []).get(k)!).push(e);
  }
  return {
    title: input.title,
    cluster: {
      namespaces: model.namespaces.length,
      nodes: model.nodes.length,
      workloads: model.workloads.length,
      pods: model.pods.length,
      readyPods: model.pods.filter((p) => p.ready).length,
      services: model.services.length,
      networkPolicies: model.networkPolicies.length,
      // A CNI nobody named (no profile, no agent in the input) is an assumption, and the answers rest on it.
      cni: `${model.profile.cni.name}${model.profile.origins?.cni?.from === 'default' ? ' (assumed: no profile or CNI agent in the input names one)' : ''}`,
      enforces: model.profile.cni.enforcesNetworkPolicy,
      podCIDR: model.profile.podCIDR,
      serviceCIDR: model.profile.serviceCIDR,
      clusterDomain: model.profile.clusterDomain,
    },
    posture,
    flows: input.flows,
    findings: input.findings,
    graph: flowGraph(model, input.flows),
    services: model.services.map((s) => {
      const eps = (slicesOf.get(`${s.namespace}/${s.name}`) ?? []).flatMap((e) => e.endpoints);
      return {
        name: `${s.namespace}/${s.name}`,
        type: s.type,
        clusterIP: s.headless ? 'None' : s.clusterIPs.join(',') || '<none>',
        ports: s.ports.map((p) => `${p.port}/${p.protocol}`).join(',') || '<none>',
        ready: `${eps.filter((e) => e.conditions.ready).length}/${eps.length}`,
      };
    }),
    inputProblems: { errors: count('error'), warnings: count('warning'), notes: count('info') },
    notModeled: unmodeledObjects(model).map((o) => ({
      key: o.key,
      kind: o.kind,
      group: o.group,
      name: o.name,
      ...(o.namespace ? { namespace: o.namespace } : {}),
      ...(o.source ? { source: `${o.source.file}:${o.source.line}` } : {}),
      affects: o.affects,
      applies: o.scope === 'cluster' ? 'cluster' : (o.namespace ?? 'cluster'),
      note: o.note,
    })),
  };
}
