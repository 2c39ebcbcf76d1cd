import type { Diagnostic, Severity } from '../model/diagnostic.ts';
import type { Protocol } from '../model/types.ts';

const protocols: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
const int32Max = 2 ** 31 - 1;
import { formatPath, type PathSegment, type RawObject } from '../parse/index.ts';
import { fieldRule } from '../model/field-types/index.ts';
import { FieldCursor } from './_field-cursor.ts';

type Sink = (d: Diagnostic) => void;

/**
 * Every typed read can be recorded (kind, path, type): the field-type contract test (src/model/field-types.test.ts)
 * builds every fixture with a recorder set and checks each read against the table of src/model/field-types.ts.
 */
export const fieldReads: { record?: (kind: string, path: readonly PathSegment[], type: string) => void } = {};

/**
 * Typed reads of a raw object's fields. A value of the wrong type is reported as `invalid-field-type` at its
 * file:line:column and field path (as the API server would refuse it), and marks the object invalid.
 */
export class FieldReader {
  invalid = false;

  constructor(
    readonly raw: RawObject,
    readonly objectKey: string,
    private readonly sink: Sink,
  ) {}

  /** Reports a problem at `path`; errors make the object invalid. */
  report(
    code: string,
    severity: Severity,
    path: readonly PathSegment[],
    message: string,
    hint?: string,
  ): void {
    if (severity === 'error') this.invalid = true;
    this.sink({ code, severity, message, source: this.raw.locate(path), object: this.objectKey, hint });
  }

  get(path: readonly PathSegment[]): unknown {
    let v: unknown = this.raw.body;
    for (const seg of path) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<string | number, unknown>)[seg];
    }
    return v;
  }

  /** The value at `path` when it has the type `want` names (a check per name, no closure per read). */
  private typed<T>(path: readonly PathSegment[], want: Want): T | undefined {
    fieldReads.record?.(String(this.raw.body.kind), path, want);
    const v = this.get(path);
    if (v === undefined || v === null) return undefined;
    if (hasType(v, want)) return v as T;
    this.wrongType(path, v, want);
    return undefined;
  }

  /**
   * `typed` for a value a cursor found at `base` + `key`: the same record and the same report, the path array
   * made only for them (design note 0006, Decision 9).
   */
  typedAt<T>(v: unknown, want: Want, base: readonly PathSegment[], key: PathSegment): T | undefined {
    const record = fieldReads.record;
    if (record) record(String(this.raw.body.kind), [...base, key], want);
    if (v === undefined || v === null) return undefined;
    if (hasType(v, want)) return v as T;
    this.wrongType([...base, key], v, want);
    return undefined;
  }

  /** A cursor at `path`: reads below it without a path array per read. */
  cursor(path: readonly PathSegment[]): FieldCursor {
    return new FieldCursor(this, path, this.get(path));
  }

  private wrongType(path: readonly PathSegment[], v: unknown, want: Want): void {
    const got = Array.isArray(v) ? 'list' : typeof v === 'object' ? 'map' : typeof v;
    const yaml11 =
      typeof v === 'boolean'
        ? ' Unquoted yes, no, y, n, on, off, true and false are booleans to kubectl; quote the value as written.'
        : typeof v === 'number' && want === 'string'
          ? ` Unquoted scalars like 0755 or 8080 are not strings to kubectl; quote the value: "${String(v)}".`
          : '';
    this.report(
      'invalid-field-type',
      'error',
      path,
      `${formatPath(path)}: expected ${want}, got ${got} (${JSON.stringify(v)}).${yaml11}`,
      'Fix the value; the API server would refuse this object, so kubetwin leaves it out of the model.',
    );
  }

  str(path: readonly PathSegment[]): string | undefined {
    return this.typed(path, 'string');
  }
  /** An integer, within the range src/model/field-types gives the field (else `invalid-field`, undefined). */
  int(path: readonly PathSegment[]): number | undefined {
    const v = this.typed<number>(path, 'integer');
    return v === undefined ? undefined : this.inRange(path, v);
  }

  /**
   * The API server's range for the field (src/model/field-types, from each kind's API reference): a value outside
   * it is `invalid-field` at its line, and the object is left out as the API server would refuse it.
   */
  inRange(path: readonly PathSegment[], v: number): number | undefined {
    const rule = fieldRule(String(this.raw.body.kind), tablePath(path));
    if (rule?.min === undefined || rule.max === undefined || (v >= rule.min && v <= rule.max)) return v;
    const what =
      rule.max === int32Max && v > int32Max
        ? `is not a 32-bit integer (at most ${int32Max})`
        : rule.max === int32Max
          ? `must be greater than or equal to ${rule.min}`
          : `must be between ${rule.min} and ${rule.max}`;
    this.report(
      rule.code,
      'error',
      path,
      `${formatPath(path)}: ${v} ${what}`,
      `Fix the value; the API server refuses it (${rule.source}).`,
    );
    return undefined;
  }
  bool(path: readonly PathSegment[]): boolean | undefined {
    return this.typed(path, 'boolean');
  }
  map(path: readonly PathSegment[]): Record<string, unknown> | undefined {
    return this.typed(path, 'map');
  }
  list(path: readonly PathSegment[]): unknown[] {
    return this.typed<unknown[]>(path, 'list') ?? [];
  }
  /**
   * A port's `protocol`, TCP when absent; one Kubernetes does not accept (TCP, UDP, SCTP) is reported as
   * `invalid-field` and gives undefined.
   */
  protocol(path: readonly PathSegment[]): Protocol | undefined {
    return this.knownProtocol(this.str(path), path);
  }
  /** `protocol` for a value already read (TCP when absent); `path` is where it was read. */
  knownProtocol(read: string | undefined, path: readonly PathSegment[]): Protocol | undefined {
    const v = (read ?? 'TCP') as Protocol;
    if (protocols.includes(v)) return v;
    this.report('invalid-field', 'error', path, `protocol "${v}" must be TCP, UDP or SCTP`);
    return undefined;
  }

  /** An int-or-string field (`targetPort`, NetworkPolicy `port`). */
  intOrString(path: readonly PathSegment[]): number | string | undefined {
    const v = this.typed<number | string>(path, 'integer or string');
    return typeof v === 'number' ? this.inRange(path, v) : v;
  }
  /** A map of strings (labels, annotations, selectors, nodeSelector). */
  stringMap(path: readonly PathSegment[]): Record<string, string> {
    const m = this.map(path);
    if (!m) return noStrings;
    // One record for the values of the map (`labels.*`), not one per key.
    return this.keyed([...path, '*'], 'string', () => this.strings(path, m));
  }
  /**
   * What `read` reads below a map's keys (`portLevelMtls.<port>.mode`), recorded once as `recordAs` with `*` for
   * the key: the field-type table lists the field, not every key a manifest uses.
   */
  keyed<T>(recordAs: readonly PathSegment[], want: Want, read: () => T): T {
    const record = fieldReads.record;
    record?.(String(this.raw.body.kind), recordAs, want);
    fieldReads.record = undefined;
    try {
      return read();
    } finally {
      fieldReads.record = record;
    }
  }
  private strings(path: readonly PathSegment[], m: Record<string, unknown>): Record<string, string> {
    const keys = sortedKeys(m);
    if (!keys.length) return noStrings;
    const out: Record<string, string> = {};
    for (const k of keys) {
      const v = this.typedAt<string>(m[k], 'string', path, k);
      if (v !== undefined) out[k] = v;
      else if (m[k] === null) out[k] = '';
    }
    return out;
  }
}

/**
 * The map of no strings every absent or empty labels, annotations or selector map is (~75,000 at 150k pods, 56
 * bytes each as `{}`: design note 0006, Decision 18). Frozen, as it is shared: nobody mutates a model value (the
 * builders spread a map to add to it), and a write would throw instead of reaching every object.
 */
const noStrings: Record<string, string> = Object.freeze({});

/**
 * `Object.keys(m).sort()`, without the sort when the keys already come in order (labels as written usually do;
 * two or three per map, one map per labels, annotations and selector of every object: design note 0006, Decision
 * 16). `<` compares strings by UTF-16 code units, as the default sort does.
 */
export function sortedKeys(m: object): string[] {
  const keys = Object.keys(m);
  for (let i = 1; i < keys.length; i++) if (!(keys[i - 1] < keys[i])) return keys.sort();
  return keys;
}

export type Want = 'string' | 'integer' | 'boolean' | 'map' | 'list' | 'integer or string';

function hasType(v: unknown, want: Want): boolean {
  switch (want) {
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'map':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'list':
      return Array.isArray(v);
    case 'integer or string':
      return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
  }
}

/** The table's form of a field path: dotted, list indexes as `*` (one string, no array per read). */
function tablePath(path: readonly PathSegment[]): string {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    out += i ? (typeof seg === 'number' ? '.*' : `.${seg}`) : typeof seg === 'number' ? '*' : seg;
  }
  return out;
}
