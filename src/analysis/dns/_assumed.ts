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
  if (unknown === undefined) return nodeSearchUnknown(res);
  if (res.clusterDNS) return unknown;
  const ns = res.resolvConf.nameservers[0] ?? "the node's resolver";
  return `the pod asks ${ns}, not cluster DNS, and kubetwin sends it no query: a name not in the profile's externalHosts is unknown`;
}

/**
 * dnsPolicy Default (also ClusterFirst on a hostNetwork pod): the pod gets the node's resolv.conf, whose search list
 * is not in the input (kubetwin takes it as empty). The resolver tries those search domains before the name itself
 * when it has fewer dots than ndots, and after it when the name itself is not answered, so only an answer to the name
 * itself, tried first, is known. https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-s-dns-policy
 * · resolv.conf(5) `search`, `ndots`
 */
function nodeSearchUnknown(res: PodResolution): string | undefined {
  if (res.resolvConf.effectivePolicy !== 'Default' || !res.walk.steps.length) return undefined;
  const first = res.walk.steps[0]!;
  const expanded = res.resolvConf.searches.some((s) =>
    first.name.toLowerCase().endsWith(`.${s.toLowerCase()}.`),
  );
  const dots = first.name.replace(/\.$/, '').split('.').length - 1;
  if (first.verdict === 'answer' && !expanded && dots >= res.resolvConf.ndots) return undefined;
  return "dnsPolicy Default: the pod uses the node's resolv.conf, whose search domains are not in the input, and the resolver would try the name under them: the answer is unknown";
}
