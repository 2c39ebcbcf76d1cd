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
  if (res.resolvConf.nodeSearches) return undefined;
  const first = res.walk.steps[0]!;
  const expanded = res.resolvConf.searches.some((s) =>
    first.name.toLowerCase().endsWith(`.${s.toLowerCase()}.`),
  );
  const dots = first.name.replace(/\.$/, '').split('.').length - 1;
  if (first.verdict === 'answer' && !expanded && dots >= res.resolvConf.ndots) return undefined;
  return "dnsPolicy Default: the pod uses the node's resolv.conf, whose search domains are not in the input, and the resolver would try the name under them: the answer is unknown";
}

/**
 * What a ClusterFirst pod's answer assumes when the profile does not state the node's search domains (rule
 * `kubelet-appends-node-search-domains`): kubelet appends the node's own search list (its `--resolv-conf`) after
 * the cluster's three domains, so a walk that goes past those three would try the name under the node's domains
 * before the rest — domains the input does not hold. The answer then assumes the node has none, and says so.
 * Undefined when the walk ended within the cluster's domains (answered there, or tried as-is first and answered),
 * when /etc/hosts answered, when the node's domains are known, or when the answer is unknown anyway (a name
 * forwarded upstream).
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/network/dns/dns.go (generateSearchesForDNSClusterFirst)
 */
export function nodeSearchAssumed(res: PodResolution): string | undefined {
  const rc = res.resolvConf;
  if (rc.nodeSearches || !res.walk.steps.length || unknownResolution(res) !== undefined) return undefined;
  if (rc.effectivePolicy !== 'ClusterFirst' && rc.effectivePolicy !== 'ClusterFirstWithHostNet')
    return undefined;
  const cluster = rc.searches.slice(0, 3).map((d) => `.${d.toLowerCase()}.`);
  let lastCluster = -1;
  res.walk.steps.forEach((s, i) => {
    if (cluster.some((d) => s.name.toLowerCase().endsWith(d))) lastCluster = i;
  });
  // No cluster domain tried (the name was answered as it is, or is absolute), or the walk ended among them.
  if (lastCluster < 0 || lastCluster === res.walk.steps.length - 1) return undefined;
  return "kubelet appends the node's own search domains (its --resolv-conf) after the cluster's; they are not in the input, so this walk assumes the node has none (set nodeSearchDomains in the profile; for GKE and EKS nodes kubetwin infers them from spec.providerID)";
}
