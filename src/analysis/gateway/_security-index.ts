/**
 * The Envoy Gateway SecurityPolicies of a model, indexed once per compiled router (route/index.ts `compileRouter`,
 * which `serve gateway --watch` calls again on every reload): who targets which object, in the provider's order, and
 * which Gateways a ClientTrafficPolicy takes the client address of. Answers then look policies up by key instead of
 * re-sorting the policies and evaluating every `targetSelectors` over every object per request. Built from the model
 * as it is when the router is compiled, never memoised on the model (a watch edits the model in place).
 *
 * Order: Envoy Gateway sorts policies by `creationTimestamp`, then namespace/name, before attaching them
 * (internal/gatewayapi/securitypolicy.go ProcessSecurityPolicies); `targetSelectors` select whole objects of the
 * policy's namespace by their labels (internal/gatewayapi/policy.go).
 * https://gateway.envoyproxy.io/docs/api/extension_types/#securitypolicy
 * https://gateway.envoyproxy.io/docs/api/extension_types/#clientipdetectionsettings
 * Pure.
 */
import type { EnvoySecurityPolicy } from '../../model/envoy-security-policy.ts';
import type { ClusterModel, ObjectKey } from '../../model/types.ts';
import { attachmentTargets, selectedTargets } from '../unmodeled/index.ts';

export const gatewayGroup = 'gateway.networking.k8s.io';

/** One policy's attachment to one object: a targetRef (with its sectionName), or a targetSelector (the whole object). */
export interface SecurityAttachment {
  readonly policy: EnvoySecurityPolicy;
  /** The targetRef's `sectionName` (undefined: the whole object, and always for a selector). */
  readonly section?: string;
  readonly bySelector: boolean;
}

/** A targetRef as written, by the key it names (any group), with its place in the input (to report in input order). */
export interface SecurityRef {
  readonly policy: EnvoySecurityPolicy;
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly position: number;
}

export interface SecurityPolicyIndex {
  /**
   * Per object key (`HTTPRoute/ns/name`, `Gateway/ns/name`): the policies attached with group
   * gateway.networking.k8s.io or by selector, in the provider's order (oldest first, then namespace/name).
   */
  readonly attached: ReadonlyMap<ObjectKey, readonly SecurityAttachment[]>;
  /** Per key named (`Kind/ns/name`, whatever the group): every targetRef naming it, in input order. */
  readonly refs: ReadonlyMap<ObjectKey, readonly SecurityRef[]>;
  /** The policies in input order, each with the keys it governs (gateway.networking.k8s.io refs and selected objects). */
  readonly governs: readonly {
    readonly policy: EnvoySecurityPolicy;
    readonly keys: ReadonlySet<ObjectKey>;
  }[];
  /**
   * Per Gateway key: why the client address Envoy judges is not the peer's (the first ClientTrafficPolicy in input
   * order attached to it that sets clientIPDetection or the PROXY protocol).
   */
  readonly addressRewritten: ReadonlyMap<ObjectKey, string>;
}

const order = (p: EnvoySecurityPolicy) =>
  `${p.creationTimestamp ?? '9999'}\u0000${p.namespace}\u0000${p.name}`;

const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
};

/** The index of the model's SecurityPolicies; undefined when it holds none (no answer is then judged by one). */
export function indexSecurityPolicies(model: ClusterModel): SecurityPolicyIndex | undefined {
  const policies = model.routing?.envoySecurityPolicies ?? [];
  if (!policies.length) return undefined;
  const others = new Map(model.others.map((o) => [o.key, o]));
  const attached = new Map<ObjectKey, SecurityAttachment[]>();
  const refs = new Map<ObjectKey, SecurityRef[]>();
  const governs: SecurityPolicyIndex['governs'][number][] = [];
  let position = 0;
  for (const policy of policies) {
    const o = others.get(policy.key);
    const selected = o ? selectedTargets(o, model.others) : [];
    const keys = new Set<ObjectKey>(selected);
    for (const t of policy.targets) {
      const key = `${t.kind}/${policy.namespace}/${t.name}`;
      push(refs, key, { policy, group: t.group, kind: t.kind, name: t.name, position: position++ });
      if (t.group === gatewayGroup) keys.add(key);
    }
    governs.push({ policy, keys });
  }
  for (const policy of [...policies].sort((a, b) => (order(a) < order(b) ? -1 : 1))) {
    for (const t of policy.targets)
      if (t.group === gatewayGroup)
        push(attached, `${t.kind}/${policy.namespace}/${t.name}`, {
          policy,
          section: t.sectionName,
          bySelector: false,
        });
    const o = others.get(policy.key);
    for (const key of o ? selectedTargets(o, model.others) : [])
      push(attached, key, { policy, bySelector: true });
  }
  return { attached, refs, governs, addressRewritten: addressRewritten(model) };
}

/**
 * Per Gateway: the ClientTrafficPolicy attached to it (or one of its listeners) that sets clientIPDetection or the
 * PROXY protocol, said as the reason the judged address is not the peer's; the first in input order wins.
 */
function addressRewritten(model: ClusterModel): Map<ObjectKey, string> {
  const out = new Map<ObjectKey, string>();
  for (const o of model.others) {
    if (o.kind !== 'ClientTrafficPolicy' || !o.apiVersion.startsWith('gateway.envoyproxy.io/')) continue;
    const spec = (o.body.spec ?? {}) as Record<string, unknown>;
    const fields = ['clientIPDetection', 'enableProxyProtocol', 'proxyProtocol'].filter(
      (k) => spec[k] !== undefined && spec[k] !== false,
    );
    if (!fields.length) continue;
    for (const gateway of [...attachmentTargets(o), ...selectedTargets(o, model.others)])
      if (gateway.startsWith('Gateway/') && !out.has(gateway))
        out.set(
          gateway,
          `ClientTrafficPolicy ${o.namespace}/${o.name} sets ${fields.map((f) => `spec.${f}`).join(', ')} on ${gateway}: the client address Envoy judges comes from it (X-Forwarded-For, a custom header or the PROXY protocol), which kubetwin does not model`,
        );
  }
  return out;
}
