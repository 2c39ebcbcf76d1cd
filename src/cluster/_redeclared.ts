import type { Diagnostic } from '../model/diagnostic.ts';
import type { RawObject } from '../parse/index.ts';
import type { Envelope } from './_envelope.ts';

/**
 * An object declared again: the last declaration wins, as `kubectl apply` of both files leaves it. The same
 * content (ignoring `status` and the fields the API server writes) is a note; different content a warning
 * naming both places and the fields that differ.
 * https://kubernetes.io/docs/tasks/manage-kubernetes-objects/declarative-config/
 */
export function redeclared(env: Envelope, first: RawObject): Diagnostic {
  const was = `${first.source.file}:${first.source.line}`;
  const diff = differingPaths(comparable(first.body), comparable(env.raw.body), []);
  if (!diff.length)
    return {
      code: 'duplicate-object',
      severity: 'info',
      message: `${env.key} is declared again with the same content as at ${was}; it is read once`,
      source: env.raw.source,
      object: env.key,
    };
  const shown = diff.slice(0, 3).join(', ') + (diff.length > 3 ? ` and ${diff.length - 3} more` : '');
  return {
    code: 'duplicate-object',
    severity: 'warning',
    message: `${env.key} is declared twice with different ${shown}: at ${was} and here; this last one wins, as kubectl apply of both would leave it`,
    source: env.raw.source,
    object: env.key,
    hint: 'Keep one declaration, or give them different names or namespaces.',
  };
}

const serverFields = ['resourceVersion', 'uid', 'generation', 'creationTimestamp', 'managedFields'];

function comparable(body: Record<string, unknown>): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...body };
  delete rest.status;
  if (rest.metadata && typeof rest.metadata === 'object') {
    const meta = { ...(rest.metadata as Record<string, unknown>) };
    for (const f of serverFields) delete meta[f];
    rest.metadata = meta;
  }
  return rest;
}

/** Field paths (two levels deep at most, `spec.replicas`) where two bodies differ, sorted. */
function differingPaths(a: unknown, b: unknown, at: string[]): string[] {
  const isMap = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isMap(a) && isMap(b) && at.length < 2) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => differingPaths(a[k], b[k], [...at, k]));
  }
  return canonical(a) === canonical(b) ? [] : [at.join('.') || 'content'];
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}
