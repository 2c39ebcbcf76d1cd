import { editDistance, knownFields } from '../model/schema.ts';
import { formatPath, type PathSegment } from '../parse/index.ts';
import type { Envelope } from './_envelope.ts';

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

function walk(
  env: Envelope,
  schema: Readonly<Record<string, readonly string[]>>,
  value: unknown,
  path: PathSegment[],
  pattern: string,
): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(env, schema, v, [...path, i], pattern ? `${pattern}.*` : '*'));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const allowed = schema[pattern];
  if (!allowed) return;
  for (const key of Object.keys(value)) {
    const here = [...path, key];
    if (!allowed.includes(key)) {
      const near = allowed
        .filter((a) => editDistance(a.toLowerCase(), key.toLowerCase()) <= 2)
        .sort((a, b) => editDistance(a, key) - editDistance(b, key))[0];
      env.f.report(
        'unknown-field',
        'error',
        here,
        `${formatPath(here)}: unknown field "${key}" in ${env.kind}${near ? ` (did you mean "${near}"?)` : ''}; kubectl apply refuses it (strict field validation), and without validation the API server would drop it`,
        near ? `Rename it to ${near}.` : `Remove it; known fields here: ${allowed.join(', ')}.`,
      );
      continue;
    }
    walk(env, schema, (value as Record<string, unknown>)[key], here, pattern ? `${pattern}.${key}` : key);
  }
}
