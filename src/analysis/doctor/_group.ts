import type { DoctorRule, Finding } from './types.ts';
import { ifEnforced, unknownEnforcementPrefix } from './_if-enforced.ts';
import { groupInOrder } from '../../lib/group-in-order.ts';

/**
 * Findings as a person reads them: the findings of a rule with `summarize` that share their fix and patch (one
 * change fixes them all) become one finding (the rule's summary, naming each of them) at the place of the first;
 * a finding alone in its group, and every finding of other rules, is kept as it is. Order is kept.
 */
export function groupFindings(findings: readonly Finding[], rules: readonly DoctorRule[]): Finding[] {
  const summarizers = new Map<string, NonNullable<DoctorRule['summarize']>>();
  for (const r of rules) if (r.summarize) summarizers.set(r.code, r.summarize);
  if (!summarizers.size) return [...findings];
  return groupInOrder(findings, (f) =>
    summarizers.has(f.code) ? JSON.stringify([f.code, f.severity, f.fix, f.patch ?? null]) : undefined,
  ).map((g) => (g.length === 1 ? g[0]! : summary(g, summarizers.get(g[0]!.code)!)));
}

/** A group's summary, which keeps the findings' "if the CNI enforces NetworkPolicy" condition (`runDoctor`). */
function summary(group: Finding[], summarize: NonNullable<DoctorRule['summarize']>): Finding {
  const s = summarize(group);
  const unsure = group.every((f) => f.breaks.startsWith(unknownEnforcementPrefix));
  return unsure && !s.breaks.startsWith(unknownEnforcementPrefix)
    ? { ...s, breaks: ifEnforced(s.breaks) }
    : s;
}
