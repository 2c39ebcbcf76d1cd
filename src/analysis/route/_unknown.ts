import type { RouteUnknown } from '../../model/routing.ts';

/**
 * The lines an answer prints for what its router could not decide, one `unknown: …` each, in order: the one
 * wording every renderer and the trace use for a `RouteDecision`'s `unknown`.
 */
export function unknownLines(unknown: readonly RouteUnknown[] | undefined): string[] {
  return (unknown ?? []).map((u) => `unknown: ${u.text}`);
}
