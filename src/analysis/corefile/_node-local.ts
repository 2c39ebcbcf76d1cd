/**
 * NodeLocal DNSCache: a node-local-dns DaemonSet runs CoreDNS on every node from the `kube-system/node-local-dns`
 * ConfigMap's Corefile and listens on a link-local address (169.254.20.10) and, with kube-proxy in iptables mode, on
 * the kube-dns ClusterIP too (its `bind` line). Pods whose nameserver is one of those ask it, not CoreDNS: the blocks
 * that `forward . __PILLAR__CLUSTER__DNS__` (the cluster domain, in-addr.arpa, ip6.arpa) hand the query to cluster
 * DNS; every other name goes to `__PILLAR__UPSTREAM__SERVERS__`, the node's /etc/resolv.conf, so CoreDNS's own
 * `hosts`, `rewrite` and `forward` rules for those names are never consulted.
 * https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/
 * https://github.com/kubernetes/kubernetes/blob/master/cluster/addons/dns/nodelocaldns/nodelocaldns.yaml
 */
import { parseIP } from '../../lib/ip.ts';
import type { DnsServerConfig } from './types.ts';

/** The address the upstream manifest and the docs give node-local-dns (`__PILLAR__LOCAL__DNS__`). */
export const nodeLocalDefaultIP = '169.254.20.10';

/**
 * The GCE metadata server, which kubelet names as every pod's nameserver on a GKE cluster using Cloud DNS for GKE:
 * Cloud DNS answers the cluster's names from the records its controller provisions (the Kubernetes DNS
 * specification: A, AAAA, SRV, PTR), and other names from Cloud DNS. The kube-dns pods, if still running, are not
 * asked. https://cloud.google.com/kubernetes-engine/docs/concepts/about-cloud-dns · field reports of the resolver
 * address: github.com/tektoncd/operator issue 4000, github.com/gke-labs/kube-agents issue 1140.
 */
export const gkeMetadataServerIP = '169.254.169.254';

export interface NodeLocalDns {
  /**
   * What listens there: NodeLocal DNSCache's node-local-dns, or GKE's metadata server serving Cloud DNS for GKE
   * (which answers the cluster zones itself, as cluster DNS would, rather than forwarding them to the kube-dns pods).
   */
  readonly kind: 'node-local-dns' | 'cloud-dns';
  /** node-local-dns's Corefile, its forwards to cluster DNS marked `clusterDNS`. */
  readonly config: DnsServerConfig;
  /** The addresses it answers on: a pod whose nameserver is one of them asks node-local-dns. */
  readonly addresses: readonly string[];
}

/**
 * Marks the forwards of `config` that go to cluster DNS (the `__PILLAR__CLUSTER__DNS__` placeholder node-cache fills
 * with the kube-dns-upstream ClusterIP, or the kube-dns or kube-dns-upstream ClusterIPs), and reads the addresses from the `bind` lines of
 * `corefile` (placeholders: `__PILLAR__LOCAL__DNS__` is 169.254.20.10, `__PILLAR__DNS__SERVER__` the kube-dns IP;
 * `0.0.0.0` is every address of the node, which holds both).
 */
export function nodeLocalDns(
  corefile: string,
  config: DnsServerConfig,
  ips: { readonly clusterIPs: readonly string[]; readonly upstreamIPs: readonly string[] },
): NodeLocalDns {
  const { clusterIPs } = ips;
  const toCluster = (to: string) => {
    const host = to.replace(/^dns:\/\//, '').replace(/:\d+$/, '');
    return host === '__PILLAR__CLUSTER__DNS__' || [...clusterIPs, ...ips.upstreamIPs].includes(host);
  };
  const servers = config.servers.map((s) => ({
    ...s,
    forwards: s.forwards.map((f) => {
      if (!f.to.length) return f;
      if (f.to.every(toCluster)) return { ...f, clusterDNS: true };
      // node-cache fills the placeholder from the node's /etc/resolv.conf.
      const to = f.to.map((t) => (t === '__PILLAR__UPSTREAM__SERVERS__' ? "the node's /etc/resolv.conf" : t));
      return { ...f, to };
    }),
  }));
  const addresses = new Set<string>();
  for (const m of corefile.matchAll(/^\s*bind\s+([^\n{#]+)/gm))
    for (const a of m[1]!.trim().split(/\s+/)) {
      if (a === '__PILLAR__LOCAL__DNS__') addresses.add(nodeLocalDefaultIP);
      else if (a === '__PILLAR__DNS__SERVER__') clusterIPs.forEach((ip) => addresses.add(ip));
      else if (a === '0.0.0.0' || a === '::')
        [nodeLocalDefaultIP, ...clusterIPs].forEach((ip) => addresses.add(ip));
      else if (parseIP(a)) addresses.add(a);
    }
  // Without a bind line CoreDNS listens on every address of the node.
  if (!addresses.size) [nodeLocalDefaultIP, ...clusterIPs].forEach((ip) => addresses.add(ip));
  return { kind: 'node-local-dns', config: { ...config, servers }, addresses: [...addresses].sort() };
}
