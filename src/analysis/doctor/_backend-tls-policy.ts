import { gatewayAnalysisOf } from './_gateway-analysis.ts';
import type { DoctorRule, Finding } from './types.ts';

/**
 * A BackendTLSPolicy that does not do what it says: every CA ref invalid (Accepted=False(NoValidCACertificate):
 * connections to the backend fail and clients get a 5xx), a target that does not exist (TargetNotFound) or a
 * policy that lost a target to an older one (Conflicted) — the gateway then talks to the backend as another
 * policy, or plaintext, says.
 * https://gateway-api.sigs.k8s.io/reference/spec/#backendtlspolicy
 */
export const backendTlsPolicyProblem: DoctorRule = {
  code: 'backend-tls-policy-problem',
  severity: 'error',
  summary:
    'a BackendTLSPolicy whose CA certificates are all invalid (5xx), whose target does not exist, or that lost its target to an older policy',
  check: ({ model }) => {
    const policies = model.routing?.backendTLSPolicies ?? [];
    if (!policies.length) return [];
    const byKey = new Map(policies.map((p) => [p.key, p]));
    const out: Finding[] = [];
    for (const s of gatewayAnalysisOf(model).backendTLS.statuses) {
      const p = byKey.get(s.key)!;
      const accepted = s.conditions.find((c) => c.type === 'Accepted')!;
      const resolved = s.conditions.find((c) => c.type === 'ResolvedRefs')!;
      const lost = s.targets.filter((t) => t.accepted.status === 'False');
      if (accepted.reason === 'NoValidCACertificate' || resolved.status === 'False')
        out.push({
          code: 'backend-tls-policy-problem',
          severity: accepted.status === 'False' ? 'error' : 'warning',
          message: `BackendTLSPolicy ${s.namespace}/${s.name}: ResolvedRefs False (${resolved.reason}) ${resolved.message}`,
          objects: [{ key: s.key, source: p.source ? { ...p.source, path: 'spec.validation' } : undefined }],
          breaks:
            accepted.status === 'False'
              ? "the gateway cannot validate the backend's certificate: requests routed to the targeted Services get a 5xx"
              : 'the invalid CA reference is not used to validate the backend',
          fix: 'Reference a ConfigMap in the same namespace whose ca.crt key holds the PEM CA certificate of the backend.',
        });
      for (const t of lost)
        out.push({
          code: 'backend-tls-policy-problem',
          severity: 'warning',
          message: `BackendTLSPolicy ${s.namespace}/${s.name} is not in effect on ${t.target}: ${t.accepted.reason} — ${t.accepted.message}`,
          objects: [{ key: s.key, source: p.source ? { ...p.source, path: 'spec.targetRefs' } : undefined }],
          breaks:
            t.accepted.reason === 'Conflicted'
              ? 'the gateway uses the other policy for this target: its SNI and trust, not these'
              : 'this policy applies to nothing there: the gateway talks to that backend without it',
          fix:
            t.accepted.reason === 'Conflicted'
              ? 'Keep one BackendTLSPolicy per Service (or per sectionName), or target another port by sectionName.'
              : 'Point targetRefs at an existing Service (and one of its named ports).',
        });
    }
    return out;
  },
};
