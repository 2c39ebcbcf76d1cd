import { editDistance, knownFields } from '../model/schema.ts';
import { formatPath, type PathSegment } from '../parse/index.ts';
import type { Envelope } from './_envelope.ts';
import type { FieldReader } from './_fields.ts';

/**
 * Reports fields the API reference does not define, for the kinds in `knownFields`, with a "did you mean".
 * kubectl apply (default `--validate=strict`) refuses such an object, so it is an error and the object is left
 * out. https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation
 */
export function checkUnknownFields(env: Envelope): void {
  const schema = knownFields[env.kind];
  if (!schema) return;
  walk(env, schema, env.raw.body, [], '');
}

/**
 * `path` is one array pushed and popped on the way down (copied only for a report), and each pattern is made
 * once per (pattern, key) (`childPattern`): the walk visits every field of every object.
 */
function walk(
  env: Envelope,
  schema: Readonly<Record<string, readonly string[]>>,
  value: unknown,
  path: PathSegment[],
  pattern: string,
): void {
  if (Array.isArray(value)) {
    const items = childPattern(pattern, '*');
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walk(env, schema, value[i], path, items);
      path.pop();
    }
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const allowed = schema[pattern];
  if (!allowed) return;
  const known = knownSet(allowed);
  for (const key of Object.keys(value)) {
    if (!known.has(key)) {
      reportUnknownField(
        env.f,
        [...path, key],
        key,
        allowed,
        `${formatPath([...path, key])}: unknown field "${key}" in ${env.kind}`,
      );
      continue;
    }
    path.push(key);
    walk(env, schema, (value as Record<string, unknown>)[key], path, childPattern(pattern, key));
    path.pop();
  }
}

/** `pattern.key` (`key` alone at the root), one string per pair for the whole run: schema patterns are few. */
const patterns = new Map<string, Map<string, string>>();
function childPattern(pattern: string, key: string): string {
  let children = patterns.get(pattern);
  if (!children) patterns.set(pattern, (children = new Map()));
  let child = children.get(key);
  if (child === undefined) children.set(key, (child = pattern ? `${pattern}.${key}` : key));
  return child;
}

/**
 * The fields of a pattern as a set, made once per schema entry: `includes` compared every key of every object
 * with up to ~40 names (design note 0006, Decision 9).
 */
const knownSets = new WeakMap<readonly string[], ReadonlySet<string>>();
function knownSet(allowed: readonly string[]): ReadonlySet<string> {
  let set = knownSets.get(allowed);
  if (!set) knownSets.set(allowed, (set = new Set(allowed)));
  return set;
}

/**
 * One field the API does not define, at `path`: an error with the nearest of `allowed` (edit distance ≤ 2), since
 * kubectl apply refuses it (strict field validation) and without validation the API server drops it. `what` opens
 * the message (`spec.x: unknown field "x" in Service`).
 */
export function reportUnknownField(
  f: FieldReader,
  path: readonly PathSegment[],
  key: string,
  allowed: readonly string[],
  what: string,
): void {
  const near = allowed
    .filter((a) => editDistance(a.toLowerCase(), key.toLowerCase()) <= 2)
    .sort((a, b) => editDistance(a, key) - editDistance(b, key))[0];
  f.report(
    'unknown-field',
    'error',
    [...path],
    `${what}${near ? ` (did you mean "${near}"?)` : ''}; kubectl apply refuses it (strict field validation), and without validation the API server would drop it`,
    near ? `Rename it to ${near}.` : `Remove it; known fields here: ${allowed.join(', ')}.`,
  );
}
