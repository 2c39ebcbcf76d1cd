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

/** A RawObject built from plain data (tests, generators, live sources), with every field located at `source`. */
export function rawFromData(body: Record<string, unknown>, source: SourceRef): RawObject {
  return { body, source, locate: (path) => ({ ...source, path: formatPath(path) }) };
}
