import { Document, isScalar } from 'yaml';

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
export const kubectlScalars = {
  version: '1.1' as const,
  // Checked in one pass by structureProblem: the package's own check is quadratic in a mapping's size.
  uniqueKeys: false,
  customTags: (tags: { tag: string; format?: string }[]) =>
    tags.filter((t) => t.format !== 'TIME' && !dropped.has(t.tag)),
};

interface ScalarTag {
  readonly tag: string;
  readonly default?: boolean | 'key';
  readonly test?: RegExp;
  readonly collection?: string;
  resolve(value: string, onError: (message: string) => void, options: unknown): unknown;
}

/** The yaml package's own scalar tags under kubectl's rules, in the order it tries them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const schemaDoc = new Document(null, kubectlScalars as any);
const tags = (schemaDoc.schema.tags as unknown as ScalarTag[]).filter((t) => !t.collection);
const stringTag = 'tag:yaml.org,2002:str';
const options = schemaDoc.options;

/** A resolved plain scalar, or `invalid` when the package would report a problem for it. */
export const invalid: unique symbol = Symbol('invalid');

/**
 * A plain (unquoted) scalar's value exactly as the yaml package resolves it in a value position: the first
 * default tag whose test matches, resolved by that tag. `atKey` also tries the key-only tags (the merge key `<<`),
 * whose answer the fast path does not model: it gets `invalid`.
 *
 * Shortcut: every default test of the schema above but null and the booleans needs a digit, a sign or a dot
 * first, and the longest null or boolean word is five letters, so a longer word starting with a letter is a
 * string (a property test checks the shortcut against the full search).
 */
export function resolvePlain(text: string, atKey = false): unknown {
  const c = text.charCodeAt(0);
  if (text.length > 5 && ((c >= 97 && c <= 122) || (c >= 65 && c <= 90))) return text;
  if (text.length > 12) return resolveBySchema(text, atKey);
  // Short scalars repeat (`v1`, `name`, `TCP`, `80`): their resolution (a primitive) is remembered.
  const cache = atKey ? keyCache : valueCache;
  let value = cache.get(text);
  if (value === undefined && !cache.has(text)) {
    value = resolveBySchema(text, atKey);
    if (cache.size >= 50_000) cache.clear();
    cache.set(text, value);
  }
  return value;
}

const keyCache = new Map<string, unknown>();
const valueCache = new Map<string, unknown>();

/** The full search, as the package does it (no shortcut). */
export function resolveBySchema(text: string, atKey = false): unknown {
  for (const tag of tags) {
    if (!(tag.default === true || (atKey && tag.default === 'key')) || !tag.test?.test(text)) continue;
    if (tag.default === 'key') return invalid;
    if (tag.tag === stringTag) return text;
    let failed = false;
    const res = tag.resolve(text, () => (failed = true), options);
    if (failed) return invalid;
    return isScalar(res) ? res.value : res;
  }
  return text;
}
