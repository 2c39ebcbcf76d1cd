import { byNamespaceName } from '../model/keys.ts';
import type { NetworkPolicy, PolicyPeer, PolicyPort, PolicyRule, PolicyType } from '../model/types.ts';
import { cidrContains, parseCidr } from '../lib/ip.ts';
import { isIanaSvcName } from '../lib/label-validation.ts';
import type { Envelope } from './_envelope.ts';
import { readSelector } from './_selectors.ts';
import { everything, type Selector } from '../lib/labels.ts';
import { namespacedMetaOf } from './_envelope.ts';

/** Reads one policy: `read()`, or an earlier reading of the same object (`BuildMemo`). */
export type PolicyReader = (
  env: Envelope,
  read: () => NetworkPolicy | undefined,
) => NetworkPolicy | undefined;

/**
 * NetworkPolicies (networking.k8s.io/v1) read and validated as the API server does, with `policyTypes`
 * defaulted as the API server defaults it: Ingress always, plus Egress when `egress` has rules.
 * https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/
 */
export function buildNetworkPolicies(
  envs: readonly Envelope[],
  through: PolicyReader = (env, read) => read(),
): NetworkPolicy[] {
  const out: NetworkPolicy[] = [];
  for (const env of envs) {
    if (env.kind !== 'NetworkPolicy') continue;
    const np = through(env, () => readPolicy(env));
    if (np && !env.f.invalid) out.push(np);
  }
  return out.sort(byNamespaceName);
}

function readPolicy(env: Envelope): NetworkPolicy | undefined {
  const f = env.f;
  if (f.get(['spec', 'podSelector']) === undefined)
    f.report(
      'missing-field',
      'error',
      ['spec', 'podSelector'],
      'spec.podSelector is required (use {} to select every pod in the namespace)',
      'Add spec.podSelector.',
    );
  const podSelector = podSelectorOf(env);
  const declaredTypes = f
    .list(['spec', 'policyTypes'])
    .map((_, i) => f.str(['spec', 'policyTypes', i]) ?? '');
  for (const [i, t] of declaredTypes.entries())
    if (t !== 'Ingress' && t !== 'Egress')
      f.report(
        'invalid-field',
        'error',
        ['spec', 'policyTypes', i],
        `policyTypes[${i}] "${t}" must be Ingress or Egress`,
      );
  const ingress = f.list(['spec', 'ingress']).map((_, i) => readRule(env, 'ingress', i));
  const egress = f.list(['spec', 'egress']).map((_, i) => readRule(env, 'egress', i));
  const inferred = declaredTypes.length === 0;
  const policyTypes: PolicyType[] = inferred
    ? egress.length
      ? ['Ingress', 'Egress']
      : ['Ingress']
    : (['Ingress', 'Egress'] as const).filter((t) => declaredTypes.includes(t));
  if (!podSelector || f.invalid) return undefined;
  return {
    ...namespacedMetaOf(env),
    podSelector,
    policyTypes,
    policyTypesInferred: inferred,
    ingress: ingress.filter((r): r is PolicyRule => !!r),
    egress: egress.filter((r): r is PolicyRule => !!r),
  };
}

/**
 * `spec.podSelector` written with no value (YAML null) is `{}`, every pod of the namespace: the field is a value,
 * not a pointer (`NetworkPolicySpec.PodSelector metav1.LabelSelector`), so the API server stores null as the empty
 * selector. https://github.com/kubernetes/api/blob/master/networking/v1/types.go (NetworkPolicySpec)
 */
function podSelectorOf(env: Envelope): Selector | undefined {
  if (env.f.get(['spec', 'podSelector']) !== null) return readSelector(env.f, ['spec', 'podSelector']);
  env.f.report(
    'null-selector',
    'info',
    ['spec', 'podSelector'],
    'spec.podSelector is null: the API server stores it as {} (the field is a value, not a pointer), so this policy selects every pod in the namespace',
    'Write podSelector: {} to say so.',
  );
  return everything;
}

function readRule(env: Envelope, direction: 'ingress' | 'egress', index: number): PolicyRule | undefined {
  const f = env.f;
  const at = ['spec', direction, index];
  const peerField = direction === 'ingress' ? 'from' : 'to';
  const rawPeers = f.list([...at, peerField]);
  const peers: PolicyPeer[] = [];
  rawPeers.forEach((_, i) => {
    const p = [...at, peerField, i];
    // The peer read once; `has` looks in it (as `f.get([...p, k]) != null` would, without a path per call).
    const peer = f.get(p);
    const field = (k: string): unknown =>
      peer !== null && typeof peer === 'object' ? (peer as Record<string, unknown>)[k] : undefined;
    const has = (k: string) => field(k) !== undefined && field(k) !== null;
    if (!has('podSelector') && !has('namespaceSelector') && !has('ipBlock'))
      return f.report(
        'invalid-peer',
        'error',
        p,
        `${direction}[${index}].${peerField}[${i}] must set podSelector, namespaceSelector or ipBlock`,
        'An empty peer is invalid; omit `' + peerField + '` to allow every peer.',
      );
    if (has('ipBlock') && (has('podSelector') || has('namespaceSelector')))
      return f.report(
        'invalid-peer',
        'error',
        p,
        `${direction}[${index}].${peerField}[${i}]: ipBlock cannot be combined with podSelector or namespaceSelector`,
        'Split it into two peers.',
      );
    if (has('ipBlock')) {
      const cidrText = f.str([...p, 'ipBlock', 'cidr']) ?? '';
      const cidr = parseCidr(cidrText);
      if (!cidr)
        return f.report(
          'invalid-cidr',
          'error',
          [...p, 'ipBlock', 'cidr'],
          `ipBlock.cidr "${cidrText}" is not a CIDR`,
        );
      const except = f
        .list([...p, 'ipBlock', 'except'])
        .map((_, j) => f.str([...p, 'ipBlock', 'except', j]) ?? '');
      for (const [j, e] of except.entries()) {
        const ec = parseCidr(e);
        if (!ec)
          f.report(
            'invalid-cidr',
            'error',
            [...p, 'ipBlock', 'except', j],
            `ipBlock.except "${e}" is not a CIDR`,
          );
        else if (
          ec.family !== cidr.family ||
          ec.prefix <= cidr.prefix ||
          !cidrContains(cidr, { family: ec.family, value: ec.base })
        )
          f.report(
            'invalid-cidr',
            'error',
            [...p, 'ipBlock', 'except', j],
            `ipBlock.except "${e}" must be a strict subset of cidr ${cidrText}`,
          );
      }
      peers.push({ ipBlock: { cidr: cidrText, except }, source: env.raw.locate(p) });
      return;
    }
    if (field('namespaceSelector') === null && has('podSelector'))
      f.report(
        'null-selector',
        'warning',
        [...p, 'namespaceSelector'],
        `${direction}[${index}].${peerField}[${i}].namespaceSelector is null: the API server drops it (the field is a pointer), so this peer selects pods of ${env.namespace} only`,
        'Write namespaceSelector: {} to select every namespace, or remove the key.',
      );
    const podSelector = has('podSelector') ? readSelector(f, [...p, 'podSelector']) : undefined;
    const namespaceSelector = has('namespaceSelector')
      ? readSelector(f, [...p, 'namespaceSelector'])
      : undefined;
    peers.push({
      ...(podSelector ? { podSelector } : {}),
      ...(namespaceSelector ? { namespaceSelector } : {}),
      source: env.raw.locate(p),
    });
  });
  const rawPorts = f.list([...at, 'ports']);
  const ports: PolicyPort[] = [];
  rawPorts.forEach((_, i) => {
    const p = [...at, 'ports', i];
    const protocol = f.protocol([...p, 'protocol']);
    const port = f.intOrString([...p, 'port']);
    const endPort = f.int([...p, 'endPort']);
    if (!protocol) return;
    // A port or endPort out of 1..65535 was reported by the read (src/model/field-types); the rule is left out.
    if (port === undefined && f.get([...p, 'port']) !== undefined) return;
    if (endPort === undefined && f.get([...p, 'endPort']) !== undefined) return;
    if (typeof port === 'string' && !isIanaSvcName(port))
      return f.report(
        'invalid-port-name',
        'error',
        [...p, 'port'],
        /^\d+$/.test(port)
          ? `port "${port}" is a quoted number, which Kubernetes reads as a port name; names need a letter`
          : `port "${port}" is not a valid port name`,
        /^\d+$/.test(port) ? `Write port: ${port} without quotes.` : undefined,
      );
    if (endPort !== undefined) {
      if (typeof port !== 'number')
        return f.report(
          'invalid-port',
          'error',
          [...p, 'endPort'],
          'endPort needs a numeric port',
          'Set port to the first number of the range.',
        );
      if (endPort < port)
        return f.report(
          'invalid-port',
          'error',
          [...p, 'endPort'],
          `endPort ${endPort} must be between port ${port} and 65535`,
        );
    }
    ports.push({
      protocol,
      ...(port !== undefined ? { port } : {}),
      ...(endPort !== undefined ? { endPort } : {}),
      source: env.raw.locate(p),
    });
  });
  return {
    index,
    peers: rawPeers.length ? peers : 'all',
    ports: rawPorts.length ? ports : 'all',
    source: env.raw.locate(at),
  };
}
