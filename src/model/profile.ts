import type { SourceRef } from './diagnostic.ts';

/** A node the profile declares, used when the manifests contain no Node objects. */
export interface ProfileNode {
  readonly name: string;
  readonly zone?: string;
  readonly internalIP: string;
  /**
   * One range per IP family, comma-separated for dual-stack. When absent, the next free range of the pod CIDR,
   * as kube-controller-manager's range allocator hands out.
   */
  readonly podCIDR?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export type KubeProxyMode = 'iptables' | 'ipvs' | 'nftables';

/**
 * The cluster facts manifests do not carry: address ranges, DNS, nodes, the CNI. Read from `kubetwin.yaml`
 * beside the manifests or `--profile FILE`; every field has a default (those of the reference documents).
 */
export interface Profile {
  /** `--cluster-cidr`: one CIDR, or an IPv4 and an IPv6 CIDR comma-separated for a dual-stack cluster. */
  readonly podCIDR: string;
  /** `--service-cluster-ip-range`: one CIDR, or two comma-separated (dual-stack); the first is the primary family. */
  readonly serviceCIDR: string;
  readonly clusterDomain: string;
  readonly dnsServiceIP: string;
  readonly nodes: readonly ProfileNode[];
  /**
   * The CNI. `name: cilium` makes the Cilium tier enforce CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy
   * together with NetworkPolicy; `cluster` is Cilium's cluster name (label `io.cilium.k8s.policy.cluster`,
   * `default` when absent).
   */
  readonly cni: {
    readonly name: string;
    readonly enforcesNetworkPolicy: boolean;
    readonly cluster?: string;
  };
  readonly kubeProxy: { readonly mode: KubeProxyMode; readonly ipvsScheduler?: string };
  /** kubelet `--max-pods`; pods past it stay Pending. */
  readonly maxPodsPerNode: number;
  /** Mask length of each node's pod range (kube-controller-manager `--node-cidr-mask-size`). */
  readonly nodeCIDRMaskSize: number;
  /** `--node-cidr-mask-size-ipv6`, for the IPv6 pod CIDR of a dual-stack cluster. */
  readonly nodeCIDRMaskSizeIPv6: number;
  /** The NodePort range (kube-apiserver `--service-node-port-range`). */
  readonly nodePortRange: { readonly min: number; readonly max: number };
  /** External DNS names and the addresses they resolve to (for `internet` sources). */
  readonly externalHosts: Readonly<Record<string, readonly string[]>>;
  /** Load balancer addresses by Service `namespace/name`, standing in for the cloud controller. */
  readonly loadBalancers: Readonly<Record<string, string>>;
  /**
   * The C library of the pods' resolvers when a pod does not say (annotation `kubetwin.dev/libc`): glibc (the
   * default) or musl (Alpine images), which walk the DNS search list differently.
   */
  readonly resolverLibc?: 'glibc' | 'musl';
  /**
   * The search domains of the nodes' own resolv.conf (kubelet `--resolv-conf`, from the cloud's DHCP lease):
   * kubelet appends them after the cluster's for ClusterFirst pods and gives them as they are to dnsPolicy Default
   * pods. Absent when not stated: kubetwin takes none and says so in the answers that depend on them. An empty
   * list states that the nodes have none.
   */
  readonly nodeSearchDomains?: readonly string[];
  /**
   * Controller behaviour profile per IngressClass name (`spec`, `ingress-nginx`, `traefik`), overriding the one
   * the IngressClass's controller implies (`route`, `convert`, `serve gateway`, `test`).
   */
  readonly ingressControllers?: Readonly<Record<string, 'spec' | 'ingress-nginx' | 'traefik' | 'alb'>>;
  /**
   * The service mesh the cluster runs (`istio` or `linkerd`); when absent, kubetwin detects it from the
   * control plane's objects among the manifests. `rootNamespace`: Istio's root namespace (default `istio-system`).
   * `defaultInboundPolicy` and `clusterNetworks`: Linkerd's install values `proxy.defaultInboundPolicy` (default
   * all-unauthenticated) and `clusterNetworks` (default the private ranges). `outboundTrafficPolicy`: Istio's
   * meshConfig.outboundTrafficPolicy.mode (ALLOW_ANY when absent, Istio's default).
   */
  readonly mesh?: {
    readonly name: 'istio' | 'linkerd';
    readonly rootNamespace?: string;
    readonly outboundTrafficPolicy?: 'ALLOW_ANY' | 'REGISTRY_ONLY';
    readonly defaultInboundPolicy?: string;
    readonly clusterNetworks?: readonly string[];
  };
  readonly source?: SourceRef;
  /** Where each value came from (the profile file, inference from observed objects, or the default). */
  readonly origins?: Readonly<Partial<Record<ProfileField, ProfileOrigin>>>;
}

/** The settings of a profile (everything but where it came from). */
export type ProfileField = Exclude<keyof Profile, 'source' | 'origins'>;

/**
 * Where a profile value came from. Precedence: a field the profile file sets, else a value inferred from the
 * observed objects (`src/cluster/profile-inference`), else the default.
 */
export interface ProfileOrigin {
  readonly from: 'profile' | 'inferred' | 'default';
  /** The profile field's position, or the objects the value was inferred from (the first few). */
  readonly sources?: readonly SourceRef[];
  /** The inference rule, in words. */
  readonly rule?: string;
  /** What an inferred value may get wrong. */
  readonly note?: string;
}

/** Defaults of the reference documents: 10.244.0.0/16 pods, 10.96.0.0/12 services, cluster.local, three nodes. */
export const defaultProfile: Profile = {
  podCIDR: '10.244.0.0/16',
  serviceCIDR: '10.96.0.0/12',
  clusterDomain: 'cluster.local',
  dnsServiceIP: '10.96.0.10',
  nodes: [
    { name: 'node-1', zone: 'zone-a', internalIP: '10.0.0.11', podCIDR: '10.244.1.0/24' },
    { name: 'node-2', zone: 'zone-b', internalIP: '10.0.0.12', podCIDR: '10.244.2.0/24' },
    { name: 'node-3', zone: 'zone-c', internalIP: '10.0.0.13', podCIDR: '10.244.3.0/24' },
  ],
  cni: { name: 'calico', enforcesNetworkPolicy: true },
  kubeProxy: { mode: 'iptables' },
  maxPodsPerNode: 110,
  nodeCIDRMaskSize: 24,
  nodeCIDRMaskSizeIPv6: 64,
  nodePortRange: { min: 30000, max: 32767 },
  externalHosts: {},
  loadBalancers: {},
};

/** CNIs known not to enforce NetworkPolicy on their own. */
export const nonEnforcingCNIs: readonly string[] = ['flannel', 'kindnet', 'bridge', 'none'];

/**
 * The CNI name that says the cluster's CNI is not known (inferred from a dump whose kube-system holds no node agent
 * kubetwin knows, or written in a profile): policies are evaluated as written, and a connection they deny is
 * unknown, since a CNI that does not enforce NetworkPolicy would let it through.
 */
export const unknownCNI = 'unknown';

/** The CIDRs of a comma-separated list (`10.244.0.0/16,fd00:10:244::/56`), trimmed, in order. */
export function cidrList(text: string): string[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}
