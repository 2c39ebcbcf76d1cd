import type { ProfileMatch, ServiceProfile } from '../../../model/mesh.ts';
import type { Service } from '../../../model/types.ts';
import { fullRegex } from '../../gateway/index.ts';
import type { MeshPolicy } from '../_profile.ts';
import type { MeshRequest } from '../types.ts';

/** Linkerd's per-route timeout when a ServiceProfile route sets none. */
const defaultTimeout = '10s (Linkerd default)';

/** A `RequestMatch`: every field set must hold; `pathRegex` matches the whole path. */
export function profileMatches(m: ProfileMatch, req: MeshRequest): boolean {
  if (m.pathRegex !== undefined && !(fullRegex(m.pathRegex)?.test(req.path) ?? false)) return false;
  if (m.method !== undefined && m.method !== req.method) return false;
  if (m.all.some((x) => !profileMatches(x, req))) return false;
  if (m.any.length && !m.any.some((x) => profileMatches(x, req))) return false;
  if (m.not && profileMatches(m.not, req)) return false;
  return true;
}

function describe(m: ProfileMatch): string {
  const parts = [
    ...(m.method ? [`method ${m.method}`] : []),
    ...(m.pathRegex !== undefined ? [`pathRegex ${m.pathRegex}`] : []),
    ...(m.all.length ? [`all(${m.all.map(describe).join('; ')})`] : []),
    ...(m.any.length ? [`any(${m.any.map(describe).join('; ')})`] : []),
    ...(m.not ? [`not(${describe(m.not)})`] : []),
  ];
  return parts.join(', ') || 'any request';
}

/**
 * The ServiceProfile of a Service (named by its FQDN, in the client's namespace first, then the Service's)
 * and the first of its routes the request matches: that route's timeout (10s by default) and whether it is
 * retried (isRetryable, within the profile's retryBudget). https://linkerd.io/2.15/reference/service-profiles/
 * https://linkerd.io/2.15/tasks/configuring-timeouts/ https://linkerd.io/2.15/tasks/configuring-retries/
 */
export function profilePolicy(
  profiles: readonly ServiceProfile[],
  svc: Service,
  clientNs: string,
  req: MeshRequest,
  clusterDomain: string,
): MeshPolicy {
  const fqdn = `${svc.name}.${svc.namespace}.svc.${clusterDomain}`;
  const sp =
    profiles.find((p) => p.name === fqdn && p.namespace === clientNs) ??
    profiles.find((p) => p.name === fqdn && p.namespace === svc.namespace);
  if (!sp) return { notes: [] };
  const notes: string[] = [];
  if (sp.hasDstOverrides)
    notes.push(`${sp.key} has dstOverrides (a traffic split), which is not modeled: destinations may differ`);
  const route = sp.routes.find((r) => profileMatches(r.condition, req));
  if (!route) {
    notes.push(
      `${sp.key}: no route matches (${sp.routes.length} route(s)); no per-route timeout or retries apply`,
    );
    return { notes };
  }
  const b = sp.retryBudget;
  const budget = b
    ? `retryBudget retryRatio ${b.retryRatio ?? 0.2}, minRetriesPerSecond ${b.minRetriesPerSecond ?? 10}, ttl ${b.ttl ?? '10s'}`
    : 'the default retry budget (20% extra load, 10 retries/s)';
  notes.push(`${sp.key} route "${route.name}" (${describe(route.condition)})`);
  return {
    notes,
    timeout: route.timeout ?? defaultTimeout,
    retries: route.isRetryable
      ? `retried on failure within ${budget} (isRetryable)`
      : 'none (isRetryable not set)',
  };
}
