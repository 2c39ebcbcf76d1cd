import type { ProfileMatch, ProfileRoute, ServiceProfile } from '../../model/mesh.ts';
import type { PathSegment } from '../../parse/index.ts';
import { namespacedMetaOf, type Envelope } from '../_envelope.ts';
import type { FieldReader } from '../_fields.ts';
import { re2Problem } from './_istio.ts';

const routeFields = ['name', 'condition', 'responseClasses', 'isRetryable', 'timeout'];

function readMatch(f: FieldReader, at: PathSegment[]): ProfileMatch {
  const pathRegex = f.str([...at, 'pathRegex']);
  if (pathRegex !== undefined) {
    const problem = re2Problem(pathRegex);
    if (problem)
      f.report(
        'invalid-mesh-regex',
        'error',
        [...at, 'pathRegex'],
        `pathRegex "${pathRegex}" does not compile: ${problem}; Linkerd's destination controller rejects the profile, so kubetwin leaves it out`,
      );
  }
  return {
    pathRegex,
    method: f.str([...at, 'method'])?.toUpperCase(),
    all: f.list([...at, 'all']).map((_, i) => readMatch(f, [...at, 'all', i])),
    any: f.list([...at, 'any']).map((_, i) => readMatch(f, [...at, 'any', i])),
    not: f.map([...at, 'not']) ? readMatch(f, [...at, 'not']) : undefined,
  };
}

/**
 * A ServiceProfile's routes (condition, timeout, isRetryable) and retry budget. A route field Linkerd does not
 * define (reference document 004's `retries: {maxAttempts, timeout}`) is reported where it is: Linkerd ignores
 * it. https://linkerd.io/2.15/reference/service-profiles/
 */
export function readServiceProfile(e: Envelope): ServiceProfile {
  const f = e.f;
  const routes: ProfileRoute[] = f.list(['spec', 'routes']).map((_, i) => {
    const at = ['spec', 'routes', i];
    for (const k of Object.keys(f.map(at) ?? {}))
      if (!routeFields.includes(k))
        f.report(
          'serviceprofile-unknown-field',
          'warning',
          [...at, k],
          `routes[${i}].${k} is not a ServiceProfile route field (${routeFields.join(', ')}): Linkerd ignores it${k === 'retries' ? "; retries come from isRetryable: true and the profile's retryBudget" : k === 'retryBudget' ? '; retryBudget is a field of spec, for the whole profile' : ''}`,
          'See https://linkerd.io/2.15/reference/service-profiles/ for the route fields.',
        );
    return {
      name: f.str([...at, 'name']) ?? `routes[${i}]`,
      condition: readMatch(f, [...at, 'condition']),
      timeout: f.str([...at, 'timeout']),
      isRetryable: f.bool([...at, 'isRetryable']) ?? false,
      source: f.raw.locate(at),
    };
  });
  const rb = f.map(['spec', 'retryBudget']);
  return {
    ...namespacedMetaOf(e),
    routes,
    retryBudget: rb
      ? {
          retryRatio: typeof rb.retryRatio === 'number' ? rb.retryRatio : undefined,
          minRetriesPerSecond: f.int(['spec', 'retryBudget', 'minRetriesPerSecond']),
          ttl: f.str(['spec', 'retryBudget', 'ttl']),
        }
      : undefined,
    hasDstOverrides: f.list(['spec', 'dstOverrides']).length > 0,
  };
}
