/**
 * Cilium's policy audit mode (`policy-audit-mode: "true"`, Helm `policyAuditMode`): the agent computes each verdict
 * as it would enforce it, but the datapath lets what policy would drop through and logs it as AUDIT ("allow all
 * traffic while logging all connections that would otherwise be dropped by network policies",
 * https://docs.cilium.io/en/stable/security/policy-creation/; cilium/cilium#11778: "policy-audit-mode allows all
 * traffic through the policy piece"). The documentation speaks of Layer 3 and 4 verdicts: whether the L7 proxy still
 * answers a request its HTTP rules refuse is not stated, so such a request is not answered.
 */
import type { AgentSetting } from './_cilium-agent.ts';
import type { SideVerdict, Verdict } from './types.ts';

/** The verdict as the datapath carries it out in audit mode: a side policy drops at L3/L4 is let through. */
export function auditedVerdict(verdict: Verdict, audit: AgentSetting): Verdict {
  const side = (s: SideVerdict): SideVerdict => {
    if (s.allowed || s.reason === 'l7-denied') return s;
    return {
      ...s,
      allowed: true,
      reason: 'audit',
      audit: { setting: audit.text, ...(audit.source ? { source: audit.source } : {}), dropped: s.reason },
    };
  };
  const egress = side(verdict.egress);
  const ingress = side(verdict.ingress);
  const refused = [egress, ingress].some((s) => s.reason === 'l7-denied');
  return {
    ...verdict,
    allowed: egress.allowed && ingress.allowed,
    egress,
    ingress,
    warnings: [
      ...verdict.warnings,
      ...(refused
        ? [
            `${audit.text} (policy audit mode: Layer 3 and 4 verdicts are logged, not enforced) with an HTTP request the Cilium proxy refuses is not modeled by kubetwin and may change this verdict`,
          ]
        : []),
    ],
  };
}
