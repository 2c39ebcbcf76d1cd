/** Parsing both sides of `kubetwin diff` once: what one side holds byte for byte is not parsed again. */
import {
  parseManifests,
  renamedRaw,
  separateDocuments,
  type ManifestText,
  type ParseResult,
  type RawObject,
} from '../parse/index.ts';

/** Parse results by text, with the file they were read from. */
export type ParseCache = Map<string, { readonly file: string; readonly result: ParseResult }>;

type Entry = ParseCache extends Map<string, infer E> ? E : never;

/** A document of a file in the cache: the file, and the objects read from that document. */
interface DocumentHit {
  readonly file: string;
  readonly objects: readonly RawObject[];
}

/**
 * Per cache: its documents by `documentKey`, and the files `parseThrough` added since they were last indexed
 * (indexed on the next file that changed, so each file is cut into documents once, and only when some file did).
 */
const documents = new WeakMap<
  ParseCache,
  { readonly byKey: Map<string, DocumentHit>; pending: [string, Entry][] }
>();

function stateOf(cache: ParseCache) {
  let state = documents.get(cache);
  if (!state) documents.set(cache, (state = { byKey: new Map(), pending: [] }));
  return state;
}

/** A document as it reads on its own: its index, its first line and its text (`separateDocuments`). */
const documentKey = (doc: number, line: number, text: string) => `${doc}:${line}:${text}`;

/**
 * `parseManifests(texts)`, file by file through `cache`: parsing reads each file on its own (objects, positions
 * and diagnostics name that file only), so the results of the files, in order, are the result of the whole list.
 * A text the other side holds byte for byte is not parsed again: under the same name its objects are reused;
 * under another (`--base git:REF` names files `REF:path`, `--base DIR` another folder) they are the same bodies
 * with every position naming this side's file — only when that file read without a diagnostic, whose message
 * may name the file. Nobody mutates raw objects, so both sides may hold them.
 *
 * A file that changed is read anew, and each of its documents the other side holds byte for byte, at the same
 * line and index of a file, is that file's objects under this file's name (`sameDocuments`): the objects of the
 * unchanged documents of an edited file are then the other side's, so the build takes over what it read of them.
 */
export function parseThrough(texts: readonly ManifestText[], cache: ParseCache = new Map()): ParseResult {
  const objects: RawObject[] = [];
  const diagnostics: ParseResult['diagnostics'] = [];
  for (const t of texts) {
    const hit = cache.get(t.text);
    let got: ParseResult;
    if (hit?.file === t.file) got = hit.result;
    else if (hit && !hit.result.diagnostics.length)
      got = { objects: renamed(hit.result.objects, hit.file, t.file), diagnostics: [] };
    else {
      got = sameDocuments(t, parseManifests([t]), cache);
      if (!hit) {
        const entry = { file: t.file, result: got };
        cache.set(t.text, entry);
        stateOf(cache).pending.push([t.text, entry]);
      }
    }
    objects.push(...got.objects);
    diagnostics.push(...got.diagnostics);
  }
  return { objects, diagnostics };
}

const renamed = (objects: readonly RawObject[], from: string, to: string) =>
  from === to ? [...objects] : objects.map((o) => renamedRaw(o, from, to));

/**
 * `read` (the file `t` parsed alone) with the objects of each document some file in the cache holds byte for
 * byte, at the same line and with the same index, replaced by that file's objects under `t`'s name. Why it is
 * exact: both files read document by document and without a diagnostic (`separateDocuments`), so each document's
 * objects — bodies, positions, the file name aside — are a function of its text, first line and index alone; the
 * same three give the same objects, and `renamedRaw` names `t.file` in every position as reading `t` does.
 */
function sameDocuments(t: ManifestText, read: ParseResult, cache: ParseCache): ParseResult {
  if (read.diagnostics.length || !read.objects.length) return read;
  const chunks = separateDocuments(t.text);
  if (!chunks) return read;
  const byKey = indexed(cache);
  const byDoc = objectsByDocument(read.objects);
  let replaced = false;
  const objects = read.objects.slice();
  chunks.forEach((c, doc) => {
    const own = byDoc.get(doc);
    const other = own && byKey.get(documentKey(doc, c.line, t.text.slice(c.start, c.end)));
    if (!own || !other || other.objects.length !== own.length) return;
    const first = objects.indexOf(own[0]);
    objects.splice(first, own.length, ...renamed(other.objects, other.file, t.file));
    replaced = true;
  });
  return replaced ? { objects, diagnostics: read.diagnostics } : read;
}

/**
 * The documents of the files `parseThrough` put in the cache that read on their own and without a diagnostic,
 * each file indexed once.
 */
function indexed(cache: ParseCache): Map<string, DocumentHit> {
  const state = stateOf(cache);
  const pending = state.pending;
  state.pending = [];
  for (const [text, entry] of pending) {
    if (entry.result.diagnostics.length) continue;
    const chunks = separateDocuments(text);
    if (!chunks) continue;
    const byDoc = objectsByDocument(entry.result.objects);
    chunks.forEach((c, doc) => {
      const objects = byDoc.get(doc);
      const key = objects && documentKey(doc, c.line, text.slice(c.start, c.end));
      if (key && !state.byKey.has(key)) state.byKey.set(key, { file: entry.file, objects });
    });
  }
  return state.byKey;
}

/** A file's objects by the index of the document they were read from (a List's items share theirs), in order. */
function objectsByDocument(objects: readonly RawObject[]): Map<number, RawObject[]> {
  const out = new Map<number, RawObject[]>();
  for (const o of objects) (out.get(o.source.doc) ?? out.set(o.source.doc, []).get(o.source.doc)!).push(o);
  return out;
}
