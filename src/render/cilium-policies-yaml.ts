/**
 * One suggested policy as a CiliumNetworkPolicy (cilium.io/v2) document, each rule under a comment naming the flow
 * steps that need it. Ports are strings, as Cilium's schema types them; a peer in another namespace names it with
 * `k8s:io.kubernetes.pod.namespace` (a CiliumNetworkPolicy's selectors stay in its own namespace otherwise).
 * https://docs.cilium.io/en/stable/security/policy/language/
 */
import {
  ciliumEntitiesOf as entitiesOf,
  ciliumSelectorLabels as identityLabelsOf,
  type PolicySpec,
  type RuleSpec,
} from '../analysis/suggest/index.ts';
import { labels, oneLine, q, whyLines } from './policies-yaml.ts';

const nsKey = 'k8s:io.kubernetes.pod.namespace';

function peerLines(r: RuleSpec, dir: 'ingress' | 'egress', namespace: string): string[] {
  const side = dir === 'ingress' ? 'from' : 'to';
  const p = r.peer;
  if (p.kind === 'pods') {
    const sel = {
      ...identityLabelsOf(p.labels),
      ...(p.namespace === namespace ? {} : { [nsKey]: p.namespace }),
    };
    return [`    - ${side}Endpoints:`, `        - matchLabels: ${labels(sel)}`];
  }
  if (p.kind === 'world') return [`    - ${side}Entities: [${entitiesOf(p).join(', ')}]`];
  return [`    - ${side}CIDR: [${p.cidr}]`];
}

function rules(list: readonly RuleSpec[], dir: 'ingress' | 'egress', namespace: string): string[] {
  if (!list.length) return [];
  const out = [`  ${dir}:`];
  for (const r of list) {
    out.push(...whyLines(r, '    '), ...peerLines(r, dir, namespace));
    out.push(
      '      toPorts:',
      `        - ports: [${r.ports.map((p) => `{port: ${JSON.stringify(String(p.port))}, protocol: ${p.protocol}}`).join(', ')}]`,
    );
  }
  return out;
}

export function ciliumPolicyYaml(p: PolicySpec): string {
  const deny = !p.ingress.length && !p.egress.length;
  const selector = identityLabelsOf(p.podLabels);
  return [
    '---',
    `# ${oneLine(p.comment)}`,
    'apiVersion: cilium.io/v2',
    'kind: CiliumNetworkPolicy',
    'metadata:',
    `  name: ${q(p.name)}`,
    `  namespace: ${q(p.namespace)}`,
    '  labels: {app.kubernetes.io/managed-by: kubetwin}',
    'spec:',
    `  endpointSelector: ${Object.keys(selector).length ? `{matchLabels: ${labels(selector)}}` : '{}'}`,
    // An empty rule admits nothing: the namespace's endpoints are in default deny both ways.
    ...(deny
      ? ['  ingress: [{}]', '  egress: [{}]']
      : [...rules(p.ingress, 'ingress', p.namespace), ...rules(p.egress, 'egress', p.namespace)]),
  ].join('\n');
}
