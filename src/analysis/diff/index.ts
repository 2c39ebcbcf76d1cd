/**
 * `diff`: what a change to the manifests does to the network, across every layer — internet exposure, declared
 * and discovered flows, workload connectivity with ports, HTTP routing, DNS, Services and endpoints, findings and
 * posture — each effect tied to the object changes (kind/namespace/name, field path, file:line on each side) it
 * depends on. Both sides are analysed clusters from the one pipeline (`analyseCluster`); the comparison is pure.
 *
 * @example
 * const d = diffClusters({ analysed: analyseCluster(a), objects: rawA }, { analysed: analyseCluster(b), objects: rawB });
 */
import { Attributor, clusterPolicyKinds } from './_attribute.ts';
import { changedConnections, exposures, verdictOf, type Counts } from './_connectivity.ts';
import { dirtyState, sameInternetCut, type DirtyGroups } from './_dirty.ts';
import { dnsEffects, dnsScope } from './_dns.ts';
import { findingEffects, postureEffects } from './_findings.ts';
import { flowEffects } from './_flows.ts';
import { diffObjects } from './_objects.ts';
import { comparedPostures } from './_posture.ts';
import { routingEffects } from './_routing.ts';
import { serviceEffects } from './_services.ts';
import { sideOf, type DiffInput, type DiffSide } from './_side.ts';
import { layerOrder, type ClusterDiff, type Effect, type EffectLayer, type ObjectChange } from './types.ts';

export type * from './types.ts';
export { layerOrder } from './types.ts';
export type { DiffInput } from './_side.ts';
export { diffObjects, keyOf as keyOfObject } from './_objects.ts';
export { firstDifferingHop } from './_flows.ts';

export interface DiffOptions {
  /** Namespace the inputs' namespaced objects without one were put in (`-n`), to key raw objects alike. */
  readonly defaultNamespace?: string;
  /**
   * Compare everything, with none of the shortcuts that skip what cannot differ (dirty groups, namespaces whose
   * posture cannot move): the reference the property tests hold the shortcuts to. Same answer, slower.
   */
  readonly exhaustive?: boolean;
}

const nsOf = (group: string) => group.slice(0, group.indexOf('/'));
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const severityRank = { high: 0, medium: 1, low: 2 } as const;

/** Compares two analysed clusters: object changes, then every effect sorted by layer, severity and subject. */
export function diffClusters(before: DiffInput, after: DiffInput, options: DiffOptions = {}): ClusterDiff {
  const objects = diffObjects(before.objects, after.objects, options.defaultNamespace);
  const attr = new Attributor(objects);
  const a = sideOf(before.analysed);
  const b = sideOf(after.analysed);
  const extraPolicies = (namespaces: readonly string[]) =>
    objects
      .filter(
        (c) =>
          clusterPolicyKinds.has(c.kind) ||
          (c.kind === 'CiliumNetworkPolicy' && namespaces.includes(c.namespace ?? '')),
      )
      .map((c) => c.key);
  const connectivityDeps = (from: string, to: string) => [
    ...a.isolating(from, 'Egress'),
    ...b.isolating(from, 'Egress'),
    ...a.isolating(to, 'Ingress'),
    ...b.isolating(to, 'Ingress'),
    ...a.keysOf(from),
    ...b.keysOf(from),
    ...a.keysOf(to),
    ...b.keysOf(to),
    `Namespace/${nsOf(from)}`,
    `Namespace/${nsOf(to)}`,
    ...extraPolicies([nsOf(from), nsOf(to)]),
  ];
  const isConnectivity = (c: ObjectChange) => connectivityKindsOf(c);
  const cilium = !!(
    before.analysed.model.ciliumPolicies?.length || after.analysed.model.ciliumPolicies?.length
  );
  // Policy verdicts read none of these kinds (Cilium's toServices aside): when only they changed, no verdict can.
  const policyBlind =
    !options.exhaustive &&
    objects.every(
      (c) => verdictBlindKinds.has(c.kind) && !(cilium && /^(Service|EndpointSlice|Endpoints)$/.test(c.kind)),
    );
  // The groups whose verdicts may differ (undefined: every group, when other tiers or a mesh decide too). Internet
  // exposure is a verdict at the workload's ingress: its groups dirty as destinations.
  // Posture reads more than verdicts (pods, policies): the dirty state is computed even when no verdict can move.
  const state = options.exhaustive ? undefined : dirtyState(a, b);
  const dirty = policyBlind ? undefined : state;
  const exposedDirty = dirty && sameInternetCut(a, b) ? dirty.destinations : undefined;
  const postures = comparedPostures(a, b, state);
  const effects: Effect[] = [
    ...(policyBlind ? [] : exposureEffects(a, b, attr, connectivityDeps, isConnectivity, exposedDirty)),
    ...flowEffects(before.analysed.traces, after.analysed.traces, attr),
    ...(policyBlind ? [] : connectivityEffects(a, b, attr, connectivityDeps, isConnectivity, dirty)),
    ...routingEffects(before.analysed, after.analysed, attr),
    ...dnsEffects(
      before.analysed,
      after.analysed,
      attr,
      options.exhaustive ? undefined : dnsScope(objects, before.analysed, after.analysed),
    ),
    ...serviceEffects(before.analysed, after.analysed, attr),
    ...findingEffects(before.analysed.findings, after.analysed.findings, attr),
    ...postureEffects(postures.before, postures.after, attr, (ns) =>
      [...before.analysed.model.networkPolicies, ...after.analysed.model.networkPolicies]
        .filter((p) => p.namespace === ns)
        .map((p) => p.key),
    ),
  ];
  effects.sort(
    (x, y) =>
      layerOrder.indexOf(x.layer) - layerOrder.indexOf(y.layer) ||
      severityRank[x.severity] - severityRank[y.severity] ||
      cmp(x.subject, y.subject),
  );
  const layers = Object.fromEntries(layerOrder.map((l) => [l, 0])) as Record<EffectLayer, number>;
  for (const e of effects) layers[e.layer]++;
  const notes: string[] = [];
  if (effects.some((e) => !e.cause.certain))
    notes.push(
      'a cause given as "one of" is heuristic: the effect reads several changed objects (or none the layer names directly), and kubetwin does not say which of them made the difference',
    );
  if (before.analysed.model.mesh?.name || after.analysed.model.mesh?.name)
    notes.push(
      'mesh routes (VirtualService, ServiceProfile, GAMMA) are not probed: routing changes inside the mesh are not listed',
    );
  return {
    objects,
    effects,
    summary: {
      objects: {
        added: objects.filter((o) => o.change === 'added').length,
        removed: objects.filter((o) => o.change === 'removed').length,
        modified: objects.filter((o) => o.change === 'modified').length,
      },
      layers,
      flowsBroken: effects.filter((e) => e.layer === 'flow' && e.direction === 'broken').length,
      flowsFixed: effects.filter((e) => e.layer === 'flow' && e.direction === 'fixed').length,
      newErrors: effects.filter(
        (e) => e.layer === 'finding' && e.change === 'added' && e.finding?.severity === 'error',
      ).length,
      newExposure: effects.filter((e) => e.layer === 'exposure' && e.change === 'added').length,
    },
    notes,
  };
}

/** Kinds no policy verdict reads (routing, TLS, DNS configuration, Services for NetworkPolicy and admin tiers). */
const verdictBlindKinds = new Set([
  'Ingress',
  'IngressClass',
  'Gateway',
  'GatewayClass',
  'HTTPRoute',
  'GRPCRoute',
  'ReferenceGrant',
  'BackendTLSPolicy',
  'Secret',
  'Certificate',
  'Issuer',
  'ClusterIssuer',
  'ConfigMap',
  'Service',
  'EndpointSlice',
  'Endpoints',
  'VirtualService',
  'DestinationRule',
  'ServiceProfile',
]);

function connectivityKindsOf(c: ObjectChange): boolean {
  return /NetworkPolicy$|^Namespace$|^Pod$|^Deployment$|^ReplicaSet$|^StatefulSet$|^DaemonSet$|^Job$|^CronJob$|^ClusterProfile$/.test(
    c.kind,
  );
}

type Deps = (from: string, to: string) => string[];

/** Workload ports some public address may open after and not before (or the reverse): called out first. */
function exposureEffects(
  a: DiffSide,
  b: DiffSide,
  attr: Attributor,
  deps: Deps,
  fallback: (c: ObjectChange) => boolean,
  only?: ReadonlySet<string>,
): Effect[] {
  const x = exposures(a, only);
  const y = exposures(b, only);
  const out: Effect[] = [];
  for (const k of [...new Set([...x.keys(), ...y.keys()])].sort(cmp)) {
    const e1 = x.get(k);
    const e2 = y.get(k);
    if (e1 && e2) continue;
    const e = (e1 ?? e2)!;
    const opened = !e1;
    out.push({
      layer: 'exposure',
      severity: opened ? 'high' : 'medium',
      subject: `internet → ${e.workload} ${e.port}/${e.protocol}`,
      change: opened ? 'added' : 'removed',
      direction: opened ? 'broken' : 'fixed',
      before: e1 ? `open to ${e1.text}` : 'closed',
      after: e2 ? `open to ${e2.text}` : 'closed',
      details: [],
      cause: attr.cause(
        [
          ...a.isolating(e.workload, 'Ingress'),
          ...b.isolating(e.workload, 'Ingress'),
          ...a.keysOf(e.workload),
          ...b.keysOf(e.workload),
          `Namespace/${nsOf(e.workload)}`,
          // Internet → pod is decided at the pod's ingress only: its egress policies do not read the connection.
          ...deps(e.workload, e.workload).filter((k) => !k.startsWith('NetworkPolicy/')),
        ],
        fallback,
      ),
      edge: { from: 'internet', to: e.workload, label: `${e.port}/${e.protocol}` },
    });
  }
  return out;
}

/** (workload, workload, port) verdicts that differ; a connection on one side only counts when it is allowed there. */
function connectivityEffects(
  a: DiffSide,
  b: DiffSide,
  attr: Attributor,
  deps: Deps,
  fallback: (c: ObjectChange) => boolean,
  dirty?: DirtyGroups,
): Effect[] {
  const out: Effect[] = [];
  for (const c of changedConnections(a, b, dirty)) {
    const { from, to, port, protocol, before: c1, after: c2 } = c;
    const rank = (n: Counts | undefined) => (n ? (n[1] === 0 ? 0 : n[1] === n[0] ? 2 : 1) : 0);
    const opened = rank(c2) > rank(c1);
    const text = (n: Counts | undefined) =>
      n ? `${verdictOf(n[0], n[1])} (${n[1]}/${n[0]} pod pairs)` : '(absent)';
    out.push({
      layer: 'connectivity',
      severity: 'medium',
      subject: `${from} → ${to}:${port}/${protocol}`,
      change: !c1 ? 'added' : !c2 ? 'removed' : 'changed',
      direction: 'neutral',
      before: text(c1),
      after: text(c2),
      details: [opened ? 'opened' : 'closed'],
      cause: attr.cause(deps(from, to), fallback),
      edge: { from, to, label: `${port}/${protocol}` },
    });
  }
  return out;
}
