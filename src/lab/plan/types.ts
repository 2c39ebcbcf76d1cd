/**
 * The lab plan: everything `kubetwin lab up` builds, as data. Network namespaces (one per node, one per pod, one
 * for the node-to-node fabric), veth pairs, addresses and routes as the model assigns them, and one nftables
 * script per node namespace (kube-proxy's Service DNAT, the policy-enforcing CNI's per-pod chains).
 * Pure: `planLab` reads the model only; `src/lab/apply` runs the commands.
 */
import type { Protocol } from '../../model/types.ts';

/** One `ip` invocation, as an argv array (no shell): `['ip', '-n', 'kt-n0', 'link', 'set', 'lo', 'up']`. */
export type Argv = readonly string[];

export interface LabPort {
  readonly port: number;
  readonly protocol: Protocol;
  readonly name?: string;
}

export interface LabNode {
  readonly name: string;
  readonly netns: string;
  /** The node's InternalIP, only ever assigned inside the lab (on the node's fabric link). */
  readonly ip: string;
  readonly podCIDRs: readonly string[];
  /** Fabric end in the node namespace, and its peer in the fabric namespace (a bridge port). */
  readonly fabricLink: string;
  readonly fabricPeer: string;
}

export interface LabPod {
  /** `Pod/ns/name`. */
  readonly key: string;
  /** `ns/name`. */
  readonly ref: string;
  readonly netns: string;
  readonly node: string;
  readonly ip: string;
  /** Host end of the pod's veth, in the node namespace (the pod end is `eth0`). */
  readonly hostLink: string;
  /** Declared container ports the responder serves (TCP and UDP; SCTP is listed in `skippedPorts`). */
  readonly ports: readonly LabPort[];
  readonly skippedPorts: readonly LabPort[];
  /**
   * What the responder binds: the declared ports and the ports Services send to this pod (an EndpointSlice port
   * the containers do not declare still has a listener in a working cluster), less the `dns` ports.
   */
  readonly serve: readonly LabPort[];
  /** Ports kubetwin's DNS server answers on in this pod (the cluster DNS Service's endpoints), during `lab probe`. */
  readonly dns: readonly LabPort[];
}

/** A Service port as the lab's kube-proxy programs it, for Service probes. */
export interface LabServicePort {
  readonly service: string;
  readonly clusterIP: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly nodePort?: number;
  /** Ready endpoints `ip:port` the DNAT spreads over. */
  readonly endpoints: readonly string[];
}

export interface LabNft {
  readonly netns: string;
  /** A complete `nft -f` script (tables flushed and recreated). */
  readonly script: string;
}

export interface LabPlan {
  /** Every namespace, link and nft table the lab creates starts with it. */
  readonly prefix: string;
  readonly fabric: string;
  readonly nodes: readonly LabNode[];
  readonly pods: readonly LabPod[];
  readonly services: readonly LabServicePort[];
  /** The cluster DNS Service (`kube-dns`): its ClusterIP, or undefined when the model has none with endpoints. */
  readonly dnsService?: { readonly service: string; readonly clusterIP: string };
  /** Pods the lab cannot build, with the reason (hostNetwork, no address, IPv6 only). */
  readonly skipped: readonly { readonly key: string; readonly reason: string }[];
  /** What the lab leaves out that could change an answer (said in `lab up` and `lab probe` output). */
  readonly limits: readonly string[];
  /** Network namespaces to create, in order (fabric, nodes, pods). */
  readonly namespaces: readonly string[];
  /** `ip` commands (and `sysctl` through `ip netns exec`) in order, after the namespaces exist. */
  readonly commands: readonly Argv[];
  readonly nft: readonly LabNft[];
  /**
   * Per-namespace files `ip netns exec` mounts over /etc (`/etc/netns/NETNS/FILE`): each pod's resolv.conf and
   * hosts as kubelet writes them, and `hosts: files dns`, so a real resolver in the pod walks the pod's search list.
   */
  readonly etc: readonly LabEtcFile[];
}

export interface LabEtcFile {
  readonly netns: string;
  readonly file: 'resolv.conf' | 'hosts' | 'nsswitch.conf';
  readonly content: string;
}

export interface PlanOptions {
  /** Prefix of every name the lab creates (default `kt-`; at most 5 characters so link names fit 15). */
  readonly prefix?: string;
}
