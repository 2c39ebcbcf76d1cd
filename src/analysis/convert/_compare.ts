import type { RouteDecision } from '../../model/routing.ts';
import type { Outcome } from './_types.ts';

/** What must stay equal across a conversion: status, usable backends, redirect target, rewritten path. */
export function outcomeOf(d: RouteDecision): Outcome {
  const backends =
    d.status === 200
      ? d.backends
          .filter((b) => !b.problem && b.weight > 0)
          .map((b) => `${b.namespace}/${b.name}:${b.port}`)
          .sort()
      : [];
  return {
    status: d.status,
    backends,
    ...(d.redirect ? { redirect: `${d.redirect.status} ${d.redirect.location}` } : {}),
    ...(d.rewrittenPath !== undefined ? { rewrittenPath: d.rewrittenPath } : {}),
  };
}

export function sameOutcome(a: Outcome, b: Outcome): boolean {
  return (
    a.status === b.status &&
    a.redirect === b.redirect &&
    a.rewrittenPath === b.rewrittenPath &&
    a.backends.join(' ') === b.backends.join(' ')
  );
}

export function describeOutcome(o: Outcome): string {
  if (o.redirect) return `redirect ${o.redirect}`;
  const to = o.backends.length ? ` → ${o.backends.join(', ')}` : '';
  return `${o.status}${to}${o.rewrittenPath !== undefined ? ` (path rewritten to ${o.rewrittenPath})` : ''}`;
}
