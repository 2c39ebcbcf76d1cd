/**
 * The slim, typed cluster model: only what the twin uses, built once from raw objects by `src/cluster`.
 * Every record keeps its `source` for diagnostics. Field names mirror the Kubernetes API.
 */
import type { SourceRef } from './diagnostic.ts';
import type { Labels, Selector } from '../lib/labels.ts';
import type { Profile } from './profile.ts';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** Canonical object key `Kind/namespace/name` (`Kind/name` for cluster-scoped objects). */
export type ObjectKey = string;

export interface ObjectMeta {
  readonly key: ObjectKey;
  readonly name: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  /** Undefined for objects kubetwin adds itself (add-ons, implicit namespaces, profile nodes). */
  readonly source?: SourceRef;
}

export interface Namespace extends ObjectMeta {
  /** Created because objects use it but no manifest declares it. */
  readonly implicit: boolean;
}

export interface Node extends ObjectMeta {
  readonly zone?: string;
  /** Undefined when a Node object reports no InternalIP address. */
  readonly internalIP?: string;
  /** Primary pod range; undefined when the pod CIDR has no free range left for the node. */
  readonly podCIDR?: string;
  /** One range per IP family (`spec.podCIDRs`), primary first. */
  readonly podCIDRs: readonly string[];
  /**
   * The ranges are kubetwin's, not the cluster's: a Node read back from a cluster states none (the cluster
   * allocates no node ranges), and these only give hand-written pods an address. Outputs show the range as absent.
   */
  readonly podCIDRsAssumed?: boolean;
  readonly unschedulable: boolean;
  readonly fromProfile: boolean;
}

/**
 * Whether something announces a LoadBalancer address outside the cluster: `announced` (a node answers for it;
 * `candidates`: the nodes one of which is elected), `none` (nothing does: unreachable from outside), `unknown`
 * (the input does not decide). `reason` says why, naming the objects.
 */
export interface LoadBalancerAnnouncement {
  readonly state: 'announced' | 'none' | 'unknown';
  readonly reason: string;
  readonly candidates?: readonly string[];
}

export interface ContainerPort {
  readonly container: string;
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: Protocol;
  readonly hostPort?: number;
  /** The node address the hostPort binds (`hostIP`); undefined: every address of the node. */
  readonly hostIP?: string;
}

export type WorkloadKind =
  | 'Pod'
  | 'Deployment'
  | 'ReplicaSet'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'Job'
  | 'CronJob'
  /** Argo Rollouts (argoproj.io/v1alpha1): pods through a ReplicaSet, like a Deployment. */
  | 'Rollout';

export interface Pod extends ObjectMeta {
  readonly namespace: string;
  /** The workload that created it (`Deployment/ns/name`), or undefined for a bare Pod. */
  readonly owner?: ObjectKey;
  readonly nodeName?: string;
  /** Primary IP; undefined when the pod could not be scheduled or given an address. */
  readonly ip?: string;
  readonly ips: readonly string[];
  readonly hostNetwork: boolean;
  readonly phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  readonly ready: boolean;
  /** Has a deletionTimestamp. */
  readonly terminating: boolean;
  /** Names of the app containers (and sidecars), for READY counts. */
  readonly containers: readonly string[];
  readonly ports: readonly ContainerPort[];
  readonly hostname?: string;
  readonly subdomain?: string;
  readonly dnsPolicy: 'ClusterFirst' | 'ClusterFirstWithHostNet' | 'Default' | 'None';
  readonly dnsConfig?: {
    nameservers: string[];
    searches: string[];
    options: { name: string; value?: string }[];
  };
  /** `spec.hostAliases`: extra /etc/hosts lines kubelet writes (ignored for hostNetwork pods). */
  readonly hostAliases?: readonly { readonly ip: string; readonly hostnames: readonly string[] }[];
  readonly serviceAccountName: string;
}

export interface Workload extends ObjectMeta {
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly replicas: number;
  /**
   * Where `replicas` came from: the manifest, the default of 1, a HorizontalPodAutoscaler, one per node, the
   * Job's parallelism, or the pods the input holds (`observed`: its pods were dumped from a cluster; only the
   * active ones count, not Succeeded, Failed or terminating pods, as the ReplicaSet controller counts them);
   * `rollout`: a Deployment an Argo Rollout took over (`workloadRef` with `scaleDown` onsuccess or progressively),
   * scaled to zero once the Rollout is healthy.
   */
  readonly replicasFrom: 'spec' | 'default' | 'hpa' | 'nodes' | 'job' | 'observed' | 'rollout';
  readonly selector?: Selector;
  readonly podKeys: readonly ObjectKey[];
}

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';

export interface ServicePort {
  readonly name?: string;
  readonly protocol: Protocol;
  readonly port: number;
  /** A number, or a container port name resolved per pod. Defaults to `port`. */
  readonly targetPort: number | string;
  readonly nodePort?: number;
  readonly appProtocol?: string;
}

export interface Service extends ObjectMeta {
  readonly namespace: string;
  readonly type: ServiceType;
  /** Undefined when the Service has no selector (endpoints come from manual EndpointSlices or Endpoints). */
  readonly selector?: Labels;
  readonly headless: boolean;
  /** Allocated or explicit ClusterIPs; empty for headless and ExternalName Services. */
  readonly clusterIPs: readonly string[];
  readonly ports: readonly ServicePort[];
  readonly externalName?: string;
  readonly externalIPs: readonly string[];
  /** `status.loadBalancer.ingress` IPs or hostnames, `spec.loadBalancerIP`, or the profile's address. */
  readonly loadBalancerIngress: readonly string[];
  /**
   * Why a LoadBalancer Service has no address although a load-balancer controller in the input (MetalLB's
   * IPAddressPools) would serve it: refused by the controller, or given one the input does not decide
   * (`undetermined`: the Service has an external address, kubetwin cannot say which; `within`: the address ranges
   * it is among, as the pools write them, or undefined when it may be any address).
   */
  readonly loadBalancerPending?: {
    readonly reason: string;
    readonly undetermined: boolean;
    /** Who assigns the address (`Cilium LB IPAM`); undefined: MetalLB. */
    readonly controller?: string;
    readonly within?: readonly string[];
  };
  /**
   * Who answers outside the cluster for the addresses Cilium's LB IPAM gave the Service (L2 announcements; BGP is
   * not modeled). Undefined: not an LB IPAM address, or no LB IPAM pool in the input (the address is taken as
   * reachable, as a cloud load balancer's is).
   */
  readonly loadBalancerAnnouncement?: LoadBalancerAnnouncement;
  /**
   * The `status.loadBalancer.ingress` IPs with `ipMode: Proxy`: the load balancer proxies, so kube-proxy does not
   * take in-cluster traffic to them straight to the endpoints as it does for `VIP` (the default).
   * https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-ip-mode
   */
  readonly loadBalancerProxied?: readonly string[];
  /**
   * `spec.loadBalancerSourceRanges` (CIDRs): the only sources kube-proxy and the cloud load balancer let reach the
   * load-balancer addresses; undefined or empty: every source.
   */
  readonly loadBalancerSourceRanges?: readonly string[];
  /**
   * The annotation `service.beta.kubernetes.io/load-balancer-source-ranges` (comma-separated CIDRs), kept only when
   * `spec.loadBalancerSourceRanges` is empty: the cloud controllers fall back to it (`GetLoadBalancerSourceRanges`,
   * k8s.io/cloud-provider service helpers) and filter clients at the load balancer, while kube-proxy reads the spec
   * field only, so a pod that dials the load-balancer address is not filtered by it.
   */
  readonly loadBalancerSourceRangesAnnotation?: readonly string[];
  /** Internal or internet-facing, as the cloud controller reads the Service's annotations (`loadBalancerScheme`). */
  readonly loadBalancerScheme?: LoadBalancerScheme;
  /** How the AWS Load Balancer Controller's NLB reaches the pods (`awsLoadBalancerTargets`); undefined otherwise. */
  readonly loadBalancerTargets?: LoadBalancerTargets;
  readonly externalTrafficPolicy: 'Cluster' | 'Local';
  readonly internalTrafficPolicy: 'Cluster' | 'Local';
  readonly healthCheckNodePort?: number;
  readonly sessionAffinity: 'None' | 'ClientIP';
  readonly sessionAffinityTimeoutSeconds?: number;
  readonly publishNotReadyAddresses: boolean;
  readonly trafficDistribution?: string;
  readonly ipFamilies: readonly ('IPv4' | 'IPv6')[];
}

/**
 * Where a cloud load balancer listens: `internal` (a private address of the VPC or VNet, out of reach of the
 * internet), `internet-facing`, or `undetermined` (the controller's choice rests on what the input does not hold);
 * `by` names the annotation or class that decided, for answers.
 */
export interface LoadBalancerScheme {
  readonly scheme: 'internal' | 'internet-facing' | 'undetermined';
  readonly by: string;
}

/**
 * The targets of a cloud load balancer: `ip` (it connects to the pod addresses itself, bypassing node ports and
 * kube-proxy) or `instance` (the nodes' node port); `clientAddressKept`: the pod (or node) sees the client's address,
 * else the load balancer's own private one.
 */
export interface LoadBalancerTargets {
  readonly type: 'ip' | 'instance';
  readonly clientAddressKept: boolean;
  readonly by: string;
}

export interface EndpointConditions {
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
}

export interface Endpoint {
  readonly addresses: readonly string[];
  readonly conditions: EndpointConditions;
  readonly hostname?: string;
  readonly nodeName?: string;
  readonly zone?: string;
  /** Key of the Pod behind it, for slices the controller computed. */
  readonly targetRef?: ObjectKey;
  /**
   * Topology hints (`hints.forZones[].name`, `hints.forNodes[].name`): the EndpointSlice controller writes them for
   * `trafficDistribution` (and the topology-mode annotation); kube-proxy reads them from any slice.
   * https://kubernetes.io/docs/reference/kubernetes-api/service-resources/endpoint-slice-v1/
   */
  readonly hints?: { readonly forZones: readonly string[]; readonly forNodes?: readonly string[] };
}

export interface EndpointPort {
  readonly name?: string;
  readonly port?: number;
  readonly protocol: Protocol;
  readonly appProtocol?: string;
}

export interface EndpointSlice extends ObjectMeta {
  readonly namespace: string;
  /** Name of the owning Service (label `kubernetes.io/service-name`). */
  readonly serviceName: string;
  readonly addressType: 'IPv4' | 'IPv6' | 'FQDN';
  readonly ports: readonly EndpointPort[];
  readonly endpoints: readonly Endpoint[];
  /** `endpointslice-controller.k8s.io` when computed from a selector, otherwise who wrote it. */
  readonly managedBy: string;
}

export type PolicyType = 'Ingress' | 'Egress';

export interface PolicyPort {
  readonly protocol: Protocol;
  /** Undefined means every port of that protocol. */
  readonly port?: number | string;
  readonly endPort?: number;
  readonly source?: SourceRef;
}

export interface PolicyPeer {
  readonly podSelector?: Selector;
  readonly namespaceSelector?: Selector;
  readonly ipBlock?: { readonly cidr: string; readonly except: readonly string[] };
  readonly source?: SourceRef;
}

export interface PolicyRule {
  readonly index: number;
  /** `all` when `from`/`to` is missing or empty: every peer. */
  readonly peers: readonly PolicyPeer[] | 'all';
  /** `all` when `ports` is missing or empty: every port. */
  readonly ports: readonly PolicyPort[] | 'all';
  readonly source?: SourceRef;
}

export interface NetworkPolicy extends ObjectMeta {
  readonly namespace: string;
  readonly podSelector: Selector;
  readonly policyTypes: readonly PolicyType[];
  /** True when `policyTypes` was absent and kubetwin inferred it as the API server defaults it. */
  readonly policyTypesInferred: boolean;
  readonly ingress: readonly PolicyRule[];
  readonly egress: readonly PolicyRule[];
}

/**
 * An object the builder recognised and keeps for the analyses that read it (Ingress, Gateway API, ConfigMap,
 * ...), in slim form: its body without `status`, `managedFields` and the last-applied annotation.
 */
/**
 * An object of a kind kubetwin does not model that holds a pod template (`spec.template`): its controller runs pods
 * the model does not hold, so Services whose selector its template labels satisfy may have endpoints kubetwin does
 * not see.
 */
export interface UnmodeledWorkload {
  readonly key: string;
  readonly kind: string;
  readonly apiVersion: string;
  readonly namespace: string;
  readonly name: string;
  readonly templateLabels: Readonly<Record<string, string>>;
  readonly source?: SourceRef;
}

export interface OtherObject extends ObjectMeta {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly body: Readonly<Record<string, unknown>>;
}

/**
 * One value a container is configured with, kept for flow discovery (`src/analysis/flows`): an `env` value (or the
 * ConfigMap key it is read from), or a whole ConfigMap read as env (`envFrom`) or mounted as a volume. Words of
 * `command`/`args` are `ContainerWords`.
 */
export interface ContainerSetting {
  readonly container: string;
  readonly kind: 'env' | 'env-from' | 'volume';
  /** The env name (`REDIS_ADDR`), `envFrom[0]`, or the volume name. */
  readonly name: string;
  readonly value?: string;
  /** `valueFrom.configMapKeyRef` (`key` set), `envFrom[].configMapRef` or a `configMap` volume (no `key`). */
  readonly configMap?: { readonly name: string; readonly key?: string };
  readonly source?: SourceRef;
}

/**
 * One container's `command` or `args` as one list: a list can hold a million words of which only the few a flow or
 * a diagnostic cites are ever shown, so a word is a string in `values` and its name (`args[2]`) and source are
 * made when cited (`wordSource` in src/model/container-words.ts), not stored per word.
 */
export interface ContainerWords {
  readonly container: string;
  readonly field: 'command' | 'args';
  /**
   * Word i as the kubelet passes it (`$(VAR)` references expanded from the container's env); undefined where the
   * list holds no string (an `invalid-field-type` diagnostic says so) or an empty one.
   */
  readonly values: readonly (string | undefined)[];
  /** Locates word i; absent once the model was stored (the model cache), where `sources` holds every word's. */
  readonly locate?: (i: number) => SourceRef;
  readonly sources?: readonly (SourceRef | undefined)[];
}

/** The container settings of one workload or bare Pod (`owner` is its key). */
export interface WorkloadSettings {
  readonly owner: ObjectKey;
  readonly namespace: string;
  readonly settings: readonly ContainerSetting[];
  /** Each container's `command` and `args`, in document order. */
  readonly words: readonly ContainerWords[];
}

/** One ConfigMap's `data`, each key with its line. */
export interface ConfigMapData {
  readonly key: ObjectKey;
  readonly namespace: string;
  readonly name: string;
  readonly entries: readonly { readonly key: string; readonly value: string; readonly source?: SourceRef }[];
}

/** The cluster as kubetwin built it. Arrays are sorted by key; treat the whole model as read-only. */
export interface ClusterModel {
  readonly profile: Profile;
  readonly namespaces: readonly Namespace[];
  readonly nodes: readonly Node[];
  readonly workloads: readonly Workload[];
  readonly pods: readonly Pod[];
  readonly services: readonly Service[];
  readonly endpointSlices: readonly EndpointSlice[];
  readonly networkPolicies: readonly NetworkPolicy[];
  /** AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy (also kept in `others`). */
  readonly adminPolicies?: readonly import('./admin-policy.ts').AdminPolicy[];
  /** CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy (also kept in `others`). */
  readonly ciliumPolicies?: readonly import('./cilium-policy.ts').CiliumPolicy[];
  readonly others: readonly OtherObject[];
  /** Objects of unmodeled kinds that run pods from a template of their own (absent: none). */
  readonly unmodeledWorkloads?: readonly UnmodeledWorkload[];
  /** RoleBindings and ClusterRoleBindings: their subjects (also kept in `others`). Absent: none in the input. */
  readonly roleBindings?: readonly import('./rbac.ts').RoleBinding[];
  /** Validating and mutating webhook configurations (also kept in `others`). Absent: none in the input. */
  readonly admissionWebhooks?: readonly import('./admission.ts').AdmissionWebhookConfiguration[];
  /**
   * ServiceMonitors, PodMonitors and the monitor selectors of each Prometheus (also kept in `others`). Absent: none
   * of the three in the input.
   */
  readonly monitoring?: import('./monitoring.ts').MonitoringModel;
  /** Ingress, Gateway API and TLS objects read for routing (`src/cluster/routing`). */
  readonly routing?: import('./routing.ts').RoutingModel;
  /** The service mesh and its routing objects (`src/cluster/mesh-config`). */
  readonly mesh?: import('./mesh.ts').MeshModel;
  /** Container env, args and ConfigMap references per workload, for flow discovery. */
  readonly settings?: readonly WorkloadSettings[];
  /** ConfigMap data with lines, for flow discovery. */
  readonly configMaps?: readonly ConfigMapData[];
  /**
   * Kinds the input should hold but could not be read (a live cluster refused or failed to list them): analyses
   * whose answers depend on one say so in the answer. Absent or empty: every kind was read.
   */
  readonly unread?: readonly string[];
}
