import type { ClusterModel, Pod, Protocol, Workload } from '../../model/types.ts';
import { matches, selectorFromMap, type Labels } from '../../lib/labels.ts';
import { serviceNamed, type Flow, type FlowStep } from '../flows/index.ts';
import { lookup } from '../../model/lookup.ts';
import { createTraceContext, traceFlow, type JudgedFlow } from '../trace/index.ts';
import type { Party } from '../policy/index.ts';
import { meshControlPlaneNeeds } from './_mesh.ts';
import { svcNameLabel } from '../service-path/index.ts';
import { findPort } from '../../cluster/index.ts';

/** Who is on one side of an edge: the pods of one workload, every address outside the cluster, or one address. */
export type Peer =
  | {
      readonly kind: 'pods';
      readonly group: string;
      readonly namespace: string;
      readonly labels: Labels;
      readonly pod: Pod;
    }
  | {
      readonly kind: 'world';
      /**
       * The client addresses seen: the internet stand-in (`internetAddress`), or the addresses kube-proxy's
       * masquerade gives an outside client (a node's own, or a node device's in its pod range). NetworkPolicy names both with one ipBlock; Cilium tells them apart (entity `world`, or `host`
       * and `remote-node`), so the edges that merge keep every address, and the proof asks about each.
       */
      readonly addresses: Set<string>;
    }
  | { readonly kind: 'cidr'; readonly cidr: string };

/** One connection a flow needs: from a peer to a peer on a port, with the flow steps that need it. */
export interface Edge {
  readonly from: Peer;
  readonly to: Peer;
  readonly port: number;
  readonly protocol: Protocol;
  readonly why: string[];
}

/** The address the trace gives clients on the internet. */
export const internetAddress = '203.0.113.7';

/** Adds the addresses of `from` to `into` when both are `world`. */
export function mergeSources(into: Peer, from: Peer): void {
  if (into.kind === 'world' && from.kind === 'world') for (const x of from.addresses) into.addresses.add(x);
}

export const peerKey = (p: Peer): string =>
  p.kind === 'pods' ? p.group : p.kind === 'world' ? 'world' : p.cidr;
export const edgeKey = (e: { from: Peer; to: Peer; port: number; protocol: Protocol }): string =>
  `${peerKey(e.from)} ${peerKey(e.to)} ${e.port}/${e.protocol}`;

/** Labels that name a workload's pods: its selector's matchLabels, or the template labels the controller did not add. */
export function workloadLabels(w: Workload | undefined, pod: Pod): Labels {
  const reqs = w?.selector?.requirements ?? [];
  if (reqs.length && reqs.every((r) => r.operator === 'In' && r.values.length === 1))
    return Object.fromEntries(reqs.map((r) => [r.key, r.values[0]]));
  const generated =
    /^(pod-template-hash|controller-revision-hash|statefulset\.kubernetes\.io\/pod-name|apps\.kubernetes\.io\/pod-index|batch\.kubernetes\.io\/.*|job-name|controller-uid)$/;
  return Object.fromEntries(Object.entries(pod.labels).filter(([k]) => !generated.test(k)));
}

/**
 * The connections every flow needs, read from the policy hops of its trace (each connection the engine judges,
 * allowed or not), plus DNS (UDP and TCP to the cluster DNS pods) for every pod that makes a call. Addresses the
 * cluster uses for outside clients (the internet stand-in, node addresses after SNAT) are `world`. A Service's
 * named `targetPort` resolves per pod as the EndpointSlice controller resolves it (`findPort`, podutil.FindPort): to
 * the container port with that name AND the Service port's protocol — names are unique within a container only, so
 * a pod may name a UDP and a TCP port alike in two containers, and a pod without the name on that protocol is no
 * endpoint of that port. https://github.com/kubernetes/kubernetes/blob/master/pkg/api/v1/pod/util.go (FindPort)
 */
export interface FlowEdges {
  readonly edges: Edge[];
  /** Steps read without a trace (`direct`), with the keys of their edges: delivered when every edge is allowed. */
  readonly direct: ReadonlyMap<FlowStep, readonly string[]>;
  /** What the edges cannot hold and the policies therefore do not admit (a mesh control plane not in the input). */
  readonly unknown: readonly string[];
}

export function flowEdges(model: ClusterModel, flows: readonly Flow[]): FlowEdges {
  const directSteps = new Map<FlowStep, string[]>();
  const workloads = new Map(model.workloads.map((w) => [w.key, w]));
  const nodeIPs = new Set(model.nodes.flatMap((n) => (n.internalIP ? [n.internalIP] : [])));
  const peerOf = (p: Party, side: 'from' | 'to' = 'from'): Peer | undefined => {
    if (p.kind === 'ip') {
      // A node device's address (a masquerade source in the pod range) stands for outside clients too. As a
      // destination a node's address is that one address (the API server's endpoint, a hostNetwork server).
      if (p.ip === internetAddress || (side === 'from' && (nodeIPs.has(p.ip) || p.device)))
        return { kind: 'world', addresses: new Set([p.ip]) };
      return { kind: 'cidr', cidr: `${p.ip}/${p.ip.includes(':') ? 128 : 32}` };
    }
    if (p.pod.hostNetwork) return undefined;
    const w = p.pod.owner ? workloads.get(p.pod.owner) : undefined;
    const group = w ? `${w.namespace}/${w.name}` : `${p.pod.namespace}/${p.pod.name}`;
    return { kind: 'pods', group, namespace: p.pod.namespace, labels: workloadLabels(w, p.pod), pod: p.pod };
  };
  const edges = new Map<string, Edge>();
  let current = '';
  const add = (
    from: Peer | undefined,
    to: Peer | undefined,
    port: number,
    protocol: Protocol,
    why: string,
  ) => {
    if (!from || !to || (from.kind === 'pods' && to.kind === 'pods' && from.pod === to.pod)) return;
    const e = { from, to, port, protocol, why: [why] };
    const k = edgeKey(e);
    const had = edges.get(k);
    if (!had) edges.set(k, e);
    else {
      if (!had.why.includes(why)) had.why.push(why);
      mergeSources(had.from, from);
      mergeSources(had.to, to);
    }
  };
  let ctx: ReturnType<typeof createTraceContext> | undefined;
  const context = () =>
    (ctx ??= createTraceContext(model, {
      // A mesh may carry the connection on another port (Linkerd's 4143, Istio ambient's HBONE 15008): both.
      onJudged: (j: JudgedFlow) => {
        for (const port of j.maybePort === undefined ? [j.port] : [j.port, j.maybePort])
          add(peerOf(j.from), peerOf(j.to, 'to'), port, j.protocol, current);
      },
    }));
  const memo: DirectMemo = { backends: new Map(), index: undefined };
  for (const f of flows)
    for (const step of f.steps) {
      current = `${f.name}: ${step.text}${step.evidence?.[0]?.source ? ` (${step.evidence[0].source.file}:${step.evidence[0].source.line})` : ''}`;
      const fast = direct(model, step, memo);
      if (fast) {
        const keys: string[] = [];
        for (const t of fast) {
          const a = peerOf(t.from);
          const b = peerOf(t.to, 'to');
          add(a, b, t.port, t.protocol, current);
          if (a && b) keys.push(edgeKey({ from: a, to: b, port: t.port, protocol: t.protocol }));
        }
        directSteps.set(step, keys);
      } else traceFlow(context(), { ...f, steps: [step] });
    }
  const dns = model.services.find((s) => s.clusterIPs.includes(model.profile.dnsServiceIP));
  const dnsPods = dns?.selector
    ? model.pods.filter(
        (p) => p.namespace === dns.namespace && matches(selectorFromMap(dns.selector!), p.labels),
      )
    : [];
  const callers = new Map<string, Peer>();
  for (const e of edges.values()) if (e.from.kind === 'pods') callers.set(peerKey(e.from), e.from);
  for (const caller of callers.values()) {
    if (caller.kind !== 'pods' || caller.pod.dnsPolicy !== 'ClusterFirst') continue;
    // A k3s ServiceLB pod forwards to the ClusterIPs it is given (klipper-lb's DEST_IPS): it looks up no name.
    if (caller.pod.labels[svcNameLabel] !== undefined) continue;
    // Port 53 only: the DNS Service's other ports (CoreDNS metrics on 9153) are not lookups.
    for (const sp of (dns?.ports ?? []).filter((x) => x.port === 53))
      for (const pod of dnsPods) {
        const port = findPort(pod, sp.targetPort, sp.protocol);
        if (port)
          add(
            caller,
            peerOf({ kind: 'pod', pod }),
            port,
            sp.protocol,
            `DNS lookups of ${caller.group} (${dns!.key})`,
          );
      }
  }
  const controlPlane = meshControlPlaneNeeds(model);
  for (const n of controlPlane.needs)
    add(peerOf({ kind: 'pod', pod: n.from }), peerOf({ kind: 'pod', pod: n.to }), n.port, 'TCP', n.why);
  // Sorted by edge key, each key built once (the map's), not once per comparison.
  const sorted = [...edges.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
  return { edges: sorted, direct: directSteps, unknown: controlPlane.missing };
}

/**
 * The connections of a plain in-cluster step without tracing it: a pod of the source workload to every backend pod
 * of the Service the target names, on the target port each pod resolves. Undefined (trace it) for anything else:
 * the internet, Ingress or Gateway hosts, ExternalName or selector-less Services, a port the Service lacks, a mesh.
 */
interface Backend {
  readonly pod: Pod;
  readonly port: number;
}

/**
 * Backends per Service port, and the model indexed once: pods by namespace and by `namespace label=value` (a
 * Service's backends are read from its rarest selector label, not by matching every pod of the namespace),
 * workloads by `namespace/name`.
 */
interface DirectMemo {
  readonly backends: Map<string, Backend[]>;
  index:
    { podsIn: Map<string, Pod[]>; byLabel: Map<string, Pod[]>; workloads: Map<string, Workload> } | undefined;
}

const labelKey = (ns: string, k: string, v: string) => `${ns}\u0000${k}=${v}`;

function indexOf(model: ClusterModel, memo: DirectMemo): NonNullable<DirectMemo['index']> {
  if (memo.index) return memo.index;
  const podsIn = new Map<string, Pod[]>();
  const byLabel = new Map<string, Pod[]>();
  const push = (m: Map<string, Pod[]>, k: string, p: Pod) => {
    const list = m.get(k);
    if (list) list.push(p);
    else m.set(k, [p]);
  };
  for (const p of model.pods) {
    push(podsIn, p.namespace, p);
    for (const k in p.labels) push(byLabel, labelKey(p.namespace, k, p.labels[k]), p);
  }
  const workloads = new Map(model.workloads.map((w) => [`${w.namespace}/${w.name}`, w]));
  return (memo.index = { podsIn, byLabel, workloads });
}

function direct(
  model: ClusterModel,
  step: FlowStep,
  memo: DirectMemo,
): { from: Party; to: Party; port: number; protocol: Protocol }[] | undefined {
  const { from, to } = step;
  if (from.kind !== 'ref' || (to.kind !== 'url' && to.kind !== 'service')) return undefined;
  if (model.mesh?.name || (to.kind === 'url' && (to.scheme === 'http' || to.scheme === 'https')))
    return undefined;
  const l = lookup(model);
  const { podsIn, byLabel, workloads } = indexOf(model, memo);
  const w = workloads.get(`${from.namespace}/${from.name}`);
  const src = (w ? l.podsOfWorkload(w.key) : [l.podByRef(`${from.namespace}/${from.name}`)]).find(
    (p) => p?.ip,
  );
  if (!src || src.dnsPolicy !== 'ClusterFirst') return undefined;
  const svc =
    to.kind === 'service'
      ? l.serviceByRef(`${to.namespace}/${to.name}`)
      : serviceNamed(model, to.host, src.namespace);
  const sp = svc?.ports.find((p) => p.port === to.port && p.protocol === to.protocol);
  if (!svc?.selector || svc.type === 'ExternalName' || !sp || svc.headless) return undefined;
  const k = `${svc.key} ${sp.port}/${sp.protocol}`;
  let backends = memo.backends.get(k);
  if (!backends) {
    const selector = selectorFromMap(svc.selector);
    const seen = new Set<string>();
    backends = [];
    // Candidates: the pods carrying the selector's rarest label (every backend carries all of them).
    let candidates = podsIn.get(svc.namespace) ?? [];
    for (const [k, v] of Object.entries(svc.selector)) {
      const list = byLabel.get(labelKey(svc.namespace, k, v)) ?? [];
      if (list.length < candidates.length) candidates = list;
    }
    for (const pod of candidates) {
      if (!pod.ip || !matches(selector, pod.labels)) continue;
      const port = findPort(pod, sp.targetPort, sp.protocol);
      const g = `${pod.owner ?? pod.key} ${port}`;
      if (port === undefined || seen.has(g)) continue;
      seen.add(g);
      backends.push({ pod, port });
    }
    memo.backends.set(k, backends);
  }
  const out = backends.map((b) => ({
    from: { kind: 'pod' as const, pod: src },
    to: { kind: 'pod' as const, pod: b.pod },
    port: b.port,
    protocol: sp.protocol,
  }));
  return out.length ? out : undefined;
}
