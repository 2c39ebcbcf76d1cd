import type { PodResolution } from './index.ts';

/**
 * Why a pod's resolution is unknown, when it is: a reply its search-list walk reached stands for an upstream
 * kubetwin never queries (`DnsResponse.unknown`: a name CoreDNS's `forward` plugin sends upstream, or a pod whose
 * nameserver is not cluster DNS — dnsPolicy Default, or None with its own nameservers:
 * https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-s-dns-policy). Any such reply could
 * have been the answer, so the walk's outcome is unknown, not NXDOMAIN. Undefined when every reply comes from the
 * model (cluster DNS, /etc/hosts), the profile's externalHosts, or the single-label NXDOMAIN that is assumed
 * (ICANN SAC053, see `dotlessAssumed`).
 */
export function unknownResolution(res: PodResolution): string | undefined {
  const replies = [...res.walk.steps.map((s) => s.response), res.walk.final];
  const unknown = replies.find((r) => r.unknown !== undefined)?.unknown;
  if (unknown === undefined) return undefined;
  if (res.clusterDNS) return unknown;
  const ns = res.resolvConf.nameservers[0] ?? "the node's resolver";
  return `the pod asks ${ns}, not cluster DNS, and kubetwin sends it no query: a name not in the profile's externalHosts is unknown`;
}
