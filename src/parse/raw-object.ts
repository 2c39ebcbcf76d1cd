import type { SourceRef } from '../model/diagnostic.ts';

/** A segment of a field path: a map key or a list index. */
export type PathSegment = string | number;

/**
 * One Kubernetes object as the user wrote it, before the builder turns it into the slim model.
 * `body` is plain data; `locate` maps a field path back to its file:line:column.
 */
export interface RawObject {
  readonly body: Record<string, unknown>;
  /** Where the object starts. */
  readonly source: SourceRef;
  /** Position of a field (the key, for map entries); falls back to the nearest ancestor that exists. */
  locate(path: readonly PathSegment[]): SourceRef;
}

const plainKey = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Formats a field path as kubectl prints it: `spec.ports[0].targetPort`, `metadata.labels["app.kubernetes.io/name"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (plainKey.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** RawObjects made by `rawFromData`: their positions are a function of their `source` alone. */
const fromData = new WeakSet<RawObject>();

/** A RawObject built from plain data (tests, generators, live sources), with every field located at `source`. */
export function rawFromData(body: Record<string, unknown>, source: SourceRef): RawObject {
  const raw: RawObject = { body, source, locate: (path) => ({ ...source, path: formatPath(path) }) };
  fromData.add(raw);
  return raw;
}

/**
 * Whether two raw objects are the same object as far as anything built from them can tell: the same RawObject,
 * or two `rawFromData` objects over the same body object (nobody mutates a body) starting at the same position,
 * so every field is located alike. Two parses of one text are different objects here (their positions could
 * differ), as are the same body read under two file names.
 */
export function sameRawObject(a: RawObject, b: RawObject): boolean {
  if (a === b) return true;
  if (a.body !== b.body || !fromData.has(a) || !fromData.has(b)) return false;
  const x = a.source;
  const y = b.source;
  return (
    x.file === y.file &&
    x.doc === y.doc &&
    x.line === y.line &&
    x.column === y.column &&
    x.path === y.path &&
    x.origin === y.origin
  );
}
