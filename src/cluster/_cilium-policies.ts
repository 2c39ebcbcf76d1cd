import type { CiliumPolicy, CiliumRule, CiliumSection, CiliumSpec } from '../model/cilium-policy.ts';
import { byKey } from '../model/keys.ts';
import type { PathSegment } from '../parse/index.ts';
import type { Envelope } from './_envelope.ts';
import { readCiliumRule } from './_cilium-rules.ts';
import { readCiliumSelector, scopeSelector } from './_cilium-selectors.ts';

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
  return {
    key: env.key,
    name: env.name,
    ...(namespace !== undefined ? { namespace } : {}),
    labels: env.labels,
    annotations: env.annotations,
    source: env.raw.source,
    kind: env.kind as CiliumPolicy['kind'],
    specs,
  };
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
    ...(nodeSelector ? { nodeSelector } : {}),
    rules,
    defaultDeny: { ingress: flag('ingress'), egress: flag('egress') },
    source: env.raw.locate(at),
  };
}
