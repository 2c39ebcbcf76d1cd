/**
 * Suggested policies in Cilium's dialect (CiliumNetworkPolicy, cilium.io/v2), as model records the Cilium tier of
 * the policy engine reads, the same records the builder makes from the YAML `renderCiliumPoliciesYaml` prints.
 * https://docs.cilium.io/en/stable/security/policy/language/
 */
import type { Requirement, Selector } from '../../lib/labels.ts';
import {
  ciliumLabels,
  type CiliumEntity,
  type CiliumPeer,
  type CiliumPolicy,
  type CiliumRule,
} from '../../model/cilium-policy.ts';
import { objectKey } from '../../model/keys.ts';
import { internetAddress, type Peer } from './_edges.ts';
import type { PolicySpec, RuleSpec } from './_policies.ts';

/**
 * Label keys Cilium leaves out of security identities by default (`any:!io\.kubernetes`, `!kubernetes\.io`,
 * `!.*beta\.kubernetes\.io`, `!k8s\.io`, `!pod-template-generation`, `!pod-template-hash`,
 * `!controller-revision-hash`, `!annotation.*`, `!etcd_node`, prefixes of the key): a selector on one of them
 * selects no endpoint, so suggested selectors never use them.
 * https://docs.cilium.io/en/stable/operations/performance/scalability/identity-relevant-labels/
 */
const notInIdentity =
  /^(io\.kubernetes|kubernetes\.io|.*beta\.kubernetes\.io|k8s\.io|pod-template-generation|pod-template-hash|controller-revision-hash|annotation|etcd_node)/;

/** The workload labels Cilium keeps in the pods' identity (all of them when none would be left). */
export function identityLabelsOf(labels: Readonly<Record<string, string>>): Record<string, string> {
  const kept = Object.entries(labels).filter(([k]) => !notInIdentity.test(k));
  return Object.fromEntries(kept.length ? kept : Object.entries(labels));
}

/**
 * Entities for a `world` peer: `world` for the internet, `host` and `remote-node` for a client the cluster SNATs
 * to a node address (Cilium gives node addresses those identities, never `world`, and CIDR rules never select
 * them). https://docs.cilium.io/en/stable/security/policy/language/#entities-based
 */
export function entitiesOf(p: Extract<Peer, { kind: 'world' }>): CiliumEntity[] {
  const node = [...p.addresses].some((a) => a !== internetAddress);
  return [
    ...(node ? (['host', 'remote-node'] as const) : []),
    ...(p.addresses.has(internetAddress) || !p.addresses.size ? (['world'] as const) : []),
  ];
}

/** An endpoint selector as the builder reads it: `k8s:` dropped, scoped to a namespace, requirements sorted. */
function endpointSelector(labels: Readonly<Record<string, string>>, namespace: string): Selector {
  const reqs: Requirement[] = Object.entries({
    ...identityLabelsOf(labels),
    [ciliumLabels.namespace]: namespace,
  })
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, v]) => ({ key, operator: 'In', values: [v] }));
  return { requirements: reqs };
}

/** The L3 field of a rule for its peer (`fromEndpoints`, `toEntities`, ...) and the peers it holds. */
export function ciliumPeers(p: Peer, dir: 'ingress' | 'egress'): { field: string; peers: CiliumPeer[] } {
  const side = dir === 'ingress' ? 'from' : 'to';
  if (p.kind === 'pods') {
    const field = `${side}Endpoints`;
    return {
      field,
      peers: [{ kind: 'endpoints', selector: endpointSelector(p.labels, p.namespace), path: `${field}[0]` }],
    };
  }
  if (p.kind === 'world') {
    const field = `${side}Entities`;
    return {
      field,
      peers: entitiesOf(p).map((entity, i) => ({ kind: 'entity', entity, path: `${field}[${i}]` })),
    };
  }
  const field = `${side}CIDR`;
  return { field, peers: [{ kind: 'cidr', cidr: p.cidr, except: [], path: `${field}[0]` }] };
}

function rulesOf(list: readonly RuleSpec[], dir: 'ingress' | 'egress'): CiliumRule[] {
  return list.map((r, index) => ({
    section: dir,
    index,
    peers: ciliumPeers(r.peer, dir).peers,
    toPorts: [
      { ports: r.ports.map((x) => ({ port: x.port, protocol: x.protocol })), index: 0, unmodeled: [] },
    ],
    unmodeled: [],
  }));
}

/** An empty rule (`ingress: [{}]`): it admits nothing and puts the selected endpoints in default deny. */
const isolating = (section: 'ingress' | 'egress'): CiliumRule => ({
  section,
  index: 0,
  peers: [],
  toPorts: 'all',
  unmodeled: [],
});

/**
 * A suggested policy as a CiliumNetworkPolicy record. A spec with rules in a direction puts the endpoints it
 * selects in default deny for that direction (`enableDefaultDeny` defaults to true there); the namespace default
 * deny is `endpointSelector: {}` with `ingress: [{}]` and `egress: [{}]`.
 * https://docs.cilium.io/en/stable/security/policy/intro/#policy-enforcement-modes
 */
export function toCiliumModel(s: PolicySpec): CiliumPolicy {
  const deny = !s.ingress.length && !s.egress.length;
  const rules = deny
    ? [isolating('ingress'), isolating('egress')]
    : [...rulesOf(s.ingress, 'ingress'), ...rulesOf(s.egress, 'egress')];
  return {
    key: objectKey('CiliumNetworkPolicy', s.namespace, s.name),
    name: s.name,
    namespace: s.namespace,
    labels: { 'app.kubernetes.io/managed-by': 'kubetwin' },
    annotations: {},
    kind: 'CiliumNetworkPolicy',
    specs: [
      {
        path: 'spec',
        endpointSelector: endpointSelector(s.podLabels, s.namespace),
        rules,
        defaultDeny: {
          ingress: rules.some((r) => r.section === 'ingress'),
          egress: rules.some((r) => r.section === 'egress'),
        },
      },
    ],
  };
}

/**
 * Does a kept Cilium policy already isolate every pod of the namespace both ways and admit nothing (a namespace
 * default deny written by hand or by an earlier run)?
 */
export function isCiliumDefaultDeny(p: CiliumPolicy, namespace: string): boolean {
  return (
    p.namespace === namespace &&
    p.specs.some(
      (sp) =>
        sp.endpointSelector?.requirements.every((r) => r.key === ciliumLabels.namespace) &&
        sp.defaultDeny.ingress &&
        sp.defaultDeny.egress &&
        sp.rules.every((r) => r.peers !== 'all' && !r.peers.length),
    )
  );
}
