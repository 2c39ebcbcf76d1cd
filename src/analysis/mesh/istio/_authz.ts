/**
 * Istio request authorization at the server's sidecar: which AuthorizationPolicies apply to a pod and what they
 * decide for one connection or request. Order: CUSTOM (an external authorizer: not modeled, so unknown), then
 * DENY (any matching rule denies), then ALLOW (with ALLOW policies present, a request no rule matches is
 * denied; an ALLOW policy without rules matches nothing). AUDIT policies only log.
 * https://istio.io/latest/docs/reference/config/security/authorization-policy/
 * https://istio.io/latest/docs/concepts/security/#implicit-enablement
 */
import { matches, selectorFromMap } from '../../../lib/labels.ts';
import type { AuthorizationPolicy } from '../../../model/mesh.ts';
import type { SourceRef } from '../../../model/diagnostic.ts';
import type { Pod } from '../../../model/types.ts';
import { firstMiss, ruleMatches, type AuthzFacts } from './_authz-match.ts';

export interface AuthzVerdict {
  /** What the modeled policies decide; without an HTTP request, whether some request may pass (L4). */
  readonly allowed: boolean;
  /** The policy and rule that decided, when one did. */
  readonly policy?: string;
  readonly rule?: number;
  readonly action?: 'ALLOW' | 'DENY';
  readonly source?: SourceRef;
  /** One sentence: why. */
  readonly reason: string;
  /** The verdict depends on the HTTP request (methods, paths, headers), which was not given. */
  readonly l7: boolean;
  /** What kubetwin does not model that could change this verdict; empty when it is known. */
  readonly unknown: readonly string[];
  readonly notes: readonly string[];
  /** Every policy that applies to the pod, sorted. */
  readonly policies: readonly string[];
  /** Denied because the only ALLOW policies that apply have no rules: a new ALLOW policy is the fix. */
  readonly allowsNothing?: boolean;
  /** What to change when the usual advice (admit the client in the policy) does not fit. */
  readonly fix?: string;
}

/**
 * The policies that apply to a pod's sidecar: those without a selector in its namespace or the root namespace,
 * and those whose selector matches it in its namespace or the root namespace (which selects in every namespace).
 */
export function policiesFor(
  policies: readonly AuthorizationPolicy[],
  rootNamespace: string,
  pod: Pod,
): AuthorizationPolicy[] {
  return policies.filter(
    (p) =>
      (p.namespace === pod.namespace || p.namespace === rootNamespace) &&
      (!p.selector || matches(selectorFromMap(p.selector), pod.labels)),
  );
}

const at = (p: AuthorizationPolicy, rule: number) => `${p.key} spec.rules[${rule}]`;

/** The verdict of the policies that apply to `pod` for one connection or request. */
export function authorize(applicable: readonly AuthorizationPolicy[], facts: AuthzFacts): AuthzVerdict {
  const policies = applicable.map((p) => p.key).sort();
  const notes: string[] = [];
  const base = { policies, notes };
  const unknownFrom = new Set<string>();
  const targetRefs = new Set<string>();
  for (const p of applicable) {
    if (p.targetRefs)
      targetRefs.add(`${p.key} uses targetRefs (waypoints and gateways), which kubetwin does not model`);
    if (p.action === 'CUSTOM')
      unknownFrom.add(
        `${p.key} is a CUSTOM policy: an external authorizer decides, which kubetwin does not model`,
      );
  }
  const judged = (p: AuthorizationPolicy, deny: boolean) =>
    p.rules.map((r) => {
      const u = new Set<string>();
      return { p, r, t: ruleMatches(facts, r, u, deny), u };
    });
  const selectorOnly = applicable.filter((p) => !p.targetRefs);
  const denies = selectorOnly.filter((p) => p.action === 'DENY').flatMap((p) => judged(p, true));
  const hit = denies.find((d) => d.t === 'yes');
  if (hit)
    return {
      ...base,
      allowed: false,
      policy: hit.p.key,
      rule: hit.r.index,
      action: 'DENY',
      source: hit.r.source,
      reason: `denied by DENY policy ${at(hit.p, hit.r.index)}`,
      l7: false,
      unknown: [],
    };
  for (const p of selectorOnly.filter((x) => x.action === 'AUDIT'))
    if (judged(p, false).some((j) => j.t === 'yes'))
      notes.push(`AUDIT policy ${p.key} matches: the request is logged`);
  const allowPolicies = selectorOnly.filter((p) => p.action === 'ALLOW');
  const allows = allowPolicies.flatMap((p) => judged(p, false));
  const ok = allows.find((a) => a.t === 'yes');
  const denyMaybe = denies.filter((d) => d.t === 'unknown');
  const denyL7 = denies.filter((d) => d.t === 'l7');
  const unknownReasons = (xs: typeof denies) =>
    xs.flatMap((x) => [...x.u].map((why) => `${at(x.p, x.r.index)}: ${why}`));
  if (allowPolicies.length && !ok) {
    const maybe = allows.filter((a) => a.t === 'unknown');
    const l7 = allows.filter((a) => a.t === 'l7');
    if (!maybe.length && !l7.length) {
      const empty = allowPolicies.filter((p) => !p.rules.length);
      // The rules that missed, each with the first condition it asks that the request does not meet: the nearest
      // rule is the policy to change, not an allow-nothing beside it.
      const missed = allows.flatMap((a) => {
        const why = firstMiss(facts, a.r);
        return why ? [{ a, why }] : [];
      });
      const nearest = missed[0]?.a.p ?? allowPolicies[0];
      const parts = [
        ...missed.map((m) => `${at(m.a.p, m.a.r.index)} needs ${m.why}`),
        ...(empty.length ? [`${empty.map((p) => p.key).join(', ')} has no rules: it allows nothing`] : []),
      ];
      return {
        ...base,
        allowed: false,
        action: 'ALLOW',
        policy: nearest.key,
        source: missed[0]?.a.r.source ?? nearest.source,
        ...(missed.length || allowPolicies.some((p) => p.rules.length) ? {} : { allowsNothing: true }),
        reason: parts.length
          ? `no ALLOW rule matches (${parts.join('; ')})`
          : `no rule of the ALLOW policies (${allowPolicies.map((p) => p.key).join(', ')}) matches: denied by default`,
        l7: false,
        // A CUSTOM policy can only deny more; a targetRefs one might be an ALLOW that admits.
        unknown: [...targetRefs].sort(),
      };
    }
    const first = (maybe[0] ?? l7[0])!;
    return {
      ...base,
      allowed: true,
      policy: first.p.key,
      rule: first.r.index,
      action: 'ALLOW',
      source: first.r.source,
      reason: maybe.length
        ? `${at(first.p, first.r.index)} may allow it`
        : `${at(first.p, first.r.index)} allows some requests: its HTTP conditions apply to each request`,
      l7: !maybe.length,
      unknown: [...unknownFrom, ...targetRefs, ...unknownReasons(maybe), ...unknownReasons(denyMaybe)].sort(),
    };
  }
  return {
    ...base,
    allowed: true,
    ...(ok ? { policy: ok.p.key, rule: ok.r.index, action: 'ALLOW' as const, source: ok.r.source } : {}),
    reason: ok
      ? `allowed by ALLOW policy ${at(ok.p, ok.r.index)}`
      : applicable.length
        ? 'no DENY rule matches and no ALLOW policy applies'
        : 'no AuthorizationPolicy applies',
    l7: denyL7.length > 0,
    unknown: [...unknownFrom, ...targetRefs, ...unknownReasons(denyMaybe)].sort(),
  };
}
