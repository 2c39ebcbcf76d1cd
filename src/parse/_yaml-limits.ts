import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';

/**
 * Bounds on what one YAML document may ask of the reader. kubectl's go-yaml caps alias expansion (the "billion
 * laughs" fix, CVE-2019-11254, https://github.com/advisories/GHSA-wxc4-f4m6-wwqv) and nesting depth; kubetwin's
 * reader is recursive, so it refuses documents nested deeper than any Kubernetes object needs, before the stack
 * runs out, and says so at the line.
 */
export const yamlLimits = { maxAliasCount: 1000, maxDepth: 500 } as const;

/** A problem in one document, as a plain message at an offset into the text. */
export interface YamlProblem {
  readonly message: string;
  readonly offset: number | undefined;
  /** The diagnostic code; `yaml-syntax` when absent. */
  readonly code?: 'yaml-invalid-key';
}

/** The message for a document nested past `maxDepth`. */
export const depthMessage = `YAML nesting too deep: this document nests mappings or sequences more than ${yamlLimits.maxDepth} levels deep, which kubetwin does not read`;

/** True for the JavaScript engine's stack overflow, which a deeply nested document causes in the YAML reader. */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

/** The plain message for a yaml-package error message (never a JavaScript error's text). */
export function plainSyntaxMessage(message: string): string {
  if (/call stack/i.test(message)) return depthMessage;
  return `YAML syntax error: ${message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`;
}

interface Visit {
  readonly node: unknown;
  readonly depth: number;
}

/** Visits every node (and pair key) of a document without recursion; `stop` returning true ends the walk. */
function walk(root: Node, stop: (node: unknown, depth: number) => boolean): void {
  const stack: Visit[] = [{ node: root, depth: 1 }];
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (stop(node, depth)) return;
    if (isMap(node) || isSeq(node))
      for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i], depth: depth + 1 });
    else if (isPair(node)) {
      if (node.value) stack.push({ node: node.value, depth });
      if (node.key) stack.push({ node: node.key, depth });
    }
  }
}

/** A node's start; a pair has no range of its own, so its key's. */
const offsetOf = (node: unknown): number | undefined =>
  isPair(node) ? offsetOf(node.key) : (node as Node | null)?.range?.[0];

const isMergeKey = (key: unknown): boolean =>
  isScalar(key) && (key.value === '<<' || (typeof key.value === 'symbol' && key.value.description === '<<'));

/**
 * The first structural problem of a document, in one walk: a node nested deeper than `maxDepth`, or a key repeated
 * in one mapping, as the yaml package reports it ("Map keys must be unique") and kubectl's strict decoding refuses
 * it. The package's own key check compares each key with every earlier one (quadratic: 20,000 labels took
 * minutes), so kubetwin turns it off and checks here with one set per mapping. Scalar keys compare by value and
 * type; merge keys (`<<`) may repeat; other keys (rare) never compare equal, as in the package. A key that is a
 * mapping, a sequence or null is refused too (see `invalidKey`).
 */
export function structureProblem(root: Node, doc?: Document): YamlProblem | undefined {
  let found: YamlProblem | undefined;
  walk(root, (node, depth) => {
    if (depth > yamlLimits.maxDepth) {
      found = { message: depthMessage, offset: offsetOf(node) };
      return true;
    }
    if (isPair(node)) {
      const invalid = invalidKey(node.key, doc);
      if (invalid)
        found = { code: 'yaml-invalid-key', message: invalidKeyMessage(invalid), offset: pairOffset(node) };
      return found !== undefined;
    }
    if (!isMap(node)) return false;
    const seen = new Set<unknown>();
    for (const pair of node.items) {
      const key = pair.key;
      if (!isScalar(key) || isMergeKey(key)) continue;
      const id = typeof key.value === 'string' ? key.value : `\u0000${typeof key.value}:${String(key.value)}`;
      if (seen.has(id)) {
        found = { message: 'YAML syntax error: Map keys must be unique', offset: offsetOf(key) };
        return true;
      }
      seen.add(id);
    }
    return false;
  });
  return found;
}

/**
 * What makes a mapping key one no Kubernetes object can have, or undefined for a good key. kubectl reads YAML
 * through sigs.k8s.io/yaml, which turns it into JSON and refuses a key that is not a string, number or boolean
 * ("unsupported map key of type", `convertToJSONableObject` in https://github.com/kubernetes-sigs/yaml/blob/master/yaml.go):
 * a mapping or sequence (`? {a: 1}`, `[a]: 1`) or null (`~:`, `null:`, an empty key). The yaml package would
 * turn such a key into a string and print a warning of its own on stderr; kubetwin refuses the document instead,
 * as kubectl does. An alias key is judged by the node it names (`doc` resolves it).
 */
function invalidKey(
  key: unknown,
  doc: Document | undefined,
): 'a mapping' | 'a sequence' | 'null' | undefined {
  // An alias with no anchor is left to the reader, which says so.
  if (isAlias(key) && !doc) return undefined;
  const node = isAlias(key) ? key.resolve(doc!) : key;
  if (isAlias(key) && node === undefined) return undefined;
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a sequence';
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) return 'null';
  return undefined;
}

/** Where a pair starts: its key, or its value when the key is empty. */
const pairOffset = (pair: unknown): number | undefined =>
  isPair(pair) ? (offsetOf(pair.key) ?? offsetOf(pair.value)) : undefined;

function invalidKeyMessage(what: 'a mapping' | 'a sequence' | 'null'): string {
  return `YAML mapping key is ${what}: a Kubernetes object's keys are strings (numbers and booleans are read as strings), and kubectl refuses this document (sigs.k8s.io/yaml: unsupported map key)`;
}

/** The first node `test` accepts, for locating a problem. */
function firstNode(root: Node, test: (node: unknown) => boolean): unknown {
  let found: unknown;
  walk(root, (node) => {
    if (!test(node)) return false;
    found = node;
    return true;
  });
  return found;
}

/**
 * Turns what the yaml package throws while building a document's value into a problem at the node it is about:
 * an alias with no anchor before it, a merge key (`<<`) whose source is not a mapping, too many alias expansions,
 * or nesting deep enough to exhaust the stack. Anything else is still input the reader refused, said plainly.
 * https://yaml.org/type/merge.html
 */
export function valueProblem(root: Node, e: unknown): YamlProblem {
  const message = e instanceof Error ? e.message : String(e);
  const unresolved = /^Unresolved alias[^:]*: (.*)$/.exec(message);
  if (unresolved) {
    const name = unresolved[1];
    return {
      message: `YAML alias *${name} has no anchor &${name} before it in this document`,
      offset: offsetOf(firstNode(root, (n) => isAlias(n) && n.source === name)),
    };
  }
  if (/Merge sources/.test(message))
    return {
      message:
        'YAML merge key "<<" must merge a mapping or a list of mappings (such as <<: *defaults), not a scalar',
      offset: offsetOf(firstNode(root, (n) => isPair(n) && isMergeKey(n.key))),
    };
  if (/Excessive alias count/.test(message))
    return {
      message: `YAML aliases in this document expand more than ${yamlLimits.maxAliasCount} times (a guard against alias bombs, as kubectl's YAML reader has)`,
      offset: offsetOf(firstNode(root, isAlias)),
    };
  if (isStackOverflow(e)) return { message: depthMessage, offset: offsetOf(root) };
  return { message: `YAML could not be read: ${message.split('\n')[0]}`, offset: offsetOf(root) };
}

const documentStart = /^---(?=[ \t\r\n]|$)/;
const noContent = /^(\s*(#.*)?|%.*)$/;

/**
 * Splits a YAML stream at its `---` markers (a `---` at column 0 always starts a document), for reading
 * documents one at a time when the whole stream cannot be read at once. Lines before a marker that hold only
 * comments and directives (before the first marker) stay with the document they introduce, as the yaml package
 * counts documents.
 */
export function splitDocuments(text: string): { text: string; line: number }[] {
  const lines = text.split('\n');
  const out: { text: string; line: number }[] = [];
  let start = 0;
  let hasContent = false;
  lines.forEach((l, i) => {
    if (i > start && documentStart.test(l) && (hasContent || documentStart.test(lines[start]))) {
      out.push({ text: lines.slice(start, i).join('\n'), line: start });
      start = i;
      hasContent = false;
    }
    if (!noContent.test(documentStart.test(l) ? l.slice(3) : l)) hasContent = true;
  });
  out.push({ text: lines.slice(start).join('\n'), line: start });
  return out;
}

/** Where a document starts and ends in a file's text (the end excludes the newline before the next `---`). */
export interface DocumentChunk {
  readonly start: number;
  readonly end: number;
  /** The 0-based line of `start`. */
  readonly line: number;
}

/**
 * The documents of a stream as offsets, cut where `splitDocuments` cuts (so both count documents the same way),
 * without copying the text.
 */
export function documentChunks(text: string): DocumentChunk[] {
  const out: DocumentChunk[] = [];
  let start = 0;
  let startLine = 0;
  let startIsMarker = isMarker(text, 0);
  let hasContent = false;
  let line = 0;
  for (let at = 0; at <= text.length; line++) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    const marker = isMarker(text, at);
    if (at > start && marker && (hasContent || startIsMarker)) {
      out.push({ start, end: at - 1, line: startLine });
      start = at;
      startLine = line;
      startIsMarker = true;
      hasContent = false;
    }
    if (!hasContent && !noContent.test(text.slice(marker ? at + 3 : at, nl))) hasContent = true;
    at = nl + 1;
  }
  out.push({ start, end: text.length, line: startLine });
  return out;
}

function isMarker(text: string, at: number): boolean {
  if (!text.startsWith('---', at)) return false;
  const c = text.charCodeAt(at + 3);
  return Number.isNaN(c) || c === 32 || c === 9 || c === 13 || c === 10;
}
