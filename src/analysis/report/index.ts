/**
 * The main job's content: the cluster as built, the zero-trust posture per namespace, every declared flow traced,
 * the doctor's findings and the connectivity graph of the flows — as data, for the text, Markdown and HTML renderers.
 */
import type { ClusterModel } from '../../model/types.ts';
import type { Diagnostic } from '../../model/diagnostic.ts';
import { enforcementUnknown, type PolicyEngine } from '../policy/index.ts';
import type { Finding } from '../doctor/index.ts';
import { reachPosture } from './_posture.ts';
import { namespacePostures, shownNamespaces } from './_namespace-posture.ts';

export {
  describeOpenRules,
  describePolicies,
  describePolicyTotals,
  describeReach,
  namespaceReach,
  postureCell,
  reachPosture,
  unknownPostureNote,
  type NamespaceReach,
  type NamespaceReachOptions,
} from './_posture.ts';
export { namespacePostures, shownNamespaces } from './_namespace-posture.ts';
export { describeFlowTotals } from './_flow-totals.ts';
import type { FlowTrace } from '../trace/index.ts';
import { flowGraph } from './_graph.ts';
import { unmodeledObjects } from '../unmodeled/index.ts';
import type { ReportData } from './types.ts';

export type {
  DirectionPosture,
  GraphEdge,
  GraphNode,
  NamespacePosture,
  OpenRule,
  ReportData,
} from './types.ts';

export interface ReportInput {
  readonly title: string;
  readonly model: ClusterModel;
  readonly diagnostics: readonly Diagnostic[];
  readonly engine: PolicyEngine;
  readonly flows: readonly FlowTrace[];
  readonly findings: readonly Finding[];
}

export function buildReport(input: ReportInput): ReportData {
  const { model, engine } = input;
  const shown = shownNamespaces(model);
  const posture = namespacePostures(model, engine, shown, reachPosture(model, engine, shown));
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
      ...(model.ciliumPolicies?.length ? { ciliumPolicies: model.ciliumPolicies.length } : {}),
      // A CNI nobody named (no profile, no agent in the input) is an assumption, and the answers rest on it.
      cni: `${model.profile.cni.name}${model.profile.origins?.cni?.from === 'default' ? ' (assumed: no profile or CNI agent in the input names one)' : ''}`,
      enforces: enforcementUnknown(model) ? 'unknown' : model.profile.cni.enforcesNetworkPolicy,
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
