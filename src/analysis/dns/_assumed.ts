import type { PodResolution } from './index.ts';

/**
 * Why a pod's resolution is an assumption, when it is: its nameserver is not cluster DNS (dnsPolicy Default, or None
 * with its own nameservers: https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-s-dns-policy)
 * and a reply that decided the search-list walk (an NXDOMAIN that moved it on, or the last one) is the NXDOMAIN
 * kubetwin assumes for a name the profile's externalHosts does not list: that server is never queried.
 * Undefined when the answer comes from the model (cluster DNS, /etc/hosts) or from externalHosts.
 */
export function assumedNxdomain(res: PodResolution): string | undefined {
  if (res.clusterDNS) return undefined;
  const replies = [...res.walk.steps.map((s) => s.response), res.walk.final];
  if (!replies.some((r) => r.answeredBy === 'forward' && r.rcode === 'NXDOMAIN')) return undefined;
  const ns = res.resolvConf.nameservers[0] ?? "the node's resolver";
  return `the pod asks ${ns}, not cluster DNS, and kubetwin sends it no query: a name not in the profile's externalHosts is assumed NXDOMAIN`;
}
