/**
 * Host and path matching for Ingress, per behaviour profile. The spec rules come from
 * https://kubernetes.io/docs/concepts/services-networking/ingress/#examples (path matching table) and
 * #hostname-wildcards; the controller departures are cited where they are implemented.
 */

/** Splits a path into its non-empty `/` elements. */
export function pathElements(path: string): string[] {
  return path.split('/').filter((x) => x !== '');
}

/**
 * Ingress `Prefix`: element-wise prefix match on `/`-split elements; a trailing slash is ignored; `/aaa/bb`
 * does not match `/aaa/bbb`. https://kubernetes.io/docs/concepts/services-networking/ingress/#examples
 */
export function prefixElementMatch(prefix: string, path: string): boolean {
  const p = pathElements(prefix);
  const r = pathElements(path);
  if (p.length > r.length) return false;
  for (let i = 0; i < p.length; i++) if (p[i] !== r[i]) return false;
  return true;
}

/**
 * Ingress host match: exact (case-insensitive), or `*.foo.com` matching exactly one leading label — it
 * matches `bar.foo.com`, not `baz.bar.foo.com` nor `foo.com`.
 * https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards
 */
export function ingressHostMatch(ruleHost: string | undefined, host: string): boolean {
  if (ruleHost === undefined) return true;
  const h = host.toLowerCase();
  if (!ruleHost.startsWith('*.')) return ruleHost === h;
  const suffix = ruleHost.slice(1);
  return (
    h.endsWith(suffix) && h.length > suffix.length && !h.slice(0, h.length - suffix.length).includes('.')
  );
}

/**
 * nginx `server_name *.foo.com` matches any number of leading labels (`a.b.foo.com` too), unlike the spec.
 * https://nginx.org/en/docs/http/server_names.html#wildcard_names
 */
export function nginxWildcardMatch(ruleHost: string, host: string): boolean {
  const suffix = ruleHost.slice(1);
  const h = host.toLowerCase();
  return h.endsWith(suffix) && h.length > suffix.length;
}

/** Compiles an ingress-nginx regex location (`~* ^path`): case-insensitive, anchored at the start only. */
export function nginxRegex(path: string): RegExp | undefined {
  try {
    return new RegExp(`^${path}`, 'i');
  } catch {
    return undefined;
  }
}
