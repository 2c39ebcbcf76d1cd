import type { ClusterModel, Pod, Protocol, Workload } from '../../model/types.ts';
import { matches, selectorFromMap, type Labels } from '../../lib/labels.ts';
import type { Flow } from '../flows/index.ts';
import { createTraceContext, traceFlow, type JudgedFlow } from '../trace/index.ts';
import type { Party } from '../policy/index.ts';

/** Who is on one side of an edge: the pods of one workload, every address outside the cluster, or one address. */
export type Peer =
  | {
      readonly kind: 'pods';
      readonly group: string;
      readonly namespace: string;
      readonly labels: Labels;
      readonly pod: Pod;
    }
  | { readonly kind: 'world' }
  | { readonly kind: 'cidr'; readonly cidr: string };

/** One connection a flow needs: from a peer to a peer on a port, with the flow steps that need it. */
export interface Edge {
  readonly from: Peer;
  readonly to: Peer;
  readonly port: number;
  readonly protocol: Protocol;
  readonly why: string[];
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
 * cluster uses for outside clients (the internet stand-in, node addresses after SNAT) are `world`.
 */
export function flowEdges(model: ClusterModel, flows: readonly Flow[]): Edge[] {
  const workloads = new Map(model.workloads.map((w) => [w.key, w]));
  const nodeIPs = new Set(model.nodes.flatMap((n) => (n.internalIP ? [n.internalIP] : [])));
  const peerOf = (p: Party): Peer | undefined => {
    if (p.kind === 'ip') {
      if (p.ip === '203.0.113.7' || nodeIPs.has(p.ip)) return { kind: 'world' };
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
    const had = edges.get(edgeKey(e));
    if (!had) edges.set(edgeKey(e), e);
    else if (!had.why.includes(why)) had.why.push(why);
  };
  const ctx = createTraceContext(model, {
    onJudged: (j: JudgedFlow) => add(peerOf(j.from), peerOf(j.to), j.port, j.protocol, current),
  });
  for (const f of flows)
    for (const step of f.steps) {
      current = `${f.name}: ${step.text}${step.evidence?.[0]?.source ? ` (${step.evidence[0].source.file}:${step.evidence[0].source.line})` : ''}`;
      traceFlow(ctx, { ...f, steps: [step] });
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
    for (const sp of dns?.ports ?? [])
      for (const pod of dnsPods) {
        const port =
          typeof sp.targetPort === 'number'
            ? sp.targetPort
            : pod.ports.find((cp) => cp.name === sp.targetPort)?.containerPort;
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
  return [...edges.values()].sort((a, b) => (edgeKey(a) < edgeKey(b) ? -1 : edgeKey(a) > edgeKey(b) ? 1 : 0));
}
