import type { Service } from '../../model/types.ts';
import { canaryFor, canaryPolicy, type Entry } from '../ingress/index.ts';
import { backendRefOf } from './_emit.ts';
import type { Unconvertible } from './_types.ts';

type Rule = { matches: Record<string, unknown>[]; backendRefs: Record<string, unknown>[] };

/**
 * The HTTPRoute rules of one Ingress path with its ingress-nginx canary, if any: `canary-by-header` becomes rules
 * that match the header (its value: Exact; its pattern: RegularExpression, wrapped in `.*(?:…).*` because nginx
 * searches the value while Gateway API matches it whole; neither: `always` → the canary, `never` → the primary);
 * `canary-weight` becomes weighted backendRefs of the path's own rule (the primary gets the rest of the total). A
 * header rule wins over the plain one because a match with more header matches takes precedence, as the balancer
 * reads the header before the weight. `canary-by-cookie` has no Gateway API match and is listed.
 * https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#canary
 * https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule (match precedence; backendRefs weight)
 */
export function canaryRules(
  entry: Entry,
  primary: Record<string, unknown>,
  path: { type: string; value: string },
  c: { readonly canaries: readonly Entry[]; readonly used: Set<Entry> },
  services: ReadonlyMap<string, Service>,
  out: Unconvertible[],
): Rule[] {
  const plain = (refs: Record<string, unknown>[], headers?: Record<string, unknown>[]): Rule => ({
    matches: [{ path, ...(headers ? { headers } : {}) }],
    backendRefs: refs,
  });
  const canary = canaryFor(entry, c.canaries);
  if (!canary) return [plain([primary])];
  c.used.add(canary);
  const ref = backendRefOf(canary.ingress, canary.backend, services, canary.at, out);
  if (!ref) return [plain([primary])];
  const ns =
    canary.ingress.namespace !== entry.ingress.namespace ? { namespace: canary.ingress.namespace } : {};
  const canaryRef = { ...ref, ...ns };
  const notes: string[] = [];
  const pol = canaryPolicy(canary.ingress, notes);
  for (const n of notes) out.push({ object: canary.ingress.key, what: 'metadata.annotations', reason: n });
  const rules: Rule[] = [];
  if (pol.header) {
    const h = (type: string, value: string) => [{ type, name: pol.header, value }];
    if (pol.headerValue !== undefined) rules.push(plain([canaryRef], h('Exact', pol.headerValue)));
    else if (pol.headerPattern !== undefined) {
      rules.push(plain([canaryRef], h('RegularExpression', `.*(?:${pol.headerPattern}).*`)));
      out.push({
        object: canary.ingress.key,
        what: 'metadata.annotations["nginx.ingress.kubernetes.io/canary-by-header-pattern"]',
        reason: `converted to a RegularExpression header match; nginx reads the pattern as PCRE, the gateway's regex dialect is implementation-specific (RE2 for Envoy-based ones)`,
      });
    } else rules.push(plain([canaryRef], h('Exact', 'always')), plain([primary], h('Exact', 'never')));
  }
  if (pol.cookie)
    out.push({
      object: canary.ingress.key,
      what: 'metadata.annotations["nginx.ingress.kubernetes.io/canary-by-cookie"]',
      reason: `cookie ${pol.cookie}=always/never sends requests to the canary / the primary: HTTPRoute matches have no cookie match; not converted (those requests follow the weights)`,
    });
  const w = pol.weight;
  const base =
    w <= 0
      ? [primary]
      : w >= pol.weightTotal
        ? [canaryRef]
        : [
            { ...primary, weight: pol.weightTotal - w },
            { ...canaryRef, weight: w },
          ];
  return [...rules, plain(base)];
}
