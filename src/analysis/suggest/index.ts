/**
 * Least-privilege NetworkPolicies (or CiliumNetworkPolicies, `cni: 'cilium'`) for a set of flows, proven by the
 * engine: a default deny per namespace, one policy per workload naming its peers by workload labels and namespace
 * (`kubernetes.io/metadata.name`, Cilium's `io.kubernetes.pod.namespace`), ports by name where the pod names them
 * (Cilium: at ingress only), DNS to the cluster DNS pods only. Existing policies are kept and only what they do not
 * already admit is added (`replace` starts over in the namespaces in scope). Before it is returned the result is
 * checked: every connection the flows need is allowed, and the workload matrix over the namespaces in scope
 * allows nothing else. Pure and deterministic.
 */
import type { ClusterModel, NetworkPolicy, Pod } from '../../model/types.ts';
import type { CiliumPolicy } from '../../model/cilium-policy.ts';
import { byKey, byNamespaceName } from '../../model/keys.ts';
import { isCiliumDefaultDeny, toCiliumModel } from './_cilium.ts';
import { PolicyEngine } from '../policy/index.ts';
import { masqueradeSources } from '../service-path/index.ts';
import { webhookTargets } from '../doctor/index.ts';
import { allowedCount, proveEdges } from './_check.ts';
import { createTraceContext, traceFlow } from '../trace/index.ts';
import type { Flow } from '../flows/index.ts';
import { edgeKey, flowEdges, peerKey, type Edge } from './_edges.ts';
import {
  addRule,
  allowDns,
  defaultDeny,
  partiesOf,
  partyOf,
  portOf,
  toModel,
  type PolicySpec,
  type RuleSpec,
} from './_policies.ts';

export type { PolicySpec, RuleSpec } from './_policies.ts';
export { entitiesOf as ciliumEntitiesOf, identityLabelsOf as ciliumSelectorLabels } from './_cilium.ts';
export type { Edge, Peer } from './_edges.ts';

/** The policy kind written: Kubernetes NetworkPolicy, or CiliumNetworkPolicy (cilium.io/v2). */
export type PolicyDialect = 'kubernetes' | 'cilium';

export interface SuggestOptions {
  /** Write CiliumNetworkPolicies and prove them with the Cilium tier (default: NetworkPolicies). */
  readonly cni?: PolicyDialect;
  /** Only this namespace gets policies (default: every namespace with pods but kube-system, kube-public, kube-node-lease). */
  readonly namespace?: string;
  /** Drop the NetworkPolicies (with `cni: 'cilium'`, the CiliumNetworkPolicies too) of the namespaces in scope and start over. */
  readonly replace?: boolean;
  /** Count the allowed workload-matrix entries in scope before (one more engine and matrix); default true. */
  readonly before?: boolean;
}

export interface Suggestion {
  readonly cni: PolicyDialect;
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
    readonly before?: number;
    readonly after: number;
    /** Flow steps delivered after, of all steps; with the reason of each one still broken (not a policy matter). */
    readonly delivered: number;
    readonly steps: number;
    readonly broken: readonly string[];
    /**
     * The CNI does not enforce the policies written (NetworkPolicy, or with `cni: 'cilium'` the profile's CNI is
     * not Cilium): they change nothing until it does. The Cilium proof is made as Cilium would enforce them.
     */
    readonly unenforced?: string;
    /** Connections the result needs that it cannot admit (a mesh control plane not in the input): not proven. */
    readonly unknown: readonly string[];
  };
}

const system = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

/** The policies kept from the cluster (all of them, or those `replace` does not drop). */
interface Kept {
  readonly networkPolicies: readonly NetworkPolicy[];
  readonly cilium: readonly CiliumPolicy[];
}

/**
 * The cluster with the kept policies and `specs` added in the dialect; with Cilium, the profile's CNI is Cilium
 * (the tier that enforces CiliumNetworkPolicy, together with NetworkPolicy, is active only then).
 */
function withPolicies(
  model: ClusterModel,
  kept: Kept,
  specs: readonly PolicySpec[],
  cni: PolicyDialect,
): ClusterModel {
  if (cni === 'cilium')
    return {
      ...model,
      profile:
        model.profile.cni.name.toLowerCase() === 'cilium'
          ? model.profile
          : { ...model.profile, cni: { name: 'cilium', enforcesNetworkPolicy: true } },
      networkPolicies: kept.networkPolicies,
      ciliumPolicies: [...kept.cilium, ...specs.map(toCiliumModel)].sort(byKey),
    };
  return {
    ...model,
    networkPolicies: [...kept.networkPolicies, ...specs.map((p) => toModel(model, p))].sort(byNamespaceName),
    ciliumPolicies: kept.cilium,
  };
}

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

/**
 * The DNS connections among the edges (`DNS lookups of …`): one peer (the DNS pods) and their ports, by name where
 * the DNS pods name them unless `named` is false.
 */
function dnsRule(
  edges: readonly Edge[],
  named: boolean,
): { peer: Edge['to']; ports: RuleSpec['ports']; why: string; edges: Edge[] } | undefined {
  const dns = edges.filter((e) => e.why.some((w) => w.startsWith('DNS lookups of ')));
  if (!dns.length) return undefined;
  const ports: RuleSpec['ports'] = [];
  for (const e of dns)
    if (!ports.some((p) => p.port === portOf(e, named) && p.protocol === e.protocol))
      ports.push({ protocol: e.protocol, port: portOf(e, named) });
  const why = dns[0].why
    .find((w) => w.startsWith('DNS lookups of '))!
    .replace(/^DNS lookups of \S+ /, 'DNS lookups ');
  return { peer: dns[0].to, ports, why, edges: dns };
}

/**
 * The verdict of each side of an edge under the kept policies plus the default denies and DNS policies, without an
 * engine when it is known: with no kept policy in the namespaces in scope and no admin or Cilium policy, a pod in
 * scope is isolated both ways by the default deny and its egress is admitted only by the DNS policy of its
 * namespace. Sides outside scope get no policy from us (`true`). Otherwise the engine built over those policies
 * explains each edge.
 */
function baseSides(
  model: ClusterModel,
  kept: Kept,
  policies: readonly PolicySpec[],
  scope: ReadonlySet<string>,
  cni: PolicyDialect,
): (e: Edge) => { egress: boolean; ingress: boolean } {
  const named = cni !== 'cilium';
  const known =
    !kept.networkPolicies.some((p) => scope.has(p.namespace)) &&
    !model.adminPolicies?.length &&
    !kept.cilium.length &&
    (cni === 'cilium' || model.profile.cni.enforcesNetworkPolicy);
  if (known) {
    const dns = new Map(
      policies.filter((p) => p.egress.length).map((p) => [p.namespace, p.egress[0]] as const),
    );
    return (e) => {
      const inScope = (x: Edge['from']) => x.kind === 'pods' && scope.has(x.namespace);
      const r = e.from.kind === 'pods' ? dns.get(e.from.namespace) : undefined;
      const dnsOk =
        !!r &&
        peerKey(r.peer) === peerKey(e.to) &&
        r.ports.some((p) => p.protocol === e.protocol && p.port === portOf(e, named));
      return { egress: !inScope(e.from) || dnsOk, ingress: !inScope(e.to) };
    };
  }
  const engine = new PolicyEngine(withPolicies(model, kept, policies, cni));
  return (e) => {
    // Every address a `world` peer stands for (the internet, a node after SNAT) must be admitted.
    let egress = true;
    let ingress = true;
    for (const a of partiesOf(e.from))
      for (const b of partiesOf(e.to)) {
        const v = engine.explain(a, b, e.port, e.protocol);
        egress &&= v.egress.allowed;
        ingress &&= v.ingress.allowed;
      }
    return { egress, ingress };
  };
}

/** Namespaces whose pods the kept policies (with the default denies) already let reach every DNS edge. */
function dnsAlreadyAllowed(
  model: ClusterModel,
  kept: Kept,
  denies: readonly PolicySpec[],
  namespaces: readonly string[],
  dns: NonNullable<ReturnType<typeof dnsRule>>,
  cni: PolicyDialect,
): Set<string> {
  const out = new Set<string>();
  const scope = new Set(namespaces);
  // Nothing but the default deny isolates a namespace without kept egress policies (and no other tier): DNS needs
  // its policy there, no engine needed to say so.
  const open = new Set(
    kept.networkPolicies
      .filter((p) => scope.has(p.namespace) && p.policyTypes.includes('Egress'))
      .map((p) => p.namespace),
  );
  if (!open.size && !model.adminPolicies?.length && !kept.cilium.length) return out;
  const probe = new PolicyEngine(withPolicies(model, kept, denies, cni));
  // One pod per workload stands for it: its pods share the labels a policy selects by.
  const reps = new Map<string, Pod[]>();
  const seen = new Set<string>();
  for (const p of model.pods) {
    const k = p.owner ?? p.key;
    if (!scope.has(p.namespace) || p.hostNetwork || !p.ip || seen.has(k)) continue;
    seen.add(k);
    (reps.get(p.namespace) ?? reps.set(p.namespace, []).get(p.namespace)!).push(p);
  }
  for (const ns of namespaces)
    if (
      (reps.get(ns) ?? []).every((pod) =>
        dns.edges.every(
          (e) => probe.explain({ kind: 'pod', pod }, partyOf(e.to), e.port, e.protocol).egress.allowed,
        ),
      )
    )
      out.add(ns);
  return out;
}

export function suggestPolicies(
  model: ClusterModel,
  flows: readonly Flow[],
  options: SuggestOptions = {},
): Suggestion {
  const cni = options.cni ?? 'kubernetes';
  const named = cni !== 'cilium';
  const { edges, direct, unknown } = flowEdges(model, flows);
  // Under Cilium the masquerade gives the node's address (host or remote-node): a CNI device's of another CNI's
  // profile is not what the policies are proven for.
  if (cni === 'cilium') dropDeviceSources(model, edges);
  const withPods = new Set(model.pods.filter((p) => !p.hostNetwork).map((p) => p.namespace));
  const namespaces = model.namespaces
    .map((n) => n.name)
    .filter((n) => (options.namespace ? n === options.namespace : withPods.has(n) && !system.has(n)));
  const scope = new Set(namespaces);
  const cilium = model.ciliumPolicies ?? [];
  const dropped = options.replace
    ? [
        ...model.networkPolicies.filter((p) => scope.has(p.namespace)).map((p) => p.key),
        ...(cni === 'cilium'
          ? cilium.filter((p) => p.namespace !== undefined && scope.has(p.namespace)).map((p) => p.key)
          : []),
      ]
    : [];
  const droppedSet = new Set(dropped);
  const kept: Kept = {
    networkPolicies: model.networkPolicies.filter((p) => !droppedSet.has(p.key)),
    cilium: cilium.filter((p) => !droppedSet.has(p.key)),
  };
  const policies: PolicySpec[] = namespaces
    .filter(
      (ns) =>
        !hasDefaultDeny(kept.networkPolicies, ns) &&
        !(cni === 'cilium' && kept.cilium.some((p) => isCiliumDefaultDeny(p, ns))),
    )
    .map(defaultDeny);
  const dns = dnsRule(edges, named);
  if (dns) {
    const done = dnsAlreadyAllowed(model, kept, policies, namespaces, dns, cni);
    for (const ns of namespaces) if (!done.has(ns)) policies.push(allowDns(ns, dns));
  }
  const sides = baseSides(model, kept, policies, scope, cni);
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
    const v = sides(e);
    if (!v.egress) {
      const s = specFor(e.from);
      if (s) addRule(s.egress, e.to, e, named);
    }
    if (!v.ingress) {
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
  const after = withPolicies(model, kept, policies, cni);
  const engineAfter = new PolicyEngine(after);
  const proof = proveEdges(engineAfter, edges, namespaces);
  const denied = proof.denied.map((e) => `${edgeKey(e)} (${e.why[0]})`);
  const deniedKeys = new Set(proof.denied.map(edgeKey));
  // Steps read without a trace are delivered when their connections are allowed; the others are traced again.
  const rest = flows.flatMap((f) => {
    const steps = f.steps.filter((st) => !direct.has(st));
    return steps.length ? [{ ...f, steps }] : [];
  });
  const ctx = rest.length ? createTraceContext(after) : undefined;
  const traced = rest.flatMap((f) => traceFlow(ctx!, f).steps);
  const directSteps = flows.flatMap((f) => f.steps.filter((st) => direct.has(st)));
  const directBroken = directSteps.filter((st) => direct.get(st)!.some((k) => deniedKeys.has(k)));
  return {
    cni,
    namespaces,
    policies,
    edges,
    dropped,
    check: {
      denied,
      extra: proof.extra,
      before: options.before === false ? undefined : allowedCount(new PolicyEngine(model), namespaces),
      after: proof.allowed,
      // A trace that is unknown (what kubetwin does not model, a masqueraded source the policies judge apart) is
      // not claimed delivered.
      delivered:
        traced.filter((s) => s.trace.outcome === 'delivered' && !s.trace.unknown?.length).length +
        directSteps.length -
        directBroken.length,
      steps: traced.length + directSteps.length,
      broken: [
        ...directBroken.map((st) => `${st.text}: a connection it needs is denied`),
        ...traced
          .filter((s) => s.trace.outcome !== 'delivered' || s.trace.unknown?.length)
          .map((s) =>
            s.trace.outcome === 'delivered'
              ? `${s.step.text}: unknown — ${s.trace.unknown!.join('; ')}`
              : `${s.step.text}: ${s.trace.failure?.reason ?? s.trace.outcome}`,
          ),
      ],
      ...unenforced(model, engineAfter, cni),
      unknown: [...unknown, ...webhookCalls(model, policies)],
    },
  };
}

/**
 * The admission webhooks a written default deny cuts off (rule `default-deny-cuts-admission-webhooks`): the API
 * server calls each webhook's Service (`clientConfig.service`) from the control plane, whose address is not in the
 * input, so no rule written here can name it and the proof cannot show the call admitted; with `failurePolicy:
 * Fail` (the v1 default) every API request the webhook checks is then refused.
 * https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#failure-policy
 */
function webhookCalls(model: ClusterModel, policies: readonly PolicySpec[]): string[] {
  return policies
    .filter((p) => p.name === 'kubetwin-default-deny')
    .flatMap((p) => {
      const targets = webhookTargets(model, p.namespace);
      return targets.length
        ? [
            `the API server calls admission webhooks in ${p.namespace} (${targets.join(', ')}) from the control plane, whose address is not in the input: the default deny written for ${p.namespace} refuses those calls, and the API requests they check fail. Admit the control plane's addresses to those ports (an ipBlock) before applying`,
          ]
        : [];
    });
}

/** Leaves out of every `world` peer the node-device addresses the profile's CNI masquerades to (not Cilium's). */
function dropDeviceSources(model: ClusterModel, edges: readonly Edge[]): void {
  const devices = masqueradeSources(model, { endpointIP: '0.0.0.0', loadBalancer: true }).filter(
    (s) => s.device,
  );
  for (const e of edges)
    for (const p of [e.from, e.to]) if (p.kind === 'world') for (const d of devices) p.addresses.delete(d.ip);
}

function unenforced(model: ClusterModel, engine: PolicyEngine, cni: PolicyDialect): { unenforced?: string } {
  if (cni === 'cilium')
    return model.profile.cni.name.toLowerCase() === 'cilium'
      ? {}
      : {
          unenforced: `the profile's CNI is ${model.profile.cni.name}, not Cilium: CiliumNetworkPolicies change nothing until Cilium is the CNI (checked here as Cilium would enforce them)`,
        };
  return engine.enforced
    ? {}
    : {
        unenforced: `CNI ${model.profile.cni.name} does not enforce NetworkPolicy: these policies change nothing until it does`,
      };
}
