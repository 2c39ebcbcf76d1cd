import type { Finding } from '../analysis/doctor/index.ts';
import type { FlowTrace } from '../analysis/trace/index.ts';

/**
 * Points the fix of each broken step at the doctor's finding on the object that denies it (`fix.culprit`: a policy
 * whose selector misses the pod, a rule without the port): the finding's fix and patch replace the generic one, so
 * the answer repairs the typo instead of adding a policy beside it. Findings about flows themselves are skipped.
 */
export function linkFindings(traces: readonly FlowTrace[], findings: readonly Finding[]): FlowTrace[] {
  const byKey = new Map<string, Finding>();
  for (const f of findings)
    if (f.code !== 'flow-blocked') for (const o of f.objects) if (!byKey.has(o.key)) byKey.set(o.key, f);
  if (!byKey.size) return [...traces];
  return traces.map((t) => ({
    ...t,
    steps: t.steps.map((s) => {
      const culprit = s.trace.fix?.culprit;
      const f = culprit ? byKey.get(culprit) : undefined;
      if (!f || !culprit) return s;
      const o = f.objects.find((x) => x.key === culprit);
      const at = o?.source ? `${o.source.file}:${o.source.line}` : undefined;
      return {
        ...s,
        trace: {
          ...s.trace,
          fix: {
            summary: `doctor ${f.code} on ${culprit}${at ? ` (${at})` : ''}: ${f.fix}`,
            ...((f.patch ?? s.trace.fix?.patch) ? { patch: f.patch ?? s.trace.fix?.patch } : {}),
            culprit,
            finding: { code: f.code, key: culprit, ...(at ? { source: at } : {}) },
          },
        },
      };
    }),
  }));
}
