import { byNamespaceName } from '../model/keys.ts';
import type { SourceRef } from '../model/diagnostic.ts';
import type {
  NetworkPolicy,
  PolicyPeer,
  PolicyPort,
  PolicyRule,
  PolicyType,
  Protocol,
} from '../model/types.ts';
import { cidrContains, parseCidr } from '../lib/ip.ts';
import { isIanaSvcName } from '../lib/label-validation.ts';
import type { Envelope } from './_envelope.ts';
import { readSelector } from './_selectors.ts';
import { everything, type Selector } from '../lib/labels.ts';
import { sized } from '../lib/sized.ts';
import { SharedSelectors } from './_shared-selectors.ts';

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
  // Equal selectors of this call's policies are one object (`SharedSelectors`).
  const shared = new SharedSelectors();
  for (const env of envs) {
    if (env.kind !== 'NetworkPolicy') continue;
    const np = through(env, () => readPolicy(env, shared));
    if (np && !env.f.invalid) out.push(np);
  }
  return out.sort(byNamespaceName);
}

function readPolicy(env: Envelope, shared: SharedSelectors): NetworkPolicy | undefined {
  const f = env.f;
  if (f.get(['spec', 'podSelector']) === undefined)
    f.report(
      'missing-field',
      'error',
      ['spec', 'podSelector'],
      'spec.podSelector is required (use {} to select every pod in the namespace)',
      'Add spec.podSelector.',
    );
  const podSelector = podSelectorOf(env, shared);
  const typeList = f.cursor(['spec', 'policyTypes']);
  const declaredTypes = f.list(['spec', 'policyTypes']).map((_, i) => typeList.str(i) ?? '');
  for (const [i, t] of declaredTypes.entries())
    if (t !== 'Ingress' && t !== 'Egress')
      f.report(
        'invalid-field',
        'error',
        ['spec', 'policyTypes', i],
        `policyTypes[${i}] "${t}" must be Ingress or Egress`,
      );
  const ingress = f.list(['spec', 'ingress']).map((_, i) => readRule(env, 'ingress', i, shared));
  const egress = f.list(['spec', 'egress']).map((_, i) => readRule(env, 'egress', i, shared));
  const inferred = declaredTypes.length === 0;
  const policyTypes = typesList(
    inferred || declaredTypes.includes('Ingress'),
    inferred ? egress.length > 0 : declaredTypes.includes('Egress'),
  );
  if (!podSelector || f.invalid) return undefined;
  // One literal, no spread: a spread gave nearly every policy its own hidden class, so the engine's reads of
  // policies (16,400 at realistic 150k) were megamorphic (design note 0008, twelfth session). Same keys in the
  // same order as `namespacedMetaOf` (`_envelope.ts`), so JSON output is unchanged.
  return {
    key: env.key,
    name: env.name,
    namespace: env.namespace ?? 'default',
    labels: env.labels,
    annotations: env.annotations,
    source: env.raw.source,
    podSelector,
    policyTypes,
    policyTypesInferred: inferred,
    ingress: rulesList(ingress),
    egress: rulesList(egress),
  };
}

/**
 * The `policyTypes` lists and the empty rule list, one frozen object per content, shared by every policy. The
 * compile reads every policy's `policyTypes` and rule lists once per engine, and each list a policy owned was
 * one more object to fetch from memory (16,400 policies at realistic 150k, whose policyTypes are one of three
 * lists and whose egress is mostly empty; design note 0008, sixteenth session). Nothing writes a model list.
 */
const TYPE_LISTS: readonly (readonly PolicyType[])[] = [
  Object.freeze([]),
  Object.freeze(['Ingress']),
  Object.freeze(['Egress']),
  Object.freeze(['Ingress', 'Egress']),
];
const NO_RULES: readonly PolicyRule[] = Object.freeze([]);

/** The shared `policyTypes` list holding Ingress and Egress as asked, in that order. */
function typesList(ingress: boolean, egress: boolean): readonly PolicyType[] {
  return TYPE_LISTS[(ingress ? 1 : 0) | (egress ? 2 : 0)];
}

/** A policy's valid rules in an exact-size list; no rule: the shared empty list. */
function rulesList(rules: readonly (PolicyRule | undefined)[]): readonly PolicyRule[] {
  const valid = rules.filter((r): r is PolicyRule => !!r);
  return valid.length ? sized(valid) : NO_RULES;
}

/**
 * `spec.podSelector` written with no value (YAML null) is `{}`, every pod of the namespace: the field is a value,
 * not a pointer (`NetworkPolicySpec.PodSelector metav1.LabelSelector`), so the API server stores null as the empty
 * selector. https://github.com/kubernetes/api/blob/master/networking/v1/types.go (NetworkPolicySpec)
 */
function podSelectorOf(env: Envelope, shared: SharedSelectors): Selector | undefined {
  if (env.f.get(['spec', 'podSelector']) !== null) {
    const selector = readSelector(env.f, ['spec', 'podSelector']);
    return selector && shared.share(selector);
  }
  env.f.report(
    'null-selector',
    'info',
    ['spec', 'podSelector'],
    'spec.podSelector is null: the API server stores it as {} (the field is a value, not a pointer), so this policy selects every pod in the namespace',
    'Write podSelector: {} to say so.',
  );
  return everything;
}

function readRule(
  env: Envelope,
  direction: 'ingress' | 'egress',
  index: number,
  shared: SharedSelectors,
): PolicyRule | undefined {
  const f = env.f;
  const at = ['spec', direction, index];
  const rule = f.cursor(at);
  const peerField = direction === 'ingress' ? 'from' : 'to';
  const rawPeers = rule.list(peerField);
  const peerList = rule.at(peerField);
  const peers: PolicyPeer[] = [];
  rawPeers.forEach((_, i) => {
    // One cursor per peer: its fields are read below it, without a path array per read.
    const peer = peerList.at(i);
    const p = peer.path;
    const has = (k: string) => peer.get(k) !== undefined && peer.get(k) !== null;
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
      const block = peer.at('ipBlock');
      const cidrText = block.str('cidr') ?? '';
      const cidr = parseCidr(cidrText);
      if (!cidr)
        return f.report(
          'invalid-cidr',
          'error',
          block.pathOf('cidr'),
          `ipBlock.cidr "${cidrText}" is not a CIDR`,
        );
      const exceptList = block.at('except');
      const except = block.list('except').map((_, j) => exceptList.str(j) ?? '');
      for (const [j, e] of except.entries()) {
        const ec = parseCidr(e);
        if (!ec)
          f.report('invalid-cidr', 'error', exceptList.pathOf(j), `ipBlock.except "${e}" is not a CIDR`);
        else if (
          ec.family !== cidr.family ||
          ec.prefix <= cidr.prefix ||
          !cidrContains(cidr, { family: ec.family, value: ec.base })
        )
          f.report(
            'invalid-cidr',
            'error',
            exceptList.pathOf(j),
            `ipBlock.except "${e}" must be a strict subset of cidr ${cidrText}`,
          );
      }
      peers.push({ ipBlock: { cidr: cidrText, except }, source: env.raw.locate(p) });
      return;
    }
    if (peer.get('namespaceSelector') === null && has('podSelector'))
      f.report(
        'null-selector',
        'warning',
        peer.pathOf('namespaceSelector'),
        `${direction}[${index}].${peerField}[${i}].namespaceSelector is null: the API server drops it (the field is a pointer), so this peer selects pods of ${env.namespace} only`,
        'Write namespaceSelector: {} to select every namespace, or remove the key.',
      );
    const podSelector = has('podSelector') ? readSelector(f, peer.pathOf('podSelector')) : undefined;
    const namespaceSelector = has('namespaceSelector')
      ? readSelector(f, peer.pathOf('namespaceSelector'))
      : undefined;
    const sharedPod = podSelector && shared.share(podSelector);
    const sharedNamespace = namespaceSelector && shared.share(namespaceSelector);
    peers.push(selectorPeer(sharedPod, sharedNamespace, env.raw.locate(p)));
  });
  const rawPorts = rule.list('ports');
  const portList = rule.at('ports');
  const ports: PolicyPort[] = [];
  rawPorts.forEach((_, i) => {
    const entry = portList.at(i);
    const protocol = entry.protocol('protocol');
    const port = entry.intOrString('port');
    const endPort = entry.int('endPort');
    if (!protocol) return;
    // A port or endPort out of 1..65535 was reported by the read (src/model/field-types); the rule is left out.
    if (port === undefined && entry.get('port') !== undefined) return;
    if (endPort === undefined && entry.get('endPort') !== undefined) return;
    if (typeof port === 'string' && !isIanaSvcName(port))
      return f.report(
        'invalid-port-name',
        'error',
        entry.pathOf('port'),
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
          entry.pathOf('endPort'),
          'endPort needs a numeric port',
          'Set port to the first number of the range.',
        );
      if (endPort < port)
        return f.report(
          'invalid-port',
          'error',
          entry.pathOf('endPort'),
          `endPort ${endPort} must be between port ${port} and 65535`,
        );
    }
    ports.push(policyPort(protocol, port, endPort, env.raw.locate(entry.path)));
  });
  return {
    index,
    peers: rawPeers.length ? sized(peers) : 'all',
    ports: rawPorts.length ? sized(ports) : 'all',
    source: env.raw.locate(at),
  };
}

/**
 * A selector peer as one of three object literals (absent selectors stay absent keys): built with spreads, every
 * peer had its own hidden class and the compile's reads of peers were megamorphic (design note 0008, twelfth
 * session). Keys in the order the spreads gave them.
 */
function selectorPeer(
  podSelector: Selector | undefined,
  namespaceSelector: Selector | undefined,
  source: SourceRef,
): PolicyPeer {
  if (podSelector && namespaceSelector) return { podSelector, namespaceSelector, source };
  if (podSelector) return { podSelector, source };
  // Neither: a selector was invalid, and the policy is dropped.
  return namespaceSelector ? { namespaceSelector, source } : { source };
}

/** A port as one of three object literals (see `selectorPeer`): port-less, a port, a range. */
function policyPort(
  protocol: Protocol,
  port: number | string | undefined,
  endPort: number | undefined,
  source: SourceRef,
): PolicyPort {
  if (port === undefined) return { protocol, source };
  if (endPort === undefined) return { protocol, port, source };
  return { protocol, port, endPort, source };
}
