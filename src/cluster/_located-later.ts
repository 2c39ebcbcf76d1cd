import type { SourceRef } from '../model/diagnostic.ts';
import type { PathSegment, RawObject, SourceLocator } from '../parse/index.ts';

/**
 * Where values built from one part of a raw object (a NetworkPolicy rule and its peers and ports) are located when
 * a reader first asks, instead of when they are built: `source` is then an enumerable own property after the
 * value's others (the key order of a literal ending in `source`), so every reader, spread, `JSON.stringify`,
 * `Object.keys`, `structuredClone` and the model cache see the identical `file:line:col` as before, and a value
 * read twice gives the same object. The builder makes 98,400 such values at 150k pods and most answers show none:
 * they skip the position search and keep no `SourceRef` (design note 0006, Decision 18). Only a body-free
 * `locator` and the shared `base` path are kept; a raw object without a locator is located at once.
 */
export function laterSite(raw: RawObject, base: readonly PathSegment[]): LaterSite {
  return new LaterSite(raw, base);
}

export class LaterSite {
  readonly locator: SourceLocator | undefined;
  /** The raw object itself only when it has no locator (a value located later must not keep the body alive). */
  private readonly now: RawObject | undefined;

  constructor(
    raw: RawObject,
    readonly base: readonly PathSegment[],
  ) {
    this.locator = raw.locator;
    this.now = this.locator ? undefined : raw;
  }

  /** `o` with `source` at `base` (no key), at `base.key`, or at `base.key[index]`. */
  attach<T extends object>(o: T, key?: string, index?: number): T & { readonly source: SourceRef } {
    if (this.now) return Object.assign(o, { source: this.now.locate(pathOf(this.base, key, index)) });
    Object.defineProperty(o, pending, { value: new Pending(this, key, index) });
    Object.defineProperty(o, 'source', sourceAccessor);
    return o as T & { readonly source: SourceRef };
  }
}

function pathOf(base: readonly PathSegment[], key?: string, index?: number): readonly PathSegment[] {
  if (key === undefined) return base;
  return index === undefined ? [...base, key] : [...base, key, index];
}

/** What a value located later keeps: its site and path below it, and the answer once asked. */
class Pending {
  ref: SourceRef | undefined = undefined;
  constructor(
    readonly site: LaterSite,
    readonly key: string | undefined,
    readonly index: number | undefined,
  ) {}
}

/** Non-enumerable: `Object.keys`, spreads, JSON, `structuredClone`, deep equality and the model cache skip it. */
const pending = Symbol('source located later');

function sourceOf(this: { readonly [pending]: Pending }): SourceRef {
  const p = this[pending];
  return (p.ref ??= p.site.locator!.locate(pathOf(p.site.base, p.key, p.index)));
}

// One getter for every value, so values of one shape share their hidden class (V8 reuses a map transition to an
// accessor only for the same accessor functions).
const sourceAccessor: PropertyDescriptor = { get: sourceOf, enumerable: true, configurable: true };
