/**
 * The resolv.conf kubelet writes into a pod, from its dnsPolicy and dnsConfig: ClusterFirst gives the cluster DNS
 * Service, the search list `<ns>.svc.<zone> svc.<zone> <zone>` followed by the node's own search domains (rule
 * `kubelet-appends-node-search-domains`: kubelet's `generateSearchesForDNSClusterFirst` appends the host's search
 * list, read from its `--resolv-conf`, without duplicates) and `ndots:5`; a hostNetwork pod with ClusterFirst falls
 * back to Default (the node's resolv.conf, its search domains as they are) unless the policy is
 * ClusterFirstWithHostNet; None starts empty. The node's search domains are the profile's `nodeSearchDomains`
 * (stated or inferred); when neither says, none are taken and `nodeSearches` is undefined. dnsConfig nameservers
 * and searches are appended without duplicates, options merged by name (later wins); at most 3 nameservers and 32
 * search domains are kept.
 * https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-s-dns-policy
 * https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-dns-config
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/network/dns/dns.go
 */
import type { Pod } from '../../model/types.ts';
import type { Profile } from '../../model/profile.ts';

export type Libc = 'glibc' | 'musl';

export interface ResolvConf {
  readonly nameservers: readonly string[];
  readonly searches: readonly string[];
  readonly options: readonly { readonly name: string; readonly value?: string }[];
  /** `ndots` from the options (default 1, as in resolv.conf(5)). */
  readonly ndots: number;
  /** The policy in effect after the hostNetwork fallback. */
  readonly effectivePolicy: Pod['dnsPolicy'];
  /** True when the first nameserver is the cluster DNS Service. */
  readonly usesClusterDNS: boolean;
  /**
   * The node's search domains in `searches` (the profile's `nodeSearchDomains`), for the ClusterFirst and Default
   * policies; undefined when the profile does not state them (none are then in `searches`).
   */
  readonly nodeSearches?: readonly string[];
  readonly notes: readonly string[];
}

/** Stands for the node's own upstream resolver, which the profile does not describe. */
export const nodeResolver = '<node resolver>';

const maxNameservers = 3;
const maxSearches = 32;

export function podResolvConf(
  pod: Pick<Pod, 'namespace' | 'dnsPolicy' | 'dnsConfig' | 'hostNetwork'>,
  profile: Profile,
): ResolvConf {
  const zone = profile.clusterDomain;
  const notes: string[] = [];
  let policy = pod.dnsPolicy;
  if (policy === 'ClusterFirst' && pod.hostNetwork) {
    policy = 'Default';
    notes.push(
      'dnsPolicy ClusterFirst on a hostNetwork pod falls back to Default (use ClusterFirstWithHostNet for cluster DNS)',
    );
  }
  let nameservers: string[] = [];
  let searches: string[] = [];
  let options: { name: string; value?: string }[] = [];
  const nodeSearches = profile.nodeSearchDomains;
  if (policy === 'ClusterFirst' || policy === 'ClusterFirstWithHostNet') {
    nameservers = [profile.dnsServiceIP];
    searches = unique([`${pod.namespace}.svc.${zone}`, `svc.${zone}`, zone, ...(nodeSearches ?? [])]);
    options = [{ name: 'ndots', value: '5' }];
  } else if (policy === 'Default') {
    nameservers = [nodeResolver];
    searches = [...(nodeSearches ?? [])];
    notes.push(
      nodeSearches
        ? "dnsPolicy Default: the node's resolv.conf; its nameservers are not in the input, its search list is the profile's nodeSearchDomains"
        : "dnsPolicy Default: the node's resolv.conf, which the profile does not describe; its search list is taken as empty",
    );
  }
  const cfg = pod.dnsConfig;
  if (cfg) {
    nameservers = unique([...nameservers, ...cfg.nameservers]);
    searches = unique([...searches, ...cfg.searches]);
    for (const o of cfg.options) {
      const i = options.findIndex((x) => x.name === o.name);
      if (i >= 0) options[i] = o;
      else options.push(o);
    }
  }
  if (nameservers.length > maxNameservers) {
    notes.push(`only the first ${maxNameservers} nameservers are kept`);
    nameservers = nameservers.slice(0, maxNameservers);
  }
  if (searches.length > maxSearches) {
    notes.push(`only the first ${maxSearches} search domains are kept`);
    searches = searches.slice(0, maxSearches);
  }
  if (policy === 'None' && nameservers.length === 0)
    notes.push('dnsPolicy None without dnsConfig.nameservers: the pod has no resolver');
  const ndotsOpt = options.find((o) => o.name === 'ndots');
  const ndots =
    ndotsOpt?.value !== undefined && /^\d+$/.test(ndotsOpt.value) ? Math.min(Number(ndotsOpt.value), 15) : 1;
  return {
    nameservers,
    searches,
    options,
    ndots,
    effectivePolicy: policy,
    usesClusterDNS: nameservers[0] === profile.dnsServiceIP,
    ...(nodeSearches &&
    (policy === 'ClusterFirst' || policy === 'ClusterFirstWithHostNet' || policy === 'Default')
      ? { nodeSearches }
      : {}),
    notes,
  };
}

/** The file text, as `cat /etc/resolv.conf` shows it in the pod. */
export function renderResolvConf(rc: ResolvConf): string {
  const lines = [
    ...(rc.searches.length ? [`search ${rc.searches.join(' ')}`] : []),
    ...rc.nameservers.map((n) => `nameserver ${n}`),
    ...(rc.options.length
      ? [
          `options ${rc.options.map((o) => (o.value !== undefined ? `${o.name}:${o.value}` : o.name)).join(' ')}`,
        ]
      : []),
  ];
  return lines.join('\n') + '\n';
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}
