import type { Protocol } from '../model/types.ts';
import type { PathSegment } from '../parse/index.ts';
import type { FieldReader } from './_fields.ts';

/**
 * A position in a raw object's body (`path` and the value there), for reading the fields below it without
 * making a path array per read: a NetworkPolicy rule, a peer, a port. Each read is the `FieldReader` read of
 * `[...path, key]` — the same value, the same `invalid-field-type` report at the same path, the same record for
 * the field-type contract test — with the path made only when it is recorded or reported (design note 0006,
 * Decision 9).
 */
export class FieldCursor {
  constructor(
    readonly f: FieldReader,
    readonly path: readonly PathSegment[],
    readonly value: unknown,
  ) {}

  /** The raw value at `key` (undefined below a scalar or null), as `FieldReader.get([...path, key])`. */
  get(key: PathSegment): unknown {
    const v = this.value;
    return v !== null && typeof v === 'object' ? (v as Record<PathSegment, unknown>)[key] : undefined;
  }

  /** The cursor at `key`. */
  at(key: PathSegment): FieldCursor {
    return new FieldCursor(this.f, [...this.path, key], this.get(key));
  }

  /** The path of `key` below this cursor, for a report. */
  pathOf(key: PathSegment): PathSegment[] {
    return [...this.path, key];
  }

  str(key: PathSegment): string | undefined {
    return this.f.typedAt<string>(this.get(key), 'string', this.path, key);
  }

  int(key: PathSegment): number | undefined {
    const v = this.f.typedAt<number>(this.get(key), 'integer', this.path, key);
    return v === undefined ? undefined : this.f.inRange(this.pathOf(key), v);
  }

  /** An int-or-string field (`port`), as `FieldReader.intOrString`. */
  intOrString(key: PathSegment): number | string | undefined {
    const v = this.f.typedAt<number | string>(this.get(key), 'integer or string', this.path, key);
    return typeof v === 'number' ? this.f.inRange(this.pathOf(key), v) : v;
  }

  bool(key: PathSegment): boolean | undefined {
    return this.f.typedAt<boolean>(this.get(key), 'boolean', this.path, key);
  }

  map(key: PathSegment): Record<string, unknown> | undefined {
    return this.f.typedAt<Record<string, unknown>>(this.get(key), 'map', this.path, key);
  }

  list(key: PathSegment): unknown[] {
    return this.f.typedAt<unknown[]>(this.get(key), 'list', this.path, key) ?? [];
  }

  /** A port's `protocol`, as `FieldReader.protocol`. */
  protocol(key: PathSegment): Protocol | undefined {
    const read = this.str(key);
    return read === undefined || read === 'TCP' || read === 'UDP' || read === 'SCTP'
      ? ((read ?? 'TCP') as Protocol)
      : this.f.knownProtocol(read, this.pathOf(key));
  }
}
