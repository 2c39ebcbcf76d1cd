import type { RouteDecision, RouteUnknown } from '../../model/routing.ts';

/** `{ unknown }` when there is one, else nothing: a decision has no `unknown` field while it has no unknown. */
export const someUnknown = (unknown: readonly RouteUnknown[]): Pick<RouteDecision, 'unknown'> =>
  unknown.length ? { unknown } : {};

/** `d` with `more` after its own `unknown`. */
export function addUnknown<D extends Pick<RouteDecision, 'unknown'>>(d: D, more: readonly RouteUnknown[]): D {
  return more.length ? { ...d, unknown: [...(d.unknown ?? []), ...more] } : d;
}
