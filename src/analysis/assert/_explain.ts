import type { Verdict } from '../policy/index.ts';
import { describeSide } from '../policy/index.ts';

/** The sides of a verdict that matter for a failed expectation, as indented lines. */
export function renderSideLines(v: Verdict, from: string, to: string): string[] {
  return [...describeSide(v.egress, from), ...describeSide(v.ingress, to)].map((l) => `  ${l}`);
}
