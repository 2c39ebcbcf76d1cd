import type {
  AdminAction,
  AdminPeer,
  AdminPodSelector,
  AdminPolicy,
  AdminPort,
  AdminRule,
} from '../model/admin-policy.ts';
import { byKey } from '../model/keys.ts';
import type { Protocol } from '../model/types.ts';
import type { PathSegment } from '../parse/index.ts';
import type { Envelope } from './_envelope.ts';
import { readSelector } from './_selectors.ts';

const kinds = new Set(['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterNetworkPolicy']);

/**
 * Admin tiers read from AdminNetworkPolicy / BaselineAdminNetworkPolicy (v1alpha1: `action` Allow|Deny|Pass,
 * ports `portNumber` / `namedPort` / `portRange`) and ClusterNetworkPolicy (v1alpha2: `tier`, `action`
 * Accept|Deny|Pass, `protocols` with `tcp|udp|sctp.destinationPort` or `destinationNamedPort`).
 * https://network-policy-api.sigs.k8s.io/reference/spec/
 */
export function buildAdminPolicies(envs: readonly Envelope[]): AdminPolicy[] {
  const out: AdminPolicy[] = [];
  for (const env of envs) {
    if (!kinds.has(env.kind)) continue;
    const p = readAdminPolicy(env);
    if (p && !env.f.invalid) out.push(p);
  }
  return out.sort(byKey);
}

function readAdminPolicy(env: Envelope): AdminPolicy | undefined {
  const f = env.f;
  const kind = env.kind as AdminPolicy['kind'];
  const tierText =
    kind === 'ClusterNetworkPolicy'
      ? f.str(['spec', 'tier'])
      : kind === 'AdminNetworkPolicy'
        ? 'Admin'
        : 'Baseline';
  if (tierText !== 'Admin' && tierText !== 'Baseline') {
    f.report(
      'invalid-field',
      'error',
      ['spec', 'tier'],
      `spec.tier "${tierText ?? ''}" must be Admin or Baseline`,
    );
    return undefined;
  }
  const subject = {
    namespaces: sel(env, ['spec', 'subject', 'namespaces']),
    pods: pods(env, ['spec', 'subject', 'pods']),
  };
  if (!subject.namespaces && !subject.pods)
    f.report('missing-field', 'error', ['spec', 'subject'], 'spec.subject must set namespaces or pods');
  const rules = (dir: 'ingress' | 'egress') =>
    f
      .list(['spec', dir])
      .map((_, i) => readRule(env, dir, i, tierText))
      .filter((r): r is AdminRule => !!r);
  const policy: AdminPolicy = {
    key: env.key,
    name: env.name,
    labels: env.labels,
    annotations: env.annotations,
    source: env.raw.source,
    kind,
    tier: tierText,
    priority: f.int(['spec', 'priority']) ?? 0,
    subject,
    ingress: rules('ingress'),
    egress: rules('egress'),
  };
  return f.invalid ? undefined : policy;
}

/**
 * A selector field of a CRD: YAML null is pruned before validation as if the key were absent (fields of these
 * schemas are not `nullable`), so `namespaces:` with no value selects nothing, it is not `{}`.
 * https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#defaulting-and-nullable
 */
function sel(env: Envelope, path: PathSegment[]) {
  const v = env.f.get(path);
  if (v === undefined) return undefined;
  if (v === null) return void nullPruned(env, path);
  return readSelector(env.f, path);
}

function nullPruned(env: Envelope, path: PathSegment[], required = false): void {
  const field = path.join('.').replace(/\.(\d+)(?=\.|$)/g, '[$1]');
  env.f.report(
    'null-selector',
    required ? 'error' : 'warning',
    path,
    `${field} is null: the API server prunes null from ${env.kind} (a custom resource) as if the key were absent${required ? ', and the field is required, so it refuses the object' : ', so it selects nothing; it is not {}'}`,
    'Write {} to select everything, or remove the key.',
  );
}

/** `pods: {namespaceSelector, podSelector}`: both selectors are required (NamespacedPod). */
function pods(env: Envelope, path: PathSegment[]): AdminPodSelector | undefined {
  const v = env.f.get(path);
  if (v === undefined) return undefined;
  if (v === null) return void nullPruned(env, path);
  const part = (k: string) => {
    const at = [...path, k];
    if (env.f.get(at) === null) return void nullPruned(env, at, true);
    return sel(env, at) ?? { requirements: [] };
  };
  const namespaceSelector = part('namespaceSelector');
  const podSelector = part('podSelector');
  return namespaceSelector && podSelector ? { namespaceSelector, podSelector } : undefined;
}

function readRule(
  env: Envelope,
  dir: 'ingress' | 'egress',
  index: number,
  tier: 'Admin' | 'Baseline',
): AdminRule | undefined {
  const f = env.f;
  const at: PathSegment[] = ['spec', dir, index];
  const raw = f.str([...at, 'action']);
  const action: AdminAction | undefined =
    raw === 'Accept' || raw === 'Allow'
      ? 'Allow'
      : raw === 'Deny'
        ? 'Deny'
        : raw === 'Pass' && tier === 'Admin'
          ? 'Pass'
          : undefined;
  if (!action)
    return void f.report(
      'invalid-field',
      'error',
      [...at, 'action'],
      `${dir}[${index}].action "${raw ?? ''}" must be ${tier === 'Admin' ? 'Allow/Accept, Deny or Pass' : 'Allow/Accept or Deny'}`,
    );
  const peerField = dir === 'ingress' ? 'from' : 'to';
  const peers: AdminPeer[] = f.list([...at, peerField]).map((_, i) => {
    const p: PathSegment[] = [...at, peerField, i];
    const networks = f.list([...p, 'networks']).map((_, j) => f.str([...p, 'networks', j]) ?? '');
    // domainNames is an AdminNetworkPolicy (and Admin-tier ClusterNetworkPolicy) egress peer; the baseline has none.
    const domainNames =
      dir === 'egress' && tier === 'Admin'
        ? f.list([...p, 'domainNames']).map((_, j) => f.str([...p, 'domainNames', j]) ?? '')
        : [];
    const peer = {
      namespaces: sel(env, [...p, 'namespaces']),
      pods: pods(env, [...p, 'pods']),
      nodes: sel(env, [...p, 'nodes']),
      ...(networks.length ? { networks } : {}),
      ...(domainNames.length ? { domainNames } : {}),
      source: env.raw.locate(p),
    };
    const some = peer.namespaces || peer.pods || peer.nodes || networks.length || domainNames.length;
    if (!some && !f.invalid)
      f.report(
        'invalid-peer',
        'error',
        p,
        `${dir}[${index}].${peerField}[${i}] selects nothing: a peer must set exactly one of namespaces, pods${dir === 'egress' ? ', nodes, networks or domainNames' : ''}`,
        'The API server refuses an empty peer; write namespaces: {} for every namespace.',
      );
    return peer;
  });
  const ports: AdminPort[] = [];
  const list = f.get([...at, 'protocols']) !== undefined ? 'protocols' : 'ports';
  f.list([...at, list]).forEach((_, i) => {
    const p: PathSegment[] = [...at, list, i];
    const named = f.str([...p, 'namedPort']) ?? f.str([...p, 'destinationNamedPort']);
    if (named) return void ports.push({ name: named });
    const num = f.map([...p, 'portNumber']);
    if (num)
      return void ports.push({
        protocol: (f.str([...p, 'portNumber', 'protocol']) ?? 'TCP') as Protocol,
        port: f.int([...p, 'portNumber', 'port']),
      });
    const range = f.map([...p, 'portRange']);
    if (range)
      return void ports.push({
        protocol: (f.str([...p, 'portRange', 'protocol']) ?? 'TCP') as Protocol,
        port: f.int([...p, 'portRange', 'start']),
        endPort: f.int([...p, 'portRange', 'end']),
      });
    for (const [field, protocol] of [
      ['tcp', 'TCP'],
      ['udp', 'UDP'],
      ['sctp', 'SCTP'],
    ] as const) {
      if (!f.map([...p, field])) continue;
      const d: PathSegment[] = [...p, field, 'destinationPort'];
      const start = f.int([...d, 'range', 'start']);
      ports.push(
        start !== undefined
          ? { protocol, port: start, endPort: f.int([...d, 'range', 'end']) }
          : { protocol, port: f.int([...d, 'number']) },
      );
    }
  });
  return {
    index,
    name: f.str([...at, 'name']),
    action,
    peers,
    ports: ports.length ? ports : 'all',
    source: env.raw.locate(at),
  };
}
