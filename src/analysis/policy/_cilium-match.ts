/**
 * The small matching rules of Cilium policies, one function each: ports, HTTP requests, DNS names, and
 * the identity labels Cilium gives a pod.
 */
import type { Labels } from '../../lib/labels.ts';
import {
  ciliumLabels,
  type CiliumDnsRule,
  type CiliumHttpRule,
  type CiliumPortRule,
} from '../../model/cilium-policy.ts';
import type { Pod, Protocol } from '../../model/types.ts';

/** One HTTP request, as `reach --http-*` and test `http:` give it. */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  /** Header names in any case; `Host` is matched by the rules' `host`. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Does a `toPorts[].ports[]` entry admit the port? `ANY` is every protocol, port 0 every port, `endPort` a
 * range, and a name the destination pod's container port of that name and protocol.
 * https://docs.cilium.io/en/stable/security/policy/language/#layer-4-examples
 */
export function ciliumPortMatches(
  pp: CiliumPortRule['ports'][number],
  port: number,
  protocol: Protocol,
  destination: Pod | undefined,
): boolean {
  if (pp.protocol !== 'ANY' && pp.protocol !== protocol) return false;
  if (typeof pp.port === 'string')
    return !!destination?.ports.some(
      (cp) => cp.name === pp.port && cp.protocol === protocol && cp.containerPort === port,
    );
  if (pp.port === 0) return true;
  return pp.endPort !== undefined ? port >= pp.port && port <= pp.endPort : port === pp.port;
}

/** Does one port rule (an element of `toPorts`) cover the port? An element without `ports` covers every port. */
export function portRuleMatches(
  pr: CiliumPortRule,
  port: number,
  protocol: Protocol,
  destination: Pod | undefined,
): boolean {
  return !pr.ports.length || pr.ports.some((pp) => ciliumPortMatches(pp, port, protocol, destination));
}

const compiled = new Map<string, RegExp | null>();

/** A full-match regular expression (Envoy `safe_regex` over RE2), compiled once; null when it does not compile. */
function fullMatch(pattern: string): RegExp | null {
  let re = compiled.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`);
    } catch {
      re = null;
    }
    compiled.set(pattern, re);
  }
  return re;
}

/**
 * Does an HTTP rule admit the request? Every field the rule sets must match: method, path and host as
 * full-match regular expressions, each header present (and equal when the rule gives a value).
 * https://docs.cilium.io/en/stable/security/policy/language/#http
 */
export function httpRuleMatches(rule: CiliumHttpRule, req: HttpRequest): boolean {
  const test = (pattern: string | undefined, value: string) =>
    pattern === undefined || !!fullMatch(pattern)?.test(value);
  const headers = new Map(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  if (!test(rule.method, req.method) || !test(rule.path, req.path)) return false;
  if (rule.host !== undefined && !test(rule.host, headers.get('host') ?? '')) return false;
  return rule.headers.every((h) => {
    const v = headers.get(h.name.toLowerCase());
    return v !== undefined && (h.value === undefined || v === h.value);
  });
}

/**
 * Does a DNS name match a `matchName` / `matchPattern`? Names compare without case and trailing dot; in a
 * pattern `*` alone is every name, `*` stands for any run of name characters within one label, and a leading
 * `**.` for one or more labels (cilium/cilium pkg/fqdn/matchpattern).
 * https://docs.cilium.io/en/stable/security/policy/language/#dns-based
 */
export function dnsMatches(rule: CiliumDnsRule, name: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  if (rule.matchName !== undefined) return rule.matchName.toLowerCase().replace(/\.$/, '') === n;
  if (rule.matchPattern === undefined) return false;
  const p = rule.matchPattern.toLowerCase().replace(/\.$/, '');
  if (p === '*') return true;
  let body = p;
  let prefix = '';
  if (p.startsWith('**.')) {
    body = p.slice(3);
    prefix = '(?:[-a-z0-9_]+\\.)+';
  }
  const re = body
    .split('*')
    .map((part) => part.replace(/[.]/g, '\\.'))
    .join('[-a-z0-9_]*');
  return new RegExp(`^${prefix}${re}$`).test(n);
}

/**
 * The identity labels Cilium derives for a pod: its labels, `io.kubernetes.pod.namespace`, the namespace's
 * labels as `io.cilium.k8s.namespace.labels.*`, `io.cilium.k8s.policy.serviceaccount` and
 * `io.cilium.k8s.policy.cluster`.
 * https://docs.cilium.io/en/stable/security/policy/kubernetes/
 */
export function identityLabels(pod: Pod, nsLabels: Labels, cluster: string): Labels {
  const out: Record<string, string> = { ...pod.labels };
  for (const k of Object.keys(nsLabels)) out[ciliumLabels.namespaceLabels + k] = nsLabels[k];
  out[ciliumLabels.namespace] = pod.namespace;
  out[ciliumLabels.serviceAccount] = pod.serviceAccountName;
  out[ciliumLabels.cluster] = cluster;
  return out;
}

/** Is this an identity label Cilium adds (not one of the pod's own labels)? */
export function isIdentityKey(key: string): boolean {
  return (
    key === ciliumLabels.namespace ||
    key === ciliumLabels.serviceAccount ||
    key === ciliumLabels.cluster ||
    key.startsWith(ciliumLabels.namespaceLabels) ||
    key.startsWith('reserved:')
  );
}

/** Is `id` in a sorted id list? (binary search) */
export function sortedHas(ids: Int32Array, id: number): boolean {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] === id) return true;
    if (ids[mid] < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
