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
  let node = pathRoot;
  for (const seg of path) node = childText(node, seg);
  return node.text;
}

/**
 * One string per path text, found by walking the path's segments from the root: a path made by concatenation
 * is a tree of its pieces, and the model keeps one per located field (every NetworkPolicy rule, peer and port has
 * a `source`): the same `spec.ingress[0].from[0]` of 16,400 policies was ~40 MB of such trees at 150k pods
 * (design note 0006, Decision 10). A walk of a few maps keyed by the segments (strings the reader or the code
 * already holds, their hashes cached) replaces concatenating the text, testing each key and hashing the result
 * in one map of texts on every call (Decision 16). Bounded, as a process that keeps rebuilding (watch mode) meets
 * new paths: emptied past 65,536 texts.
 */
interface PathText {
  readonly text: string;
  next?: Map<PathSegment, PathText>;
}
let pathRoot: PathText = { text: '' };
let pathTexts = 0;

function childText(node: PathText, seg: PathSegment): PathText {
  const known = node.next?.get(seg);
  if (known !== undefined) return known;
  if (pathTexts >= 65_536) {
    // A new tree from here on; this walk finishes in the old one, which nothing then holds.
    pathRoot = { text: '' };
    pathTexts = 0;
  }
  const out = node.text;
  const text =
    typeof seg === 'number'
      ? `${out}[${seg}]`
      : plainKey.test(seg)
        ? out
          ? `${out}.${seg}`
          : seg
        : `${out}[${JSON.stringify(seg)}]`;
  const child: PathText = { text };
  (node.next ??= new Map()).set(seg, child);
  pathTexts++;
  return child;
}

/** RawObjects made by `rawFromData`: their positions are a function of their `source` alone. */
const fromData = new WeakSet<RawObject>();

/** A RawObject built from plain data (tests, generators, live sources), with every field located at `source`. */
export function rawFromData(body: Record<string, unknown>, source: SourceRef): RawObject {
  const raw: RawObject = { body, source, locate: (path) => ({ ...source, path: formatPath(path) }) };
  fromData.add(raw);
  return raw;
}

/** Raw objects made by `renamedRaw`, with the object they rename. */
const renames = new WeakMap<
  RawObject,
  { readonly of: RawObject; readonly from: string; readonly to: string }
>();

/**
 * The same object read from file `to` instead of `from` (the same bytes under another name): positions in `from`
 * now name `to`. The body is shared (nobody mutates raw objects).
 */
export function renamedRaw(o: RawObject, from: string, to: string): RawObject {
  const move = (r: SourceRef): SourceRef => (r.file === from ? { ...r, file: to } : r);
  const raw: RawObject = { body: o.body, source: move(o.source), locate: (path) => move(o.locate(path)) };
  renames.set(raw, { of: o, from, to });
  return raw;
}

/**
 * How a raw object `now` corresponds to `earlier`: `'same'` (`sameRawObject`), a file renaming (both are the same
 * original object, each read under one file name: every position of `now` is the position of `earlier` with the
 * file `from` named `to`), or undefined (not known to be the same object).
 */
export function rawCorrespondence(
  earlier: RawObject,
  now: RawObject,
): 'same' | { readonly from: string; readonly to: string } | undefined {
  if (sameRawObject(earlier, now)) return 'same';
  const a = originOf(earlier);
  const b = originOf(now);
  if (!a.file || !b.file || !sameRawObject(a.raw, b.raw)) return undefined;
  return a.file === b.file ? 'same' : { from: a.file, to: b.file };
}

/** The object a chain of renamings starts from, and the file name its own file has at the end of the chain. */
function originOf(o: RawObject): { raw: RawObject; file?: string } {
  let raw = o;
  let file: string | undefined = o.source.file;
  for (let r = renames.get(raw); r; r = renames.get(raw)) {
    // Only the object's own file is renamed along the chain; positions in other files would not move alike.
    if (r.to !== raw.source.file || r.from !== r.of.source.file) file = undefined;
    raw = r.of;
  }
  return { raw, file };
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
