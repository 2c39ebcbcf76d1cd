import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Document,
  type Node,
  type YAMLError,
  type YAMLWarning,
} from 'yaml';
import type { Diagnostic, SourceRef } from '../model/diagnostic.ts';
import { formatPath, type PathSegment, type RawObject } from './raw-object.ts';
import { kubectlScalars } from './_scalars.ts';
import { readFast } from './_fast-yaml.ts';
import { LineIndex, PositionTable, type Positions } from './_positions.ts';
import {
  documentChunks,
  depthMessage,
  structureProblem,
  isStackOverflow,
  plainSyntaxMessage,
  splitDocuments,
  valueProblem,
  yamlLimits,
  type DocumentChunk,
  type YamlProblem,
} from './_yaml-limits.ts';

/** A manifest file's text, as a source adapter read it. */
export interface ManifestText {
  readonly file: string;
  readonly text: string;
}

export interface ParseResult {
  readonly objects: RawObject[];
  readonly diagnostics: Diagnostic[];
}

const helmSource = /^\s*Source:\s*(\S.*?)\s*$/m;

/** Parses manifest files into raw objects with positions; a broken document never hides the others. */
export function parseManifests(inputs: readonly ManifestText[]): ParseResult {
  const objects: RawObject[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const input of inputs) parseOne(input, objects, diagnostics);
  return { objects, diagnostics };
}

/**
 * The reference reader: every file whole through the yaml package, as kubetwin read manifests before the fast
 * reader (tests and benchmarks hold `parseManifests` to it).
 */
export function parseManifestsWithPackage(inputs: readonly ManifestText[]): ParseResult {
  const objects: RawObject[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const input of inputs) parseWhole(input, objects, diagnostics);
  return { objects, diagnostics };
}

function parseOne(input: ManifestText, objects: RawObject[], diagnostics: Diagnostic[]): void {
  if (!fastPathFits(input.text)) return parseWhole(input, objects, diagnostics);
  // One document at a time: the fast reader where it can, the yaml package where it cannot.
  const found: RawObject[] = [];
  const problems: Diagnostic[] = [];
  // Every fast-read document needs the line index; its line count sizes the position table once (Decision 19).
  const lines = new LineIndex(input.text);
  const table = new PositionTable(PositionTable.capacityForLines(lines.count));
  const chunks = documentChunks(input.text);
  for (let doc = 0; doc < chunks.length; doc++) {
    const chunk = chunks[doc];
    const fast = readFast(input.text, chunk.start, chunk.end, table);
    if (!fast) {
      const before = problems.length;
      const part = { text: input.text.slice(chunk.start, chunk.end), line: chunk.line, doc };
      parsePart(input, part, found, problems);
      // A syntax error may reach past its document in the whole stream (an unclosed quote across a `---`):
      // such a file is read whole, as before, so a broken document reads exactly as it did.
      if (problems.slice(before).some((d) => d.code === 'yaml-syntax'))
        return parseWhole(input, objects, diagnostics);
      continue;
    }
    if (!fast.value) continue; // an empty document, as kubectl skips it
    const where: FastDocumentAt = {
      file: input.file,
      doc,
      line: chunk.line,
      lines,
      positions: fast.positions,
    };
    // No recursion check here: the fast reader resolves an alias only to a node already closed and gives up on
    // an anchored node that holds an alias, so what it reads cannot contain itself.
    emit(fast.value, (body, prefix) => new FastObject(body, where, prefix), found, problems);
  }
  for (const o of found) objects.push(o);
  for (const d of problems) diagnostics.push(d);
}

/**
 * The documents of a file when each is read on its own (`fastPathFits`: no directive, `...` document end,
 * byte-order mark or Helm `# Source:` comment ties a document to the stream around it), else undefined. Then,
 * when the file reads without a diagnostic, a document's objects — bodies and every position — are a function of
 * its text, its first line, its index and the file name alone: the fast reader reads `[start, end)` only, and a
 * document it leaves to the yaml package is read from its own text (`parsePart`) at its own line.
 */
export function separateDocuments(text: string): DocumentChunk[] | undefined {
  return fastPathFits(text) ? documentChunks(text) : undefined;
}

/**
 * Whether the file may be read document by document with the fast reader: not when it holds what makes a
 * document depend on the stream around it (directives, `...` document ends, a byte-order mark) or Helm's
 * `# Source:` comments (the package decides which document a comment belongs to); those files are read whole
 * by the yaml package, as before.
 */
function fastPathFits(text: string): boolean {
  return (
    text.charCodeAt(0) !== 0xfeff &&
    !atLineStart(text, '%') &&
    !atLineStart(text, '...') &&
    !helmSourceMark(text)
  );
}

/**
 * Whether `mark` starts a line (`/^mark/m`: at the start, or after \n, \r, U+2028 or U+2029), found by `indexOf`:
 * the multi-line regular expressions tested every line of a 17.6 MB file (~25 ms; design note 0006, Decision 16).
 */
function atLineStart(text: string, mark: string): boolean {
  for (let at = text.indexOf(mark); at >= 0; at = text.indexOf(mark, at + 1)) {
    const before = at === 0 ? 10 : text.charCodeAt(at - 1);
    if (before === 10 || before === 13 || before === 0x2028 || before === 0x2029) return true;
  }
  return false;
}

/** `/#\s*Source:/.test(text)`, tried only at each `#` (a file may hold no comment at all). */
function helmSourceMark(text: string): boolean {
  for (let at = text.indexOf('#'); at >= 0; at = text.indexOf('#', at + 1)) {
    sourceAfterHash.lastIndex = at + 1;
    if (sourceAfterHash.test(text)) return true;
  }
  return false;
}
const sourceAfterHash = /\s*Source:/y;

/** The whole file through the yaml package; a document nested too deep for its reader is refused alone. */
function parseWhole(input: ManifestText, objects: RawObject[], diagnostics: Diagnostic[]): void {
  try {
    parseStream(input, { text: input.text, line: 0, doc: 0 }, objects, diagnostics);
  } catch (e) {
    if (!isStackOverflow(e)) throw e;
    // The reader ran out of stack on a deeply nested document: read the documents one at a time, so only the
    // nested one is refused.
    splitDocuments(input.text).forEach((chunk, doc) =>
      parsePart(input, { ...chunk, doc }, objects, diagnostics),
    );
  }
}

function parsePart(input: ManifestText, part: Part, objects: RawObject[], diagnostics: Diagnostic[]): void {
  try {
    parseStream(input, part, objects, diagnostics);
  } catch (e) {
    if (!isStackOverflow(e)) throw e;
    diagnostics.push(yamlDiagnostic(depthMessage, { ...part, file: input.file }));
  }
}

/** Where a part of a file starts: its first line (0-based) and the index of its first document. */
interface Part {
  readonly text: string;
  readonly line: number;
  readonly doc: number;
}

function yamlDiagnostic(message: string, at: { file: string; line: number; doc: number }): Diagnostic {
  return {
    code: 'yaml-syntax',
    severity: 'error',
    message,
    source: { file: at.file, doc: at.doc, line: at.line + 1, column: 1 },
    hint: 'Fix the YAML at this position; the other documents are still analysed.',
  };
}

/**
 * Runs `read` without capturing stack traces. The yaml package makes an Error for every problem it finds and a
 * broken file can hold thousands (its recovery reports one per stray token); kubetwin reads only their messages
 * and positions, and capturing each stack was most of the time spent on such a file (measured on a fuzzed 25 kB
 * fixture with 2,452 syntax errors: 38 % of its parse).
 */
function withoutStacks<T>(read: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return read();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function parseStream(input: ManifestText, part: Part, objects: RawObject[], diagnostics: Diagnostic[]): void {
  const lineCounter = new LineCounter();
  const docs = withoutStacks(() =>
    // `logLevel: 'error'`: the package would print its warnings on stderr itself (a collection used as a key,
    // when building a value); kubetwin turns each into a diagnostic instead (`yamlWarning`, `structureProblem`).
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    parseAllDocuments(part.text, { lineCounter, logLevel: 'error', ...(kubectlScalars as any) }),
  );
  if (docs.length === 0) {
    // A stream with no document (an EmptyStream) may still carry what its directives drew.
    const stream = docs as unknown as { errors?: YAMLError[]; warnings?: YAMLWarning[] };
    const at = (offset: number | undefined): SourceRef => {
      const pos = lineCounter.linePos(offset ?? 0);
      return { file: input.file, doc: part.doc, line: part.line + pos.line, column: pos.col };
    };
    for (const e of stream.errors ?? [])
      diagnostics.push({
        ...yamlDiagnostic(plainSyntaxMessage(e.message), { ...part, file: input.file }),
        source: at(e.pos[0]),
      });
    for (const w of stream.warnings ?? []) diagnostics.push(yamlWarning(w, at));
    return;
  }
  docs.forEach((doc, i) => {
    const docIndex = part.doc + i;
    const origin = helmOrigin(doc);
    const at = (offset: number | undefined, path?: string): SourceRef => {
      const pos = lineCounter.linePos(offset ?? 0);
      return { file: input.file, doc: docIndex, line: part.line + pos.line, column: pos.col, origin, path };
    };
    const refuse = (problem: YamlProblem): void => {
      diagnostics.push({
        code: problem.code ?? 'yaml-syntax',
        severity: 'error',
        message: problem.message,
        source: at(problem.offset),
        hint:
          problem.code === 'yaml-invalid-key'
            ? 'Write the key as a string; the other documents are still analysed.'
            : 'Fix the YAML at this position; the other documents are still analysed.',
      });
    };
    if (doc.errors.length > 0) {
      // The package records a stack overflow once per composer that catches it: one cause, said once.
      let deep = false;
      for (const err of doc.errors) {
        const message = plainSyntaxMessage(err.message);
        if (message === depthMessage && deep) continue;
        deep ||= message === depthMessage;
        refuse({ message, offset: err.pos[0] });
      }
      return;
    }
    for (const w of doc.warnings) diagnostics.push(yamlWarning(w, at));
    const root = doc.contents as Node | null;
    if (root === null || (isScalar(root) && root.value === null)) return; // empty document, as kubectl skips it
    if (!isMap(root)) {
      diagnostics.push({
        code: 'not-an-object',
        severity: 'error',
        message:
          'document is not a Kubernetes object (expected a mapping with apiVersion, kind and metadata)',
        source: at(root.range?.[0]),
      });
      return;
    }
    const problem = structureProblem(root, doc);
    if (problem) return refuse(problem);
    let body: Record<string, unknown>;
    try {
      body = doc.toJS({ maxAliasCount: yamlLimits.maxAliasCount }) as Record<string, unknown>;
    } catch (e) {
      return refuse(valueProblem(root, e));
    }
    if (refuseRecursive(body, at, (path) => findOffset(root, path), diagnostics)) return;
    emit(
      body,
      located(at, (path) => findOffset(root, path)),
      objects,
      diagnostics,
    );
  });
}

/**
 * A warning of the yaml package (an unknown tag or directive, an anchor or alias ending in `:`, a flow collection
 * indented less than its parent) as a `yaml-warning` at its line: the document is still read as the package read
 * it (an unknown tag's scalar as a string, as go-yaml v2 reads a tag it cannot resolve), but kubectl's reader may
 * read it differently or refuse it, so it is said rather than dropped.
 */
function yamlWarning(w: YAMLWarning, at: (offset: number | undefined) => SourceRef): Diagnostic {
  return {
    code: 'yaml-warning',
    severity: 'warning',
    message: plainSyntaxMessage(w.message)
      .replace(/^YAML syntax error: /, 'YAML: ')
      .replace(/tag:yaml\.org,2002:/g, '!!'),
    source: at(w.pos[0]),
    hint: 'Remove the tag or directive, or write the value plainly; kubectl may read this differently.',
  };
}

/**
 * An alias inside the node its anchor names (`a: &x {b: *x}`) makes a recursive structure: valid YAML, but no
 * Kubernetes object (JSON) can be one, and kubectl refuses it. The document is refused with a `yaml-syntax` error
 * at the alias; true when it was.
 */
function refuseRecursive(
  body: unknown,
  at: (offset: number | undefined, path?: string) => SourceRef,
  offsetOf: (path: readonly PathSegment[]) => number | undefined,
  diagnostics: Diagnostic[],
): boolean {
  // Depth-first over the nodes open on the current branch; the path is built only for the one that closes a loop.
  const open = new Set<object>();
  const path: PathSegment[] = [];
  const loops = (v: unknown): boolean => {
    if (v === null || typeof v !== 'object') return false;
    if (open.has(v)) return true;
    open.add(v);
    const keys: PathSegment[] = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
    for (const k of keys)
      if (loops((v as Record<PathSegment, unknown>)[k])) {
        path.unshift(k);
        return true;
      }
    open.delete(v);
    return false;
  };
  if (!loops(body)) return false;
  diagnostics.push({
    code: 'yaml-syntax',
    severity: 'error',
    message: `${formatPath(path)}: an alias refers to a node that contains it, a recursive structure no Kubernetes object can be; the document is left out`,
    hint: 'Repeat the value instead of aliasing the node that holds it.',
    source: at(offsetOf(path), formatPath(path)),
  });
  return true;
}

/** A raw object of `body`, whose paths are located under `prefix` (`['items', i]` for a List's item). */
type MakeObject = (body: Record<string, unknown>, prefix: readonly PathSegment[]) => RawObject;

/**
 * One document's objects: the document itself, or each item of a `List`, each with `locate` over the
 * document's positions (`make` a raw object of a body under a path from the document's root).
 */
function emit(
  body: Record<string, unknown>,
  make: MakeObject,
  objects: RawObject[],
  diagnostics: Diagnostic[],
): void {
  const listKind = typeof body.kind === 'string' && body.kind.endsWith('List') ? body.kind : undefined;
  if (listKind && Array.isArray(body.items)) {
    const itemKind = listKind === 'List' ? undefined : listKind.slice(0, -'List'.length);
    body.items.forEach((item, i) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        diagnostics.push({
          code: 'not-an-object',
          severity: 'error',
          message: `items[${i}] of a List is not an object`,
          source: make({}, ['items', i]).source,
        });
        return;
      }
      objects.push(make(typedItem(item as Record<string, unknown>, itemKind, body.apiVersion), ['items', i]));
    });
    return;
  }
  objects.push(make(body, noPrefix));
}

const noPrefix: readonly PathSegment[] = [];

/** Raw objects located through `offsetOf` a path from the document's root and `at` an offset (closures). */
function located(
  at: (offset: number | undefined, path?: string) => SourceRef,
  offsetOf: (path: readonly PathSegment[]) => number | undefined,
): MakeObject {
  return (body, prefix) => {
    const locate = (path: readonly PathSegment[]) =>
      at(offsetOf(prefix.length ? [...prefix, ...path] : path), formatPath(path));
    return { body, source: locate([]), locate };
  };
}

/** Where a document the fast reader read sits: its file, index, first line (0-based) and position entries. */
interface FastDocumentAt {
  readonly file: string;
  readonly doc: number;
  readonly line: number;
  readonly lines: LineIndex;
  readonly positions: Positions;
}

/**
 * A raw object the fast reader read: `locate` is a method over the document's position entries, not closures made
 * per document (three closures and their contexts per object, live until the build ends: design note 0006,
 * Decision 14). Its sources are the ones the closures made, field for field and in the same key order.
 */
class FastObject implements RawObject {
  readonly source: SourceRef;

  constructor(
    readonly body: Record<string, unknown>,
    private readonly where: FastDocumentAt,
    private readonly prefix: readonly PathSegment[],
  ) {
    this.source = this.locate([]);
  }

  locate(path: readonly PathSegment[]): SourceRef {
    const { where, prefix } = this;
    const o = where.positions.offsetOf(prefix.length ? [...prefix, ...path] : path) ?? 0;
    // Searched from the document's first line: its fields are a few lines below it (design note 0006).
    const line = where.lines.lineFrom(o, where.line);
    return {
      file: where.file,
      doc: where.doc,
      line: line + 1,
      column: o - where.lines.startOf(line) + 1,
      origin: undefined,
      path: formatPath(path),
    };
  }
}

/**
 * An item of a typed list (`PodList`, `NetworkPolicyList`, ...) as the API server returns it: without `kind`
 * and `apiVersion`, which are those of the list (the kind minus `List`). Items that carry them keep theirs.
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#collections
 */
function typedItem(
  item: Record<string, unknown>,
  itemKind: string | undefined,
  apiVersion: unknown,
): Record<string, unknown> {
  if (!itemKind || (item.kind !== undefined && item.apiVersion !== undefined)) return item;
  return {
    apiVersion: item.apiVersion ?? apiVersion,
    kind: item.kind ?? itemKind,
    ...item,
  };
}

function helmOrigin(doc: Document): string | undefined {
  const texts = [doc.commentBefore, (doc.contents as Node | null)?.commentBefore];
  for (const t of texts) {
    const m = t ? helmSource.exec(t) : null;
    if (m) return m[1];
  }
  return undefined;
}

/** Offset of the deepest node on `path` (the key node for map entries). */
function findOffset(root: Node, path: readonly PathSegment[]): number | undefined {
  let node: unknown = root;
  let offset = root.range?.[0];
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : p.key) === String(seg));
      if (!pair) break;
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset;
}
