import type { SourceRef } from '../../model/diagnostic.ts';
import { formatIP, parseCidr, parseIP, type Cidr, type IP } from '../../lib/ip.ts';
import type { RawObject } from '../../parse/index.ts';

/** A value read from the observed objects, with the objects it came from and the rule that read it. */
export interface Inferred<T> {
  readonly value: T;
  /** The objects the value was read from, in input order (a few; the rule says how many there were). */
  readonly sources: readonly SourceRef[];
  /** The rule, in words, as `kubetwin profile` prints it. */
  readonly rule: string;
  /** A caveat: what the value may get wrong. */
  readonly note?: string;
  /**
   * True when an object states the value (a ServiceCIDR, the kube-dns Service); false when it is a guess from
   * a sample (the smallest prefix covering the ClusterIPs seen), which is reported as a `profile-inferred` note.
   */
  readonly exact: boolean;
}

type Body = Record<string, unknown>;

export const asRecord = (v: unknown): Body | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Body) : undefined;
export const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const asString = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** Reads `path` in a body, undefined when any step is missing. */
export function at(body: unknown, ...path: (string | number)[]): unknown {
  let v = body;
  for (const seg of path) {
    if (typeof seg === 'number') v = asList(v)[seg];
    else v = asRecord(v)?.[seg];
    if (v === undefined) return undefined;
  }
  return v;
}

export const nameOf = (raw: RawObject): string | undefined => asString(at(raw.body, 'metadata', 'name'));
export const namespaceOf = (raw: RawObject): string | undefined =>
  asString(at(raw.body, 'metadata', 'namespace'));
export const labelsOf = (raw: RawObject): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(at(raw.body, 'metadata', 'labels')) ?? {}))
    if (typeof v === 'string') out[k] = v;
  return out;
};

/** Is the object of this kind (and API group, when given: `''` for the core group)? */
export function isKind(raw: RawObject, kind: string, group?: string): boolean {
  if (raw.body.kind !== kind) return false;
  if (group === undefined) return true;
  const apiVersion = asString(raw.body.apiVersion) ?? '';
  return (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '') === group;
}

/**
 * Was the object read back from a cluster rather than written by hand? The API server sets `metadata.uid`,
 * `resourceVersion` and `creationTimestamp` on every object it stores; a manifest being applied has none.
 * A hand-written `clusterIP` is a request the API server may refuse, not an observation, so only observed
 * objects widen ranges. https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/object-meta/
 */
export function isObserved(raw: RawObject): boolean {
  const meta = asRecord(raw.body.metadata);
  return !!(
    meta &&
    (asString(meta.uid) || asString(meta.resourceVersion) || asString(meta.creationTimestamp))
  );
}

/** The first object of a kind with this namespace and name. */
export function findObject(
  objects: readonly RawObject[],
  kind: string,
  namespace: string | undefined,
  name: string,
): RawObject | undefined {
  return objects.find(
    (o) =>
      o.body.kind === kind && nameOf(o) === name && (namespace === undefined || namespaceOf(o) === namespace),
  );
}

/**
 * The smallest CIDR covering every address and block given (all of one family), widened to at most
 * `maxPrefix` bits so it holds at least that block size. Undefined for an empty input.
 */
export function coveringCidr(items: readonly (IP | Cidr)[], maxPrefix: number): Cidr | undefined {
  if (!items.length) return undefined;
  const family = items[0]!.family;
  const width = family === 4 ? 32 : 128;
  let lo: bigint | undefined;
  let hi: bigint | undefined;
  for (const item of items) {
    const first = 'base' in item ? item.base : item.value;
    const last = 'base' in item ? item.base + (1n << BigInt(width - item.prefix)) - 1n : item.value;
    if (lo === undefined || first < lo) lo = first;
    if (hi === undefined || last > hi) hi = last;
  }
  let prefix = Math.min(maxPrefix, width);
  while (prefix > 0 && lo! >> BigInt(width - prefix) !== hi! >> BigInt(width - prefix)) prefix--;
  const base = (lo! >> BigInt(width - prefix)) << BigInt(width - prefix);
  return parseCidr(`${formatIP({ family, value: base })}/${prefix}`);
}

/** Parses addresses, dropping what is not one. */
export const parseIPs = (texts: readonly unknown[]): IP[] =>
  texts.map((t) => (typeof t === 'string' ? parseIP(t) : undefined)).filter((ip): ip is IP => !!ip);

/** "Node a (file:line), Node b (file:line) and 3 more": the objects behind a value, for rule texts. */
export function firstSources(objects: readonly RawObject[], limit = 3): SourceRef[] {
  return objects.slice(0, limit).map((o) => o.source);
}
