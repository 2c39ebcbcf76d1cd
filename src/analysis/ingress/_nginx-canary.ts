import type { HttpRequest, Ingress, RouteUnknown } from '../../model/routing.ts';
import type { Entry } from './_entries.ts';

const p = 'nginx.ingress.kubernetes.io/';

/** The canary annotations ingress-nginx reads (all modeled). */
export const canaryAnnotations = [
  'canary',
  'canary-by-header',
  'canary-by-header-value',
  'canary-by-header-pattern',
  'canary-by-cookie',
  'canary-weight',
  'canary-weight-total',
].map((a) => `${p}${a}`);

/** An Ingress marked `canary: "true"`: it creates no location of its own, it only shapes another's traffic. */
export const isCanary = (ing: Ingress) => ing.annotations[`${p}canary`] === 'true';

/** ingress-nginx's traffic-shaping policy of one canary Ingress, as its canary annotation parser reads it. */
export interface CanaryPolicy {
  readonly header?: string;
  readonly headerValue?: string;
  readonly headerPattern?: string;
  readonly cookie?: string;
  readonly weight: number;
  /** The weight total the balancer uses: `canary-weight-total` only when above 100, else 100. */
  readonly weightTotal: number;
}

export function canaryPolicy(ing: Ingress, notes: string[]): CanaryPolicy {
  const a = (k: string) => ing.annotations[`${p}${k}`] || undefined;
  const int = (k: string, dflt: number) => {
    const v = a(k);
    if (v === undefined) return dflt;
    if (!/^\d+$/.test(v)) {
      notes.push(`ingress-nginx: ${k} "${v}" of ${ing.key} is not an integer; kubetwin reads it as ${dflt}`);
      return dflt;
    }
    return Number(v);
  };
  const total = int('canary-weight-total', 100);
  return {
    header: a('canary-by-header')?.toLowerCase().replace(/_/g, '-'),
    headerValue: a('canary-by-header-value'),
    headerPattern: a('canary-by-header-pattern'),
    cookie: a('canary-by-cookie'),
    weight: int('canary-weight', 0),
    weightTotal: total > 100 ? total : 100,
  };
}

/**
 * The canary Ingress whose backend becomes the alternative of a location: the first canary (by order) with a
 * rule of the same host and a path of the same string and pathType, whose Service backend is another upstream
 * than the location's (a canary never merges into its own upstream). One canary per location: the balancer only
 * reads the first alternative backend. A canary Ingress whose host and path match no location is dropped.
 * https://github.com/kubernetes/ingress-nginx/blob/main/internal/ingress/controller/controller.go (mergeAlternativeBackends)
 * https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#canary (known limitations)
 */
export function canaryFor(primary: Entry, canaries: readonly Entry[]): Entry | undefined {
  const up = (e: Entry) =>
    e.backend.service && `${e.ingress.namespace}/${e.backend.service.name}:${e.backend.service.port}`;
  return canaries.find(
    (c) =>
      c.backend.service &&
      c.host === primary.host &&
      c.path === primary.path &&
      c.pathType === primary.pathType &&
      up(c) !== up(primary),
  );
}

/** Where the balancer sends one request: decided by header or cookie, or split by weight. */
export type CanaryChoice =
  | { readonly to: 'canary' | 'primary'; readonly by: string }
  | { readonly split: number; readonly total: number };

function cookieOf(req: HttpRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim().toLowerCase() === name.toLowerCase())
      return part.slice(i + 1).trim();
  }
  return undefined;
}

/**
 * ingress-nginx's canary decision, in the balancer's order (header, then cookie, then weight):
 * - the `canary-by-header` header: with `canary-by-header-value`, that exact value → canary, any other value falls
 *   through; else with `canary-by-header-pattern`, a regex match anywhere in the value → canary (an invalid regex →
 *   primary, no fall-through), no match falls through; else `always` → canary, `never` → primary, anything else
 *   falls through;
 * - the `canary-by-cookie` cookie: `always` → canary, `never` → primary, anything else falls through;
 * - `canary-weight` out of 100 (or `canary-weight-total` when above 100) of the remaining requests, at random.
 * https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#canary
 * https://github.com/kubernetes/ingress-nginx/blob/main/rootfs/etc/nginx/lua/balancer.lua (route_to_alternative_balancer)
 */
export function canaryChoice(policy: CanaryPolicy, req: HttpRequest, notes: string[]): CanaryChoice {
  const header = policy.header !== undefined ? req.headers[policy.header] : undefined;
  if (header !== undefined) {
    const h = `header ${policy.header}: ${header}`;
    if (policy.headerValue !== undefined) {
      if (header === policy.headerValue) return { to: 'canary', by: `${h} (canary-by-header-value)` };
    } else if (policy.headerPattern !== undefined) {
      let re: RegExp | undefined;
      try {
        re = new RegExp(policy.headerPattern);
      } catch {
        notes.push(
          `canary-by-header-pattern "${policy.headerPattern}" does not compile (as a JavaScript regex; nginx uses PCRE): a matching error sends the request to the primary backend`,
        );
        return { to: 'primary', by: `${h} (pattern error)` };
      }
      if (re.test(header)) return { to: 'canary', by: `${h} (canary-by-header-pattern)` };
    } else if (header === 'always') return { to: 'canary', by: h };
    else if (header === 'never') return { to: 'primary', by: h };
  }
  const cookie = policy.cookie !== undefined ? cookieOf(req, policy.cookie) : undefined;
  if (cookie === 'always' || cookie === 'never')
    return { to: cookie === 'always' ? 'canary' : 'primary', by: `cookie ${policy.cookie}=${cookie}` };
  if (policy.weight <= 0) return { to: 'primary', by: 'canary-weight 0' };
  if (policy.weight >= policy.weightTotal)
    return { to: 'canary', by: `canary-weight ${policy.weight} of ${policy.weightTotal}` };
  return { split: policy.weight, total: policy.weightTotal };
}

/** How the policy is triggered, in words, for the answer's note. */
export function describePolicy(pol: CanaryPolicy): string {
  const parts: string[] = [];
  if (pol.header)
    parts.push(
      `header ${pol.header}${pol.headerValue !== undefined ? ` = ${pol.headerValue}` : pol.headerPattern !== undefined ? ` ~ ${pol.headerPattern}` : ' = always/never'}`,
    );
  if (pol.cookie) parts.push(`cookie ${pol.cookie} = always/never`);
  parts.push(`weight ${pol.weight}/${pol.weightTotal}`);
  return parts.join(', then ');
}

/**
 * Session affinity ahead of the canary rules: ingress-nginx's balancer first asks the location's balancer, then the
 * canary's, whether the request is affinitized (its affinity cookie names that backend) and, if so, keeps it there
 * before reading header, cookie or weight (balancer.lua route_to_alternative_balancer, `is_affinitized`; the sticky
 * balancer compares the cookie's backend key). Each side's affinity comes from its own Ingress (`affinity: cookie`,
 * cookie `session-cookie-name`, default `INGRESSCOOKIE`). A request carrying such a cookie goes where the cookie
 * was issued, which kubetwin cannot tell: that is an unknown; without one, a note says later requests will stick.
 * https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#session-affinity
 * https://github.com/kubernetes/ingress-nginx/blob/main/rootfs/etc/nginx/lua/balancer.lua
 */
export function canaryAffinity(
  primary: Ingress,
  canary: Ingress,
  req: HttpRequest,
): { readonly notes: string[]; readonly unknown: RouteUnknown[] } {
  const notes: string[] = [];
  const unknown: RouteUnknown[] = [];
  for (const [ing, side] of [
    [primary, 'primary'],
    [canary, 'canary'],
  ] as const) {
    if (ing.annotations[`${p}affinity`] !== 'cookie') continue;
    const name = ing.annotations[`${p}session-cookie-name`] || 'INGRESSCOOKIE';
    if (cookieOf(req, name) !== undefined)
      unknown.push({
        object: ing.key,
        path: `metadata.annotations["${p}affinity"]`,
        text: `the request carries session-affinity cookie ${name} of ${ing.key} (affinity: cookie): ingress-nginx keeps a request whose cookie was issued by the ${side} backend there, before any canary rule; kubetwin cannot tell which backend issued it`,
      });
    else
      notes.push(
        `affinity: cookie on ${ing.key}: a response from the ${side} backend sets cookie ${name}, and later requests carrying it stay on the ${side} backend whatever the canary rules say`,
      );
  }
  return { notes, unknown };
}
