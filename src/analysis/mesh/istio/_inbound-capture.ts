/**
 * Whether the Istio sidecar captures an inbound port of its pod. The injector passes two pod annotations to
 * istio-iptables (istio/istio `manifests/charts/istio-control/istio-discovery/files/injection-template.yaml`):
 * `traffic.sidecar.istio.io/includeInboundPorts` as `-b` (default `*`: every port; a comma-separated list: only
 * those; empty: none) and `traffic.sidecar.istio.io/excludeInboundPorts` as `-d` (ports left out, read only when
 * `-b` is `*`). A connection to a port the rules do not redirect reaches the application directly: no
 * PeerAuthentication and no AuthorizationPolicy judge it.
 * https://istio.io/latest/docs/reference/config/annotations/#SidecarTrafficIncludeInboundPorts
 * https://istio.io/latest/docs/reference/config/annotations/#SidecarTrafficExcludeInboundPorts
 */
import type { Pod } from '../../../model/types.ts';

export const includeInboundPorts = 'traffic.sidecar.istio.io/includeInboundPorts';
export const excludeInboundPorts = 'traffic.sidecar.istio.io/excludeInboundPorts';

export type InboundCapture =
  | { readonly captured: true }
  | { readonly captured: false; readonly why: string }
  | { readonly captured: 'unknown'; readonly why: string };

/** The entries of a port list, or the first entry that is not a port number. */
function ports(list: string): { ports: number[] } | { bad: string } {
  const out: number[] = [];
  for (const raw of list.split(',')) {
    const p = raw.trim();
    if (!p) continue;
    if (!/^\d{1,5}$/.test(p) || Number(p) > 65535) return { bad: p };
    out.push(Number(p));
  }
  return { ports: out };
}

/** Whether the sidecar of `pod` captures connections to its container port `port` (see the file comment). */
export function inboundCapture(pod: Pod, port: number): InboundCapture {
  const include = pod.annotations[includeInboundPorts];
  const exclude = pod.annotations[excludeInboundPorts];
  if (include !== undefined && include.trim() !== '*') {
    const listed = ports(include);
    if ('bad' in listed)
      return {
        captured: 'unknown',
        why: `${includeInboundPorts}: "${include}" holds "${listed.bad}", which is not a port number kubetwin reads`,
      };
    return listed.ports.includes(port)
      ? { captured: true }
      : {
          captured: false,
          why: `port ${port} is not in ${includeInboundPorts}: "${include}" on ${pod.namespace}/${pod.name}: the sidecar does not capture it, so the connection reaches the application directly`,
        };
  }
  if (exclude === undefined) return { captured: true };
  const listed = ports(exclude);
  if ('bad' in listed)
    return {
      captured: 'unknown',
      why: `${excludeInboundPorts}: "${exclude}" holds "${listed.bad}", which is not a port number kubetwin reads`,
    };
  return listed.ports.includes(port)
    ? {
        captured: false,
        why: `port ${port} is in ${excludeInboundPorts}: "${exclude}" on ${pod.namespace}/${pod.name}: the sidecar does not capture it, so the connection reaches the application directly`,
      }
    : { captured: true };
}
