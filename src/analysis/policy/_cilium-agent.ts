/**
 * The Cilium agent's settings that change policy verdicts, read from the `cilium-config` ConfigMap the Cilium
 * install (Helm chart, operator) writes: kubetwin models the defaults, so a setting that departs from them makes
 * the verdicts it can change unknown instead of answered as if the default held.
 * https://docs.cilium.io/en/stable/security/policy/intro/ (enforcement modes),
 * https://docs.cilium.io/en/stable/security/policy/language/ (CIDR match mode, node selector labels, localhost)
 */
import type { SourceRef } from '../../model/diagnostic.ts';
import type { ClusterModel, NetworkPolicy, Pod } from '../../model/types.ts';
import type { CiliumPolicy } from '../../model/cilium-policy.ts';
import type { PodClass } from './_classes.ts';

/** Which verdicts a departing setting can change. */
type Reach =
  /** Every verdict (the enforcement mode). */
  | 'every'
  /** Verdicts where a NetworkPolicy lives in a pod side's namespace. */
  | 'networkpolicy'
  /** Verdicts where a Cilium policy of that kind selects a pod side. */
  | 'CiliumNetworkPolicy'
  | 'CiliumClusterwideNetworkPolicy'
  /** Verdicts with a node address on one end. */
  | 'node-peer'
  /** Verdicts where a pod's own node is the source. */
  | 'own-node'
  /** Verdicts of pods a spec selects that turns default deny off in a direction it has rules for. */
  | 'non-default-deny'
  /** Verdicts of pods a policy with L7 rules or toFQDNs selects. */
  | 'l7';

/** One agent setting that departs from what kubetwin models. */
export interface CiliumAgentSetting {
  /** `ConfigMap kube-system/cilium-config enable-policy: always (...)`: the warning's subject. */
  readonly text: string;
  readonly reach: Reach;
  readonly source?: SourceRef;
}

/**
 * The policy enforcement mode (`enable-policy`, Helm `policyEnforcementMode`), as cilium/cilium
 * pkg/policy/repository.go computePolicyEnforcementAndRules applies it to every endpoint but the host (whose policy
 * only the host firewall enforces): `default` isolates an endpoint in a direction when a rule selecting it has
 * rules there; `always` isolates every endpoint both ways, selected or not (and synthesizes no allow-all for
 * `enableDefaultDeny: false`); `never` enforces nothing, whatever selects the endpoint.
 * https://docs.cilium.io/en/stable/security/policy/intro/#policy-enforcement-modes
 */
export type EnforcementMode = 'default' | 'always' | 'never';

/** A modeled setting of the ConfigMap, as answers name it (`ConfigMap kube-system/cilium-config enable-policy: "always"`). */
export interface AgentSetting {
  readonly text: string;
  readonly source?: SourceRef;
}

/** What the agent settings kubetwin reads say, departures listed. */
export interface CiliumAgent {
  readonly departures: readonly CiliumAgentSetting[];
  /** `enable-node-selector-labels: "true"`: policies with fromNodes/toNodes are accepted (as kubetwin enforces them). */
  readonly nodeSelectorLabels: boolean;
  /** `enable-policy`, lower-cased as the agent reads it; `default` when the input does not say. */
  readonly mode: EnforcementMode;
  /** The key that set `always` or `never`. */
  readonly modeSetting?: AgentSetting;
  /**
   * `policy-audit-mode: "true"` (Helm `policyAuditMode`): the datapath computes every verdict but lets what policy
   * would drop through, logged as AUDIT ("allow all traffic while logging all connections that would otherwise be
   * dropped by network policies", https://docs.cilium.io/en/stable/security/policy-creation/ — Policy Audit Mode).
   */
  readonly audit?: AgentSetting;
}

/** The values Go's strconv.ParseBool reads as true (the agent's flags are read so). */
const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const MODES: readonly string[] = ['default', 'always', 'never'];

/**
 * The settings kubetwin checks, the value it models and what a departure reaches. Defaults from cilium/cilium
 * pkg/defaults and pkg/option (enable-policy "default", policy-cidr-match-mode empty, allow-localhost "auto"
 * meaning always outside the host firewall, enable-non-default-deny-policies true, enable-l7-proxy true,
 * enable-k8s-networkpolicy, enable-cilium-network-policy and enable-cilium-clusterwide-network-policy true).
 */
const checked: readonly {
  key: string;
  modeled: (v: string) => boolean;
  means: string;
  reach: Reach;
}[] = [
  {
    key: 'enable-policy',
    modeled: (v) => MODES.includes(v.toLowerCase()),
    means: 'not a policy enforcement mode: default, always or never',
    reach: 'every',
  },
  {
    key: 'enable-k8s-networkpolicy',
    modeled: (v) => v !== 'false',
    means: 'Kubernetes NetworkPolicies are not enforced',
    reach: 'networkpolicy',
  },
  {
    key: 'enable-cilium-network-policy',
    modeled: (v) => v !== 'false',
    means: 'CiliumNetworkPolicies are not enforced',
    reach: 'CiliumNetworkPolicy',
  },
  {
    key: 'enable-cilium-clusterwide-network-policy',
    modeled: (v) => v !== 'false',
    means: 'CiliumClusterwideNetworkPolicies are not enforced',
    reach: 'CiliumClusterwideNetworkPolicy',
  },
  {
    key: 'policy-cidr-match-mode',
    modeled: (v) => !v.split(/[\s,]+/).includes('nodes'),
    means: 'CIDR rules and ipBlocks select node addresses too',
    reach: 'node-peer',
  },
  {
    key: 'allow-localhost',
    modeled: (v) => v !== 'policy',
    means: "traffic from a pod's own node is subject to policy",
    reach: 'own-node',
  },
  {
    key: 'enable-non-default-deny-policies',
    modeled: (v) => v !== 'false',
    means: 'enableDefaultDeny: false is ignored',
    reach: 'non-default-deny',
  },
  {
    key: 'enable-l7-proxy',
    modeled: (v) => v !== 'false',
    means: 'no L7 proxy: HTTP and DNS rules and toFQDNs are not enforced as written',
    reach: 'l7',
  },
];

/**
 * Reads the `cilium-config` ConfigMaps of the input (any namespace: the chart's release namespace) and lists the
 * settings that depart from what kubetwin models. No ConfigMap: the defaults, nothing listed.
 */
export function readCiliumAgent(model: ClusterModel): CiliumAgent {
  const departures: CiliumAgentSetting[] = [];
  let nodeSelectorLabels = false;
  let mode: EnforcementMode = 'default';
  let modeSetting: AgentSetting | undefined;
  let audit: AgentSetting | undefined;
  for (const cm of model.configMaps ?? []) {
    if (cm.name !== 'cilium-config') continue;
    for (const e of cm.entries) {
      const value = e.value.trim();
      const setting = (): AgentSetting => ({
        text: `ConfigMap ${cm.namespace}/${cm.name} ${e.key}: "${value}"`,
        ...(e.source ? { source: e.source } : {}),
      });
      if (e.key === 'enable-node-selector-labels' && value === 'true') nodeSelectorLabels = true;
      // pkg/option/config.go lower-cases enable-policy before checking it against the three modes.
      if (e.key === 'enable-policy' && MODES.includes(value.toLowerCase())) {
        mode = value.toLowerCase() as EnforcementMode;
        modeSetting = mode === 'default' ? undefined : setting();
      }
      if (e.key === 'policy-audit-mode') audit = TRUE.has(value) ? setting() : undefined;
      const c = checked.find((k) => k.key === e.key);
      if (!c || c.modeled(value)) continue;
      departures.push({
        text: `ConfigMap ${cm.namespace}/${cm.name} ${e.key}: "${value}" (${c.means})`,
        reach: c.reach,
        ...(e.source ? { source: e.source } : {}),
      });
    }
  }
  return {
    departures,
    nodeSelectorLabels,
    mode,
    ...(modeSetting ? { modeSetting } : {}),
    ...(audit ? { audit } : {}),
  };
}

/** One end of a connection, as these checks read it. */
export interface AgentTarget {
  readonly pod?: Pod;
  readonly cls?: PodClass;
  readonly node?: string;
}

/** What the engine answers about a pod side (kept as functions so this file stays pure and small). */
export interface AgentQueries {
  readonly networkPolicies: readonly NetworkPolicy[];
  /** The Cilium policies whose specs select the class. */
  readonly selecting: (cls: PodClass) => readonly CiliumPolicy[];
}

/**
 * The warnings (ending in "is not modeled by kubetwin and may change this verdict", so `reach`/`test` answer
 * unknown) for the departing settings that can change the verdict between `src` and `dst`.
 */
export function agentWarnings(
  agent: CiliumAgent,
  q: AgentQueries,
  src: AgentTarget,
  dst: AgentTarget,
): string[] {
  if (!agent.departures.length) return [];
  const pods = [src, dst].filter((t) => t.pod && t.cls);
  const selecting = (kind?: string) =>
    pods.some((t) => q.selecting(t.cls!).some((p) => kind === undefined || p.kind === kind));
  const reaches = (r: Reach): boolean => {
    switch (r) {
      case 'every':
        return true;
      case 'networkpolicy':
        return pods.some((t) => q.networkPolicies.some((np) => np.namespace === t.pod!.namespace));
      case 'CiliumNetworkPolicy':
      case 'CiliumClusterwideNetworkPolicy':
        return selecting(r);
      case 'node-peer':
        return [src, dst].some((t) => !t.pod && t.node !== undefined);
      case 'own-node':
        return !src.pod && src.node !== undefined && src.node === dst.pod?.nodeName;
      case 'non-default-deny':
        return pods.some((t) =>
          q
            .selecting(t.cls!)
            .some((p) =>
              p.specs.some((s) =>
                (['ingress', 'egress'] as const).some(
                  (d) => !s.defaultDeny[d] && s.rules.some((r) => r.section.startsWith(d)),
                ),
              ),
            ),
        );
      case 'l7':
        return pods.some((t) =>
          q
            .selecting(t.cls!)
            .some((p) =>
              p.specs.some((s) =>
                s.rules.some(
                  (r) =>
                    (r.peers !== 'all' && r.peers.some((x) => x.kind === 'fqdn')) ||
                    (r.toPorts !== 'all' && r.toPorts.some((pr) => pr.http || pr.dns)),
                ),
              ),
            ),
        );
    }
  };
  return agent.departures
    .filter((d) => reaches(d.reach))
    .map((d) => `${d.text} is not modeled by kubetwin and may change this verdict`);
}
