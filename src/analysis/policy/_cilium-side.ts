import type { Pod } from '../../model/types.ts';
import type { PartyTarget } from './_engine.ts';
import type { SideContext } from './_side.ts';
import { httpRuleMatches } from './_cilium-match.ts';
import type { CiliumSide } from './_cilium.ts';
import type { CiliumDnsRule } from '../../model/cilium-policy.ts';
import type { L7Verdict, SideVerdict } from './types.ts';

/** The Cilium tier's say on one side, with the verdict it gives when one of its allow rules admits. */
export interface CiliumSideResult extends CiliumSide {
  allowed(isolatedBy: SideVerdict['isolatedBy'], notes: readonly string[]): SideVerdict;
}

/**
 * Runs the Cilium tier for one side (the subject is a pod with a class) and turns an admitting allow rule into
 * a side verdict: allowed at L4, and — when every admitting rule carries HTTP rules — the L7 rules that apply;
 * with a request, refused (`l7-denied`, 403 from the proxy) when no HTTP rule admits it.
 * https://docs.cilium.io/en/stable/security/policy/language/#layer-7-examples
 */
export function ciliumSide(
  ctx: SideContext,
  direction: 'Ingress' | 'Egress',
  subject: PartyTarget,
  peer: PartyTarget,
  destination: Pod | undefined,
): CiliumSideResult {
  const engine = ctx.engine;
  const s = engine.cilium.decide(
    direction,
    { ...engine.ciliumTarget(subject), cls: subject.cls! },
    engine.ciliumTarget(peer),
    ctx.port,
    ctx.protocol,
    destination,
    ctx.withReasons,
  );
  for (const u of s.unmodeled)
    ctx.warnings?.push(`${u} is not modeled by kubetwin and may change this verdict`);
  return {
    ...s,
    allowed(isolatedBy, notes) {
      const base = {
        direction,
        isolatedBy,
        misses: [],
        notes: [...notes],
        ...(s.dns ? { dnsRules: s.dns } : {}),
      };
      if (s.dns) base.notes.push(dnsNote(s.dns));
      if (!s.http) return { ...base, allowed: true, reason: 'rule', match: s.allow };
      const rules = s.http.map((h) => h.ref);
      const req = ctx.http;
      if (!req) {
        const l7: L7Verdict = { rules };
        base.notes.push(
          `L7 HTTP rules apply on this port: the connection is admitted, and each request must match one of ${rules.length} HTTP rule(s) (others are answered 403 by the Cilium proxy)`,
        );
        return { ...base, allowed: true, reason: 'rule', match: s.allow, l7 };
      }
      const hit = s.http.find((h) => httpRuleMatches(h.rule, req));
      const l7: L7Verdict = { rules, request: req, allowed: !!hit, ...(hit ? { match: hit.ref } : {}) };
      if (hit) return { ...base, allowed: true, reason: 'rule', match: hit.ref, l7 };
      return { ...base, allowed: false, reason: 'l7-denied', match: s.allow, l7 };
    },
  };
}

/**
 * DNS rules on the admitting port send the lookups through Cilium's DNS proxy, which forwards only those whose
 * name one of the rules matches and rejects the others: the connection is allowed, not every lookup.
 * https://docs.cilium.io/en/stable/security/policy/language/#dns-based
 */
function dnsNote(rules: readonly CiliumDnsRule[]): string {
  const names = [...new Set(rules.map((r) => r.matchName ?? r.matchPattern ?? '*'))].sort();
  return `L7 DNS rules apply on this port: the connection is admitted, but Cilium's DNS proxy answers only lookups of names matching ${names.join(', ')} and rejects the others`;
}
