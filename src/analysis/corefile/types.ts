/**
 * What kubetwin takes from a Corefile: the settings of the plugins that change answers (`kubernetes`, `hosts`,
 * `rewrite name`, `cache`, `forward`), with every other plugin listed as not modeled.
 * https://coredns.io/plugins/kubernetes/ · https://coredns.io/plugins/hosts/ · https://coredns.io/plugins/rewrite/
 * · https://coredns.io/plugins/cache/ · https://coredns.io/plugins/forward/
 */

/** `pods disabled|insecure|verified` of the kubernetes plugin (default `disabled`). */
export type PodsMode = 'disabled' | 'insecure' | 'verified';

export interface KubernetesPluginConfig {
  /** Zones it is authoritative for, lowercase with a trailing dot (`cluster.local.`, `in-addr.arpa.`). */
  readonly zones: readonly string[];
  readonly pods: PodsMode;
  /** Record TTL (default 5 s). */
  readonly ttl: number;
  /** Zones whose NXDOMAIN goes on to the next plugin; `['.']` when `fallthrough` has no zones. */
  readonly fallthrough: readonly string[];
  /** `namespaces NS…`: only these are exposed; empty means every namespace. */
  readonly namespaces: readonly string[];
  /** `endpoint_pod_names`: endpoint names from the pod name instead of the dashed IP. */
  readonly endpointPodNames: boolean;
  /** `ignore empty_service`: NXDOMAIN for ClusterIP Services without ready endpoints. */
  readonly ignoreEmptyService: boolean;
}

export interface HostsEntry {
  readonly ip: string;
  /** Names, lowercase with a trailing dot. */
  readonly names: readonly string[];
}

export interface HostsPluginConfig {
  /** The hosts file named, when not only inline entries; its entries are in `entries` when the input holds it. */
  readonly file?: string;
  /** Set when the file is not in the input: what it answers is unknown. */
  readonly fileUnknown?: true;
  readonly entries: readonly HostsEntry[];
  /** Zones the plugin answers for (default: the server block's). */
  readonly zones: readonly string[];
  readonly ttl: number;
  readonly fallthrough: readonly string[];
  readonly noReverse: boolean;
}

export type RewriteMatch = 'exact' | 'prefix' | 'suffix' | 'substring' | 'regex';

export interface RewriteNameRule {
  readonly mode: 'stop' | 'continue';
  readonly match: RewriteMatch;
  readonly from: string;
  readonly to: string;
  /** `answer name FROM TO` (regex), or `answer auto`: how answer names are written back. */
  readonly answer?: { readonly from: string; readonly to: string } | 'auto';
}

export interface CacheConfig {
  /** Cap of positive TTLs (default 3600) and of denial TTLs (default 1800). */
  readonly successTTL: number;
  readonly denialTTL: number;
  /** Floor (MINTTL, default 5). */
  readonly successMinTTL: number;
  readonly denialMinTTL: number;
  /** Most replies each store keeps (`success|denial CAPACITY`, default 9984). */
  readonly successCapacity: number;
  readonly denialCapacity: number;
}

export interface ForwardConfig {
  /** Zone forwarded, lowercase with a trailing dot (`.` for everything). */
  readonly from: string;
  readonly to: readonly string[];
  /** `except ZONE…`: names under these zones (other than `from` itself) are not forwarded, canonical. */
  readonly except: readonly string[];
  /** node-local-dns only: every target is cluster DNS, which answers the name (see `_node-local.ts`). */
  readonly clusterDNS?: boolean;
}

/**
 * A plugin kubetwin does not model that answers queries itself (`template`, `k8s_external`, `file`, …): the
 * questions it may take, so that kubetwin says "unknown" for them instead of answering from the plugins it models.
 */
export interface UnmodeledAnswerer {
  readonly plugin: string;
  /** Line of the plugin in the Corefile. */
  readonly line: number;
  /** Zones whose names it may answer, canonical. */
  readonly zones: readonly string[];
  /** Query classes / types it takes; absent means all. */
  readonly classes?: readonly string[];
  readonly types?: readonly string[];
  /** `template`'s `match` regexes (Go syntax), empty for "everything". */
  readonly match: readonly string[];
  /** `template`'s `fallthrough` zones. */
  readonly fallthrough: readonly string[];
  /** Why the reply is unknown, when not a Corefile plugin (the kube-dns ConfigMap's keys). */
  readonly reason?: string;
}

/** One server block: the zones it serves and the plugins in it. */
export interface ServerConfig {
  readonly zones: readonly string[];
  readonly port: number;
  readonly kubernetes?: KubernetesPluginConfig;
  readonly hosts?: HostsPluginConfig;
  readonly rewrites: readonly RewriteNameRule[];
  readonly cache?: CacheConfig;
  /**
   * The block's `forward` stanzas in Corefile order: CoreDNS chains them, and the first whose `from` zone holds the
   * name (and whose `except` does not) takes it (plugin/forward/setup.go, forward.go `match`).
   */
  readonly forwards: readonly ForwardConfig[];
  /** Plugins present that kubetwin does not model. */
  readonly notModeled: readonly string[];
  /** Set when the block is kubetwin's stand-in for one the input does not hold: why, noted on every reply. */
  readonly assumed?: string;
  /** The unmodeled plugins among them that answer queries, in plugin.cfg order. */
  readonly unmodeledAnswerers: readonly UnmodeledAnswerer[];
}

export interface DnsServerConfig {
  /** Where the configuration came from. */
  readonly origin: 'corefile' | 'default' | 'kube-dns';
  readonly servers: readonly ServerConfig[];
}
