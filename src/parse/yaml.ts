import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import type { Diagnostic, SourceRef } from '../model/diagnostic.ts';
import { formatPath, type PathSegment, type RawObject } from './raw-object.ts';
import {
  depthMessage,
  structureProblem,
  isStackOverflow,
  plainSyntaxMessage,
  splitDocuments,
  valueProblem,
  yamlLimits,
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

/**
 * Scalars resolve as kubectl resolves them. kubectl decodes manifests with sigs.k8s.io/yaml, which reads
 * YAML through its go-yaml v2 fork: YAML 1.1 booleans (`yes`, `on`, `y`) and 1.1 octals (`0755` = 493),
 * but no sexagesimal numbers, timestamps or binary tags (those stay strings).
 * See https://kubernetes.io/docs/concepts/configuration/secret/ ("YAML accepts both octal and decimal").
 */
const dropped = new Set([
  'tag:yaml.org,2002:timestamp',
  'tag:yaml.org,2002:binary',
  'tag:yaml.org,2002:omap',
  'tag:yaml.org,2002:pairs',
  'tag:yaml.org,2002:set',
]);
const kubectlScalars = {
  version: '1.1' as const,
  // Checked in one pass by structureProblem: the package's own check is quadratic in a mapping's size.
  uniqueKeys: false,
  customTags: (tags: { tag: string; format?: string }[]) =>
    tags.filter((t) => t.format !== 'TIME' && !dropped.has(t.tag)),
};

const helmSource = /^\s*Source:\s*(\S.*?)\s*$/m;

/** Parses manifest files into raw objects with positions; a broken document never hides the others. */
export function parseManifests(inputs: readonly ManifestText[]): ParseResult {
  const objects: RawObject[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const input of inputs) parseOne(input, objects, diagnostics);
  return { objects, diagnostics };
}

function parseOne(input: ManifestText, objects: RawObject[], diagnostics: Diagnostic[]): void {
  try {
    parseStream(input, { text: input.text, line: 0, doc: 0 }, objects, diagnostics);
  } catch (e) {
    if (!isStackOverflow(e)) throw e;
    // The reader ran out of stack on a deeply nested document: read the documents one at a time, so only the
    // nested one is refused.
    splitDocuments(input.text).forEach((chunk, doc) => {
      const part = { ...chunk, doc };
      try {
        parseStream(input, part, objects, diagnostics);
      } catch (e2) {
        if (!isStackOverflow(e2)) throw e2;
        diagnostics.push(yamlDiagnostic(depthMessage, { ...part, file: input.file }));
      }
    });
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

function parseStream(input: ManifestText, part: Part, objects: RawObject[], diagnostics: Diagnostic[]): void {
  const lineCounter = new LineCounter();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const docs = parseAllDocuments(part.text, { lineCounter, ...(kubectlScalars as any) });
  const list = Array.isArray(docs) ? docs : [];
  if (!Array.isArray(docs)) {
    // An empty stream yields an EmptyStream object: nothing to read.
    return;
  }
  list.forEach((doc, i) => {
    const docIndex = part.doc + i;
    const origin = helmOrigin(doc);
    const at = (offset: number | undefined, path?: string): SourceRef => {
      const pos = lineCounter.linePos(offset ?? 0);
      return { file: input.file, doc: docIndex, line: part.line + pos.line, column: pos.col, origin, path };
    };
    const refuse = (problem: YamlProblem): void => {
      diagnostics.push({
        code: 'yaml-syntax',
        severity: 'error',
        message: problem.message,
        source: at(problem.offset),
        hint: 'Fix the YAML at this position; the other documents are still analysed.',
      });
    };
    if (doc.errors.length > 0) {
      for (const err of doc.errors) refuse({ message: plainSyntaxMessage(err.message), offset: err.pos[0] });
      return;
    }
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
    const problem = structureProblem(root);
    if (problem) return refuse(problem);
    let body: Record<string, unknown>;
    try {
      body = doc.toJS({ maxAliasCount: yamlLimits.maxAliasCount }) as Record<string, unknown>;
    } catch (e) {
      return refuse(valueProblem(root, e));
    }
    const locate = (prefix: readonly PathSegment[]) => (path: readonly PathSegment[]) => {
      const full = [...prefix, ...path];
      return at(findOffset(root, full), formatPath(path));
    };
    const listKind = typeof body.kind === 'string' && body.kind.endsWith('List') ? body.kind : undefined;
    if (listKind && Array.isArray(body.items)) {
      const itemKind = listKind === 'List' ? undefined : listKind.slice(0, -'List'.length);
      body.items.forEach((item, i) => {
        const loc = locate(['items', i]);
        if (item === null || typeof item !== 'object' || Array.isArray(item)) {
          diagnostics.push({
            code: 'not-an-object',
            severity: 'error',
            message: `items[${i}] of a List is not an object`,
            source: loc([]),
          });
          return;
        }
        objects.push({
          body: typedItem(item as Record<string, unknown>, itemKind, body.apiVersion),
          source: loc([]),
          locate: loc,
        });
      });
      return;
    }
    const loc = locate([]);
    objects.push({ body, source: loc([]), locate: loc });
  });
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
