/**
 * Gateway API hostname rules. A wildcard `*.example.com` is a suffix match over one or more labels: it matches
 * `foo.example.com` and `foo.bar.example.com`, never `example.com`.
 * https://gateway-api.sigs.k8s.io/reference/spec/#hostname
 */
export function gatewayHostMatch(pattern: string, host: string): boolean {
  if (!pattern.startsWith('*.')) return pattern === host;
  const suffix = pattern.slice(1);
  return host.length > suffix.length && host.endsWith(suffix);
}

/**
 * The hostnames a route serves on a listener: the intersection of the listener's hostname and the route's
 * `hostnames` (each narrowed to the more specific of the two). `undefined` means any host; an empty list
 * means no intersection (the route is not accepted there: `NoMatchingListenerHostname`).
 * https://gateway-api.sigs.k8s.io/reference/spec/#httproutespec (hostnames)
 */
export function intersectHostnames(
  listener: string | undefined,
  route: readonly string[],
): string[] | undefined {
  if (!listener) return route.length ? [...route] : undefined;
  if (!route.length) return [listener];
  const out = new Set<string>();
  for (const h of route) {
    if (!h.startsWith('*.')) {
      if (gatewayHostMatch(listener, h)) out.add(h);
    } else if (!listener.startsWith('*.')) {
      if (gatewayHostMatch(h, listener)) out.add(listener);
    } else if (h === listener || gatewayHostMatch(listener, h.slice(2))) out.add(h);
    else if (gatewayHostMatch(h, listener.slice(2))) out.add(listener);
  }
  return [...out].sort();
}

/** How specific a matching hostname is: non-wildcard characters first, then characters (spec precedence). */
export function hostScore(pattern: string | undefined): number {
  if (pattern === undefined) return 0;
  return pattern.startsWith('*.') ? pattern.length : 1_000_000 + pattern.length;
}

/**
 * `host` in lower case (hostnames compare case-insensitively, RFC 4343), the same string when it has no upper-case
 * letter: a request parsed by kubetwin already is, and a new string would be hashed again by every map lookup.
 */
export function lowerHost(host: string): string {
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c > 127) return host.toLowerCase();
  }
  return host;
}
