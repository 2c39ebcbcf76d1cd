import type { Diagnostic } from '../model/diagnostic.ts';
import type { RawObject } from '../parse/index.ts';

const testKinds = ['reach', 'resolve', 'route'];

/**
 * Is this document one of kubetwin's own files found under `-f` rather than a manifest: a flows file (a top-level
 * `flows:` list, docs/flows.md) or an assertion file (`tests:` entries with `reach:`, `resolve:` or `route:`,
 * docs/test.md)? Neither has an `apiVersion` or `kind`. Returns the note saying it is skipped, or undefined.
 */
export function kubetwinFileNote(raw: RawObject): Diagnostic | undefined {
  const body = raw.body;
  if (body.apiVersion !== undefined || body.kind !== undefined) return undefined;
  if (Array.isArray(body.flows))
    return {
      code: 'kubetwin-file-skipped',
      severity: 'info',
      message: 'a kubetwin flows file (top-level flows:), not a manifest: skipped',
      source: raw.source,
      hint: 'Pass it with --flows FILE to trace, report or doctor.',
    };
  const tests = body.tests;
  const isTest = (t: unknown) =>
    t !== null && typeof t === 'object' && testKinds.some((k) => k in (t as Record<string, unknown>));
  if (Array.isArray(tests) && tests.some(isTest))
    return {
      code: 'kubetwin-file-skipped',
      severity: 'info',
      message: 'a kubetwin test file (tests: with reach, resolve or route entries), not a manifest: skipped',
      source: raw.source,
      hint: 'Run it with kubetwin test -f MANIFESTS FILE.',
    };
  return undefined;
}
