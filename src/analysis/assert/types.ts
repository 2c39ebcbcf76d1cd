/**
 * The assertion contract of `kubetwin test`: a file `tests: [{name, <key>: {...}, expect: ...}]`, where `<key>`
 * picks an entry handler. Handlers are listed explicitly in `handlers` (index.ts); adding `resolve:` or `route:`
 * is one handler file and one line in that array.
 */
import type { Diagnostic, SourceRef } from '../../model/diagnostic.ts';
import type { ClusterModel } from '../../model/types.ts';
import type { PathSegment } from '../../parse/index.ts';
import type { HostNetworkMode } from '../policy/index.ts';

/** What every handler may read. `memo` lets a handler compile its engine once per run (key it by handler). */
export interface AssertContext {
  readonly model: ClusterModel;
  /** How `reach` entries treat hostNetwork pods: as their node (the default) or as pods (`--host-network`). */
  readonly hostNetwork: HostNetworkMode;
  memo<T>(key: string, make: () => T): T;
}

/** A malformed entry: the message and the field path inside the entry (`reach.port`). */
export interface EntryProblem {
  readonly error: string;
  readonly path: readonly PathSegment[];
}

export interface Outcome {
  readonly passed: boolean;
  /** What kubetwin computed, whatever was expected (for `reach`: `{allowed, outcome, allowedPairs, pairs}`). */
  readonly actual: unknown;
  /** One line for a pass; for a failure, why — the rules at fault. */
  readonly message: string;
  /** Extra lines (the explained verdict) for text output. */
  readonly details?: readonly string[];
  /** Not passed because what kubetwin does not model, or the input lacks, may change the answer (counted as failed). */
  readonly unknown?: boolean;
}

export interface EntryHandler<Q = unknown> {
  readonly key: string;
  /** Reads the handler's field and `expect`; problems carry the path relative to the entry. */
  parse(value: unknown, expect: unknown): Q | EntryProblem;
  evaluate(query: Q, ctx: AssertContext): Outcome;
}

export interface AssertResult {
  readonly name: string;
  readonly key: string;
  /**
   * `unsupported`: the entry kind is known but not built yet; it neither passes nor fails silently. `invalid`: the
   * entry is malformed (its diagnostic says where and why) and was not evaluated.
   */
  readonly status: 'passed' | 'failed' | 'unsupported' | 'invalid';
  readonly actual: unknown;
  readonly message: string;
  readonly details: readonly string[];
  readonly source?: SourceRef;
  /** A failure because what kubetwin does not model, or the input lacks, may change the answer (never a pass). */
  readonly unknown?: boolean;
}

export interface AssertReport {
  readonly results: readonly AssertResult[];
  readonly passed: number;
  readonly failed: number;
  readonly unsupported: number;
  /** How many of `failed` are unknowns (objects kubetwin does not model may change them). */
  readonly unknown: number;
  /** Entries not evaluated because they are malformed. */
  readonly invalid: number;
  /** Every malformed entry or document (`invalid-test`, file:line:col): the run is an input error when any. */
  readonly problems: readonly Diagnostic[];
}

export function isProblem(x: unknown): x is EntryProblem {
  return typeof x === 'object' && x !== null && 'error' in x && 'path' in x;
}
