import type { DoctorRule, Finding } from './types.ts';

/** Builder diagnostics that are misconfigurations people ship: removed or unknown API versions, fields, annotations. */
const carried = new Set([
  'removed-api-version',
  'unknown-field',
  'removed-field',
  'removed-annotation',
  'deprecated-field',
  'deprecated-annotation',
]);

/**
 * Removed and unknown fields and annotations, found while reading the manifests (see docs/diagnostics.md), as
 * findings: a removed apiVersion or an unknown field makes kubectl refuse the object; a removed field or annotation
 * is silently ignored. https://kubernetes.io/docs/reference/using-api/deprecation-guide/
 */
export const removedOrUnknown: DoctorRule = {
  code: 'removed-or-unknown',
  severity: 'error',
  emits: [...carried],
  summary:
    'removed API versions, unknown fields, removed or deprecated fields and annotations (the codes of docs/diagnostics.md)',
  check: ({ diagnostics }) =>
    (diagnostics ?? [])
      .filter((d) => carried.has(d.code))
      .map((d): Finding => ({
        code: d.code,
        severity: d.severity,
        message: d.message,
        objects: [{ key: d.object ?? d.source?.file ?? '', source: d.source }],
        breaks:
          d.code === 'removed-api-version' || d.code === 'unknown-field'
            ? 'kubectl apply refuses this object: it never reaches the cluster'
            : d.code.startsWith('removed')
              ? 'the API server ignores it: what it meant to configure does not happen'
              : 'works today, goes away in a future release',
        fix: d.hint ?? 'Use the replacement the message names.',
      })),
};
