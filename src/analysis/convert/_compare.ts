import type { RouteDecision } from '../../model/routing.ts';
import type { Outcome } from './_types.ts';

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * What must stay equal across a conversion: status, usable backends with their share of the traffic (a canary
 * weight split must survive), redirect target, rewritten path.
 */
export function outcomeOf(d: RouteDecision): Outcome {
  const live = d.status === 200 ? d.backends.filter((b) => !b.problem && b.weight > 0) : [];
  const total = live.reduce((n, b) => n + b.weight, 0);
  const share = (w: number) => (live.length > 1 ? ` ×${w / gcd(w, total)}/${total / gcd(w, total)}` : '');
  const backends = live.map((b) => `${b.namespace}/${b.name}:${b.port}${share(b.weight)}`).sort();
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
