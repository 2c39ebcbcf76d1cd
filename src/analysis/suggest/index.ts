/**
 * Least-privilege NetworkPolicies for a set of flows, proven by the engine: a default deny per namespace, one
 * policy per workload naming its peers by workload labels and `kubernetes.io/metadata.name`, ports by name where
 * the pod names them, DNS to the cluster DNS pods only. Existing policies are kept and only what they do not
 * already admit is added (`replace` starts over in the namespaces in scope). Before it is returned the result is
 * checked: every connection the flows need is allowed, and the workload matrix over the namespaces in scope
 * allows nothing else. Pure and deterministic.
 */
import type { ClusterModel, NetworkPolicy } from '../../model/types.ts';
import { byNamespaceName } from '../../model/keys.ts';
import { PolicyEngine } from '../policy/index.ts';
import { computeMatrix } from '../matrix/index.ts';
import { createTraceContext, traceFlow } from '../trace/index.ts';
import type { Flow } from '../flows/index.ts';
import { edgeKey, flowEdges, type Edge } from './_edges.ts';
import {
  addRule,
  allowDns,
  defaultDeny,
  partyOf,
  portOf,
  toModel,
  type PolicySpec,
  type RuleSpec,
} from './_policies.ts';

export type { PolicySpec, RuleSpec } from './_policies.ts';
export type { Edge, Peer } from './_edges.ts';

export interface SuggestOptions {
  /** Only this namespace gets policies (default: every namespace with pods but kube-system, kube-public, kube-node-lease). */
  readonly namespace?: string;
  /** Drop the NetworkPolicies of the namespaces in scope and start over. */
  readonly replace?: boolean;
}

export interface Suggestion {
  readonly namespaces: readonly string[];
  readonly policies: readonly PolicySpec[];
  readonly edges: readonly Edge[];
  /** Existing policies dropped (`replace`). */
  readonly dropped: readonly string[];
  readonly check: {
    /** Connections the flows need that the result still denies (empty when proven). */
    readonly denied: readonly string[];
    /** Workload-matrix entries allowed after that no flow needs (`from → to port/proto`), in scope. */
    readonly extra: readonly string[];
    /** Allowed workload-matrix entries in scope, before and after. */
    readonly before: number;
    readonly after: number;
    /** Flow steps delivered after, of all steps; with the reason of each one still broken (not a policy matter). */
    readonly delivered: number;
    readonly steps: number;
    readonly broken: readonly string[];
    /** The CNI does not enforce NetworkPolicy: the policies change nothing until it does. */
    readonly unenforced?: string;
  };
}

const system = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

function hasDefaultDeny(policies: readonly NetworkPolicy[], ns: string): boolean {
  return policies.some(
    (p) =>
      p.namespace === ns &&
      p.podSelector.requirements.length === 0 &&
      !p.podSelector.nothing &&
      p.policyTypes.includes('Ingress') &&
      p.policyTypes.includes('Egress') &&
      p.ingress.length === 0 &&
      p.egress.length === 0,
  );
}

/** The DNS connections among the edges (`DNS lookups of …`): one peer (the DNS pods) and their ports. */
function dnsRule(
  edges: readonly Edge[],
): { peer: Edge['to']; ports: RuleSpec['ports']; why: string; edges: Edge[] } | undefined {
  const dns = edges.filter((e) => e.why.some((w) => w.startsWith('DNS lookups of ')));
  if (!dns.length) return undefined;
  const ports: RuleSpec['ports'] = [];
  for (const e of dns)
    if (!ports.some((p) => p.port === portOf(e) && p.protocol === e.protocol))
      ports.push({ protocol: e.protocol, port: portOf(e) });
  const why = dns[0].why
    .find((w) => w.startsWith('DNS lookups of '))!
    .replace(/^DNS lookups of \S+ /, 'DNS lookups ');
  return { peer: dns[0].to, ports, why, edges: dns };
}

function allowedEntries(engine: PolicyEngine, namespaces: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const row of computeMatrix(engine, { by: 'workload', namespaces }).rows())
    for (const e of row.entries) if (e.allowedPairs > 0) out.add(`${e.from} ${e.to} ${e.port}/${e.protocol}`);
  return out;
}

export function suggestPolicies(
  model: ClusterModel,
  flows: readonly Flow[],
  options: SuggestOptions = {},
): Suggestion {
  const { edges, direct } = flowEdges(model, flows);
  const withPods = new Set(model.pods.filter((p) => !p.hostNetwork).map((p) => p.namespace));
  const namespaces = model.namespaces
    .map((n) => n.name)
    .filter((n) => (options.namespace ? n === options.namespace : withPods.has(n) && !system.has(n)));
  const scope = new Set(namespaces);
  const dropped = options.replace
    ? model.networkPolicies.filter((p) => scope.has(p.namespace)).map((p) => p.key)
    : [];
  const kept = model.networkPolicies.filter((p) => !dropped.includes(p.key));
  const policies: PolicySpec[] = namespaces.filter((ns) => !hasDefaultDeny(kept, ns)).map(defaultDeny);
  const dns = dnsRule(edges);
  if (dns) {
    const probe = new PolicyEngine({
      ...model,
      networkPolicies: [...kept, ...policies.map((p) => toModel(model, p))],
    });
    for (const ns of namespaces) {
      // One pod per workload stands for it: its pods share the labels a policy selects by.
      const seen = new Set<string>();
      const pods = model.pods.filter((p) => {
        const k = p.owner ?? p.key;
        if (p.namespace !== ns || p.hostNetwork || !p.ip || seen.has(k)) return false;
        seen.add(k);
        return true;
      });
      const ok = pods.every((pod) =>
        dns.edges.every(
          (e) => probe.explain({ kind: 'pod', pod }, partyOf(e.to), e.port, e.protocol).egress.allowed,
        ),
      );
      if (!ok) policies.push(allowDns(ns, dns));
    }
  }
  const base = new PolicyEngine({
    ...model,
    networkPolicies: [...kept, ...policies.map((p) => toModel(model, p))],
  });
  const perWorkload = new Map<string, PolicySpec>();
  const specFor = (peer: Edge['from']): PolicySpec | undefined => {
    if (peer.kind !== 'pods' || !scope.has(peer.namespace)) return undefined;
    let s = perWorkload.get(peer.group);
    if (!s) {
      s = {
        name: `kubetwin-${peer.group.split('/')[1]}`.slice(0, 253),
        namespace: peer.namespace,
        podLabels: peer.labels,
        policyTypes: [],
        ingress: [],
        egress: [],
        comment: `the flows of ${peer.group}, selected by its workload labels`,
      };
      perWorkload.set(peer.group, s);
    }
    return s;
  };
  for (const e of edges) {
    const v = base.explain(partyOf(e.from), partyOf(e.to), e.port, e.protocol);
    if (!v.egress.allowed) {
      const s = specFor(e.from);
      if (s) addRule(s.egress, e.to, e);
    }
    if (!v.ingress.allowed) {
      const s = specFor(e.to);
      if (s) addRule(s.ingress, e.from, e);
    }
  }
  for (const s of [...perWorkload.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, x]) => x)) {
    const types = [
      ...(s.ingress.length ? ['Ingress' as const] : []),
      ...(s.egress.length ? ['Egress' as const] : []),
    ];
    policies.push({ ...s, policyTypes: types });
  }
  const added = policies.map((p) => toModel(model, p));
  const after: ClusterModel = {
    ...model,
    networkPolicies: [...kept, ...added].sort(byNamespaceName),
  };
  const engineAfter = new PolicyEngine(after);
  const deniedEdges = edges.filter(
    (e) => !engineAfter.allows(partyOf(e.from), partyOf(e.to), e.port, e.protocol),
  );
  const denied = deniedEdges.map((e) => `${edgeKey(e)} (${e.why[0]})`);
  const deniedKeys = new Set(deniedEdges.map(edgeKey));
  const needed = new Set(edges.filter((e) => e.from.kind === 'pods' && e.to.kind === 'pods').map(edgeKey));
  const beforeSet = allowedEntries(new PolicyEngine(model), namespaces);
  const afterSet = allowedEntries(engineAfter, namespaces);
  const extra = [...afterSet].filter((k) => !needed.has(k)).sort();
  // Steps read without a trace are delivered when their connections are allowed; the others are traced again.
  const ctx = createTraceContext(after);
  const traced = flows.flatMap((f) => {
    const rest = f.steps.filter((st) => !direct.has(st));
    return rest.length ? traceFlow(ctx, { ...f, steps: rest }).steps : [];
  });
  const directSteps = flows.flatMap((f) => f.steps.filter((st) => direct.has(st)));
  const directBroken = directSteps.filter((st) => direct.get(st)!.some((k) => deniedKeys.has(k)));
  return {
    namespaces,
    policies,
    edges,
    dropped,
    check: {
      denied,
      extra,
      before: beforeSet.size,
      after: afterSet.size,
      delivered:
        traced.filter((s) => s.trace.outcome === 'delivered').length +
        directSteps.length -
        directBroken.length,
      steps: traced.length + directSteps.length,
      broken: [
        ...directBroken.map((st) => `${st.text}: a connection it needs is denied`),
        ...traced
          .filter((s) => s.trace.outcome !== 'delivered')
          .map((s) => `${s.step.text}: ${s.trace.failure?.reason ?? s.trace.outcome}`),
      ],
      ...(engineAfter.enforced
        ? {}
        : {
            unenforced: `CNI ${model.profile.cni.name} does not enforce NetworkPolicy: these policies change nothing until it does`,
          }),
    },
  };
}
