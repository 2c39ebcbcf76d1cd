/**
 * `reach`: can REF talk to REF on a port, and which rules decided — one explained verdict per concrete pair
 * (pod to pod, pod to each Service endpoint, address to pod), summarised.
 */
import type { ClusterModel, Protocol } from '../../model/types.ts';
import type { PolicyEngine, Verdict } from '../policy/index.ts';
import { resolveRef, type Endpoint } from './_refs.ts';

export { resolveRef } from './_refs.ts';
export type { Endpoint, Resolved } from './_refs.ts';

export interface ReachQuery {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface PairResult {
  readonly from: string;
  readonly to: string;
  /** The port at the destination (the targetPort for Service targets). */
  readonly port: number;
  readonly allowed: boolean;
  readonly verdict?: Verdict;
  readonly problem?: string;
}

export interface ReachResult {
  readonly query: ReachQuery;
  /** `allowed` when every pair is, `denied` when none is, `partial` otherwise. */
  readonly outcome: 'allowed' | 'denied' | 'partial';
  readonly pairs: readonly PairResult[];
  readonly allowedPairs: number;
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
}

/** Every address an ipBlock or admin `networks` peer names, to cut the internet into ranges. */
export function policyCidrs(model: ClusterModel): string[] {
  const out: string[] = [];
  for (const np of model.networkPolicies)
    for (const r of [...np.ingress, ...np.egress])
      if (r.peers !== 'all')
        for (const p of r.peers) if (p.ipBlock) out.push(p.ipBlock.cidr, ...p.ipBlock.except);
  for (const ap of model.adminPolicies ?? [])
    for (const r of [...ap.ingress, ...ap.egress]) for (const p of r.peers) out.push(...(p.networks ?? []));
  return out;
}

/** Kinds a reachability verdict depends on: the parties, their addresses and every policy tier. */
const reachKinds = new Set([
  'Namespace',
  'Node',
  'Pod',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Service',
  'EndpointSlice',
  'Endpoints',
  'NetworkPolicy',
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
  'ClusterNetworkPolicy',
]);

/** Answers one query; an error message when a REF names nothing or a Service lacks the port. */
export function reach(engine: PolicyEngine, query: ReachQuery): ReachResult | string {
  const model = engine.model;
  const cidrs = policyCidrs(model);
  const from = resolveRef(model, query.from, query.port, query.protocol, cidrs, 'from');
  if (typeof from === 'string') return `--from: ${from}`;
  const to = resolveRef(model, query.to, query.port, query.protocol, cidrs);
  if (typeof to === 'string') return `--to: ${to}`;
  const notes = [...from.notes, ...to.notes];
  if (
    query.to.startsWith('service:') &&
    !query.from.startsWith('ip:') &&
    from.endpoints.some((e) => e.party.kind === 'ip')
  ) {
    const svc = model.services.find((s) => `service:${s.namespace}/${s.name}` === query.to);
    if (svc && svc.type !== 'ClusterIP' && svc.externalTrafficPolicy === 'Cluster')
      notes.push(
        `externalTrafficPolicy: Cluster — traffic arriving from outside through a node port or load balancer is SNATed to a node address; kubetwin judges the client address`,
      );
  }
  const pairs: PairResult[] = [];
  const warnings = new Set<string>();
  for (const a of from.endpoints)
    for (const b of to.endpoints) {
      const port = b.port ?? query.port;
      const problem = a.problem ?? b.problem;
      if (problem) {
        pairs.push({ from: a.label, to: b.label, port, allowed: false, problem });
        continue;
      }
      const verdict = engine.explain(a.party, b.party, port, query.protocol);
      verdict.warnings.forEach((w) => warnings.add(w));
      pairs.push({ from: a.label, to: b.label, port, allowed: verdict.allowed, verdict });
    }
  pairs.sort((x, y) => cmp(x.from, y.from) || cmp(x.to, y.to));
  const allowedPairs = pairs.filter((p) => p.allowed).length;
  const outcome =
    pairs.length && allowedPairs === pairs.length ? 'allowed' : allowedPairs === 0 ? 'denied' : 'partial';
  if (!pairs.length) notes.push('no pairs to judge: one side has no pods');
  const unread = (model.unread ?? []).filter((k) => reachKinds.has(k));
  if (unread.length)
    warnings.add(
      `${unread.join(', ')} objects could not be read from the cluster: this verdict does not account for them and may be wrong`,
    );
  return { query, outcome, pairs, allowedPairs, notes, warnings: [...warnings] };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export type { Endpoint as ReachEndpoint };
