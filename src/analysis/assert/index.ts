/**
 * `kubetwin test`: assertion files evaluated against the model. Entry kinds are handlers listed explicitly below;
 * kinds of the contract that have no handler yet are reported as `unsupported`, never passed or failed silently.
 */
import type { ClusterModel } from '../../model/types.ts';
import type { HostNetworkMode } from '../policy/index.ts';
import type { RawObject } from '../../parse/index.ts';
import { reachHandler } from './_reach.ts';
import { resolveHandler } from './_resolve.ts';
import { routeHandler } from './_route.ts';
import { runAssertions } from './_runner.ts';
import type { AssertReport, EntryHandler } from './types.ts';

export type {
  AssertContext,
  AssertReport,
  AssertResult,
  EntryHandler,
  EntryProblem,
  Outcome,
} from './types.ts';

/** Every entry handler, in order. Add `resolve` and `route` here (one line each). */
export const handlers: readonly EntryHandler[] = [
  reachHandler as EntryHandler,
  resolveHandler as EntryHandler,
  routeHandler as EntryHandler,
];

/** Entry kinds of the file contract with no handler yet, and what to tell the user. Remove a line when its handler lands. */
export const plannedEntries: Readonly<Record<string, string>> = {};

export interface TestOptions {
  /**
   * hostNetwork pods as their node (default: not selected by policies, seen at the node address) or as pods —
   * the same switch as `reach`/`matrix --host-network`; upstream leaves this undefined
   * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-and-hostnetwork-pods).
   */
  readonly hostNetwork?: HostNetworkMode;
}

/** Evaluates the `tests:` of every assertion document; a malformed entry is a diagnostic and an `invalid` result. */
export function runTests(
  model: ClusterModel,
  docs: readonly RawObject[],
  options: TestOptions = {},
): AssertReport {
  return runAssertions(model, docs, {
    hostNetwork: options.hostNetwork,
    handlers: handlers.filter((h) => !!h),
    planned: Object.fromEntries(
      Object.entries(plannedEntries).filter(([k]) => !handlers.some((h) => h.key === k)),
    ),
  });
}
