import {
  ciliumLabels,
  type CiliumPolicy,
  type CiliumRule,
  type CiliumSection,
  type CiliumSpec,
} from '../model/cilium-policy.ts';
import { byKey } from '../model/keys.ts';
import type { PathSegment } from '../parse/index.ts';
import type { Envelope } from './_envelope.ts';
import { readCiliumRule } from './_cilium-rules.ts';
import { ciliumKey, readCiliumSelector, scopeSelector } from './_cilium-selectors.ts';

const kinds = new Set(['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy']);
const sections: readonly CiliumSection[] = ['ingress', 'ingressDeny', 'egress', 'egressDeny'];

/**
 * CiliumNetworkPolicy (namespaced) and CiliumClusterwideNetworkPolicy (cilium.io/v2), `spec` and `specs`, read
 * as the Cilium agent imports them: a CiliumNetworkPolicy's endpointSelector and peer selectors are scoped to
 * its namespace, `enableDefaultDeny` defaults to true for each direction that has rules. A policy with an error
 * is reported at its line and left out (the agent refuses it); the other objects are still analysed.
 * https://docs.cilium.io/en/stable/network/kubernetes/policy/#ciliumnetworkpolicy
 */
export function buildCiliumPolicies(envs: readonly Envelope[]): CiliumPolicy[] {
  const out: CiliumPolicy[] = [];
  for (const env of envs) {
    if (!kinds.has(env.kind) || env.group !== 'cilium.io') continue;
    const p = readPolicy(env);
    if (p && !env.f.invalid) out.push(p);
  }
  return out.sort(byKey);
}

function readPolicy(env: Envelope): CiliumPolicy | undefined {
  const f = env.f;
  const namespaced = env.kind === 'CiliumNetworkPolicy';
  const namespace = namespaced ? (env.namespace ?? 'default') : undefined;
  const specs: CiliumSpec[] = [];
  if (f.map(['spec'])) specs.push(readSpec(env, ['spec'], 'spec', namespace));
  f.list(['specs']).forEach((_, i) => specs.push(readSpec(env, ['specs', i], `specs[${i}]`, namespace)));
  if (!specs.length)
    f.report('missing-field', 'error', ['spec'], `${env.kind} ${env.name} has neither spec nor specs`);
  if (f.invalid) return undefined;
  const unmodeled =
    namespace === undefined ? [] : specs.flatMap((spec) => foreignNamespace(env, spec, namespace));
  const nodeRules = specs.flatMap((spec) =>
    spec.rules.flatMap((r) =>
      nodePeerFields(r).map(
        (field) =>
          `${spec.path === 'spec' ? '' : `${spec.path}.`}${r.section}[${r.index}].${field} (${nodesNote})`,
      ),
    ),
  );
  return {
    key: env.key,
    name: env.name,
    ...(namespace !== undefined ? { namespace } : {}),
    labels: env.labels,
    annotations: env.annotations,
    source: env.raw.source,
    kind: env.kind as CiliumPolicy['kind'],
    specs,
    ...(nodeRules.length ? { nodeRules } : {}),
    ...(unmodeled.length ? { unmodeled } : {}),
  };
}

/**
 * A CiliumNetworkPolicy whose endpointSelector names a namespace other than its own: Cilium "always applies [it]
 * in namespace of the policy resource" by setting `k8s:io.kubernetes.pod.namespace` to the policy's namespace
 * (pkg/k8s/apis/cilium.io/utils, ParseToCiliumRule, which only logs "removing illegal namespace match"): a
 * `k8s:`-prefixed match is replaced, but one with another source (no prefix is `any:`) or a matchExpression stays
 * beside it, and then no pod matches both. kubetwin selects the pods of the policy's namespace; the verdicts of the
 * policy are unknown.
 */
function foreignNamespace(env: Envelope, spec: CiliumSpec, namespace: string): string[] {
  const at = spec.path === 'spec' ? ['spec'] : ['specs', Number(spec.path.slice(6, -1))];
  const sel = [...at, 'endpointSelector'];
  const named: string[] = [];
  const labels = env.f.map([...sel, 'matchLabels']);
  for (const [k, v] of Object.entries(labels ?? {}))
    if (ciliumKey(k) === ciliumLabels.namespace && v !== namespace) named.push(`${k}: ${String(v)}`);
  env.f.list([...sel, 'matchExpressions']).forEach((_, i) => {
    const k = env.f.str([...sel, 'matchExpressions', i, 'key']);
    if (k !== undefined && ciliumKey(k) === ciliumLabels.namespace)
      named.push(`matchExpressions[${i}] on ${k}`);
  });
  if (!named.length) return [];
  env.f.report(
    'field-not-modeled',
    'warning',
    sel,
    `${spec.path}.endpointSelector names a namespace (${named.join(', ')}), but a CiliumNetworkPolicy applies in its own namespace (${namespace}): Cilium replaces a k8s:io.kubernetes.pod.namespace match with it and keeps any other beside it, so the policy may select no pod; verdicts it judges are unknown`,
    'Drop the namespace from the endpointSelector, or use a CiliumClusterwideNetworkPolicy.',
  );
  return [`${spec.path}.endpointSelector (${named.join(', ')}: ${foreignNamespaceNote(namespace)})`];
}

const foreignNamespaceNote = (ns: string) =>
  `a namespace other than the policy's; Cilium sets the k8s: one to ${ns} and keeps others beside it, so the policy may select no pod`;

/**
 * Why `fromNodes` / `toNodes` make a policy's verdicts unknown: Cilium's rule validation refuses them unless the
 * agent runs with `enable-node-selector-labels` ("FromNodes/ToNodes rules can only be applied when the
 * "enable-node-selector-labels" flag is set", pkg/policy/api/rule_validation.go), which is off by default
 * (pkg/defaults), and a refused rule leaves the whole policy out; kubetwin reads neither the flag nor the agent's
 * configuration. https://docs.cilium.io/en/stable/security/policy/language/#node-based
 */
export const nodesNote =
  'Cilium accepts fromNodes/toNodes only when the agent runs with enable-node-selector-labels, off by default, and otherwise refuses the whole policy';

/** The `fromNodes` / `toNodes` fields of a rule that name nodes. */
function nodePeerFields(r: CiliumRule): string[] {
  if (r.peers === 'all') return [];
  return [...new Set(r.peers.filter((p) => p.kind === 'nodes').map((p) => p.path.replace(/\[.*$/, '')))];
}

function readSpec(
  env: Envelope,
  at: readonly PathSegment[],
  path: string,
  namespace: string | undefined,
): CiliumSpec {
  const f = env.f;
  const hasEndpoints = f.get([...at, 'endpointSelector']) !== undefined;
  const hasNodes = f.get([...at, 'nodeSelector']) !== undefined;
  if (hasEndpoints === hasNodes)
    f.report(
      'cilium-invalid-rule',
      'error',
      [...at],
      `${path}: exactly one of endpointSelector and nodeSelector must be set`,
    );
  const endpointSel = hasEndpoints ? readCiliumSelector(f, [...at, 'endpointSelector']) : undefined;
  // A CiliumNetworkPolicy selects pods of its own namespace only, whatever its endpointSelector says.
  const endpointSelector =
    endpointSel && namespace !== undefined
      ? scopeSelector(
          {
            requirements: endpointSel.requirements.filter((r) => r.key !== 'io.kubernetes.pod.namespace'),
          },
          namespace,
        )
      : endpointSel && scopeSelector(endpointSel, undefined);
  const nodeSelector = hasNodes ? readCiliumSelector(f, [...at, 'nodeSelector']) : undefined;
  if (nodeSelector && namespace !== undefined)
    f.report(
      'cilium-invalid-rule',
      'error',
      [...at, 'nodeSelector'],
      `${path}.nodeSelector: host policies must be CiliumClusterwideNetworkPolicies`,
    );
  if (nodeSelector && namespace === undefined)
    f.report(
      'field-not-modeled',
      'warning',
      [...at, 'nodeSelector'],
      `${path}.nodeSelector: host firewall policies are not modeled; verdicts on traffic into or out of the nodes it selects are unknown`,
    );
  const rules: CiliumRule[] = [];
  for (const section of sections)
    f.list([...at, section]).forEach((_, i) => rules.push(readCiliumRule(f, at, section, i, namespace)));
  const has = (dir: 'ingress' | 'egress') => rules.some((r) => r.section.startsWith(dir));
  const flag = (dir: 'ingress' | 'egress') => f.bool([...at, 'enableDefaultDeny', dir]) ?? has(dir);
  return {
    path,
    ...(endpointSelector ? { endpointSelector } : {}),
    // A clusterwide policy's endpointSelector gets no namespace from Cilium: as written, it also selects reserved
    // identities such as ingress (pkg/k8s/apis/cilium.io/utils ParseToCiliumRule adds one only with a namespace).
    ...(endpointSel && namespace === undefined ? { writtenSelector: endpointSel } : {}),
    ...(nodeSelector ? { nodeSelector } : {}),
    rules,
    defaultDeny: { ingress: flag('ingress'), egress: flag('egress') },
    source: env.raw.locate(at),
  };
}
