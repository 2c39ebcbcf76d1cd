import { unknownCNI, type KubeProxyMode, type Profile } from '../../model/profile.ts';
import type { RawObject } from '../../parse/index.ts';
import {
  asList,
  asString,
  at,
  findObject,
  isKind,
  isObserved,
  nameOf,
  namespaceOf,
  type Inferred,
} from './_observed.ts';
import { argOn, argValue, k3sNodeArgsAnnotation, k3sServers } from './_k3s.ts';

interface Agent {
  /** The profile's `cni.name`. */
  readonly name: string;
  /** DaemonSet names its installers use. */
  readonly daemonSets: readonly string[];
  /** Container image repositories (the path before the tag). */
  readonly image?: RegExp;
  readonly enforcesNetworkPolicy: boolean;
  /** Enforces policy only, beside another CNI (kube-network-policies). */
  readonly policyOnly?: boolean;
  /** Overrides `enforcesNetworkPolicy` from the agent's containers, when a flag decides. */
  readonly enforcesWhen?: (containers: readonly unknown[]) => boolean;
}

/** A container argument `--flag=true` (or `--flag` alone) among the containers' args and command. */
const flagOn = (flag: string) => (containers: readonly unknown[]) =>
  containers.some((c) =>
    [...asList(at(c, 'args')), ...asList(at(c, 'command'))].some(
      (a) => a === `--${flag}=true` || a === `--${flag}`,
    ),
  );

/**
 * Node agents by their DaemonSet, most specific first. Whether each enforces NetworkPolicy, from its docs:
 * flannel does not (https://github.com/flannel-io/flannel#networking-details), canal is flannel with Calico's
 * policy engine, kindnet relies on the separate kube-network-policies DaemonSet kind installs beside it
 * (https://github.com/kubernetes-sigs/kind/pull/3612), the AWS VPC CNI only with its network policy agent's
 * `--enable-network-policy=true` (https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html),
 * AKS through Azure NPM (https://learn.microsoft.com/azure/aks/use-network-policies), GKE Dataplane V2 (`anetd`)
 * always (https://cloud.google.com/kubernetes-engine/docs/concepts/dataplane-v2); the others enforce it
 * themselves (https://kubernetes.io/docs/concepts/cluster-administration/addons/).
 */
const agents: readonly Agent[] = [
  { name: 'cilium', daemonSets: ['cilium'], image: /\/cilium\/cilium$/, enforcesNetworkPolicy: true },
  { name: 'canal', daemonSets: ['canal'], enforcesNetworkPolicy: true },
  { name: 'calico', daemonSets: ['calico-node'], image: /calico\/node$/, enforcesNetworkPolicy: true },
  {
    name: 'antrea',
    daemonSets: ['antrea-agent'],
    image: /antrea\/antrea-(agent-)?ubuntu$|antrea\/antrea-agent/,
    enforcesNetworkPolicy: true,
  },
  { name: 'weave', daemonSets: ['weave-net'], image: /weave-kube$/, enforcesNetworkPolicy: true },
  { name: 'kube-router', daemonSets: ['kube-router'], image: /kube-router$/, enforcesNetworkPolicy: true },
  { name: 'ovn-kubernetes', daemonSets: ['ovnkube-node'], image: /ovn-kube/, enforcesNetworkPolicy: true },
  {
    name: 'gke-dataplane-v2',
    daemonSets: ['anetd'],
    enforcesNetworkPolicy: true,
  },
  {
    name: 'aws-vpc-cni',
    daemonSets: ['aws-node'],
    image: /amazon-k8s-cni$/,
    enforcesNetworkPolicy: false,
    enforcesWhen: flagOn('enable-network-policy'),
  },
  {
    name: 'flannel',
    daemonSets: ['kube-flannel-ds', 'kube-flannel'],
    image: /\/flannel$/,
    enforcesNetworkPolicy: false,
  },
  { name: 'kindnet', daemonSets: ['kindnet'], image: /kindnetd$/, enforcesNetworkPolicy: false },
  {
    name: 'azure-npm',
    daemonSets: ['azure-npm'],
    image: /azure-npm$/,
    enforcesNetworkPolicy: true,
    policyOnly: true,
  },
  {
    name: 'kube-network-policies',
    daemonSets: ['kube-network-policies'],
    image: /kube-network-policies$/,
    enforcesNetworkPolicy: true,
    policyOnly: true,
  },
];

/**
 * The CNI from the node agents found: a DaemonSet by its name or its containers' images, or Pods a DaemonSet of
 * that name owns (a dump without the DaemonSet itself). NetworkPolicy is enforced when any agent found enforces
 * it (canal, or flannel beside calico-node). A k3s cluster without one runs its embedded flannel and
 * kube-router policy controller (https://docs.k3s.io/networking/basic-network-options).
 */
export function inferCni(objects: readonly RawObject[]): Inferred<Profile['cni']> | undefined {
  const found = new Map<Agent, RawObject>();
  for (const o of objects) {
    const agent = agentOf(o);
    if (agent && !found.has(agent)) found.set(agent, o);
  }
  const list = agents.filter((a) => found.has(a));
  if (!list.length) {
    const cnp = objects.find(
      (o) =>
        isKind(o, 'CiliumNetworkPolicy', 'cilium.io') ||
        isKind(o, 'CiliumClusterwideNetworkPolicy', 'cilium.io'),
    );
    if (cnp)
      // Only a cluster running Cilium serves these kinds (its agent installs the CRDs): policies written for it
      // say which CNI the cluster has when no node agent is in the input.
      // https://docs.cilium.io/en/stable/network/kubernetes/ciliumnetworkpolicy/
      return {
        value: { name: 'cilium', enforcesNetworkPolicy: true },
        sources: [cnp.source],
        rule: 'Cilium policies in the input (only a cluster running Cilium serves them) and no CNI DaemonSet',
        note: 'say cni: {name: …} in the profile if these policies are meant for another cluster',
        exact: false,
      };
    const k3s = objects.find(
      (o) =>
        isKind(o, 'Node', '') && isK3sKubelet(asString(at(o.body, 'status', 'nodeInfo', 'kubeletVersion'))),
    );
    if (!k3s) return unknownAgent(objects);
    const stated = k3sEmbedded(objects);
    if (stated) return stated;
    return {
      value: { name: 'k3s-flannel', enforcesNetworkPolicy: true },
      sources: [k3s.source],
      rule: "a k3s kubelet (status.nodeInfo.kubeletVersion) and no CNI DaemonSet: k3s's embedded flannel and network policy controller",
      note: 'k3s started with --disable-network-policy or --flannel-backend=none enforces none of it',
      exact: false,
    };
  }
  const cni = list.find((a) => !a.policyOnly) ?? list[0]!;
  const enforcing = list.filter((a) => enforcesOf(a, found.get(a)!));
  const enforces = enforcing.length > 0;
  const names = list.map((a) => `${a.name} (${describe(found.get(a)!)})`);
  return {
    value: { name: cni.name, enforcesNetworkPolicy: enforces },
    sources: list.map((a) => found.get(a)!.source),
    rule: `node agent ${names.join(' and ')}`,
    note:
      cni.name === 'kindnet' && !enforces
        ? 'kindnet alone does not enforce NetworkPolicy; kind ≥ v0.24 adds the kube-network-policies DaemonSet that does'
        : list.length > 1
          ? `NetworkPolicy enforced by ${enforcing.map((a) => a.name).join(', ') || 'none of them'}`
          : cni.enforcesWhen && !enforces
            ? `${cni.name} enforces NetworkPolicy only when its agent runs with the flag that turns it on`
            : undefined,
    exact: true,
  };
}

/**
 * k3s's embedded CNI and policy controller as its server's command line states them (the `k3s.io/node-args`
 * annotation of a server Node): `--disable-network-policy` turns off the kube-router network policy controller
 * k3s otherwise runs on every node, and `--flannel-backend=none` runs no flannel, leaving the CNI to one installed
 * separately (https://docs.k3s.io/networking/basic-network-options, https://docs.k3s.io/cli/server). Undefined
 * when no server Node carries the annotation.
 */
function k3sEmbedded(objects: readonly RawObject[]): Inferred<Profile['cni']> | undefined {
  const servers = k3sServers(objects);
  const server = servers[0];
  if (!server) return undefined;
  const noPolicy = servers.filter((s) => argOn(s.args, 'disable-network-policy'));
  const backend = argValue(server.args, 'flannel-backend') ?? 'vxlan';
  const where = `the k3s.io/node-args of k3s server Node ${nameOf(server.node)}`;
  const disagree =
    noPolicy.length && noPolicy.length < servers.length
      ? `; the k3s servers disagree (--disable-network-policy on ${noPolicy.map((s) => nameOf(s.node)).join(', ')} only)`
      : '';
  const enforces = noPolicy.length === 0;
  const sources = [server.node.locate(['metadata', 'annotations', k3sNodeArgsAnnotation])];
  // Without flannel the CNI is another one (and it may enforce policy itself); servers that disagree leave the
  // controller on some nodes only. Either way whether a policy's denial holds is unknown, as for an unknown CNI.
  if (backend === 'none' || disagree)
    return {
      value: { name: unknownCNI, enforcesNetworkPolicy: true },
      sources,
      rule:
        backend === 'none'
          ? `${where}: --flannel-backend none (k3s runs no flannel; the CNI is installed separately and kubetwin finds no agent it knows)${enforces ? '' : ', --disable-network-policy'}`
          : `${where}${disagree}`,
      note: 'whether NetworkPolicy is enforced is unknown: connections the policies deny are answered unknown; name the CNI in the profile (cni: {name: …, enforcesNetworkPolicy: …})',
      exact: false,
    };
  return {
    value: { name: 'k3s-flannel', enforcesNetworkPolicy: enforces },
    sources,
    rule: enforces
      ? `${where}: flannel (backend ${backend}) and k3s's network policy controller (no --disable-network-policy)`
      : `${where}: flannel (backend ${backend}) with --disable-network-policy: k3s enforces no NetworkPolicy`,
    exact: true,
  };
}

/**
 * A dump that holds the cluster's kube-system (Pods or DaemonSets read back from it) and no node agent of the list:
 * the CNI is one kubetwin does not know, or none runs as a pod (minikube's and AKS kubenet's bridge plugin, GKE
 * without network policy enforcement). "Creating a NetworkPolicy resource without a controller that implements it
 * will have no effect" (https://kubernetes.io/docs/concepts/services-networking/network-policies/#prerequisites),
 * so whether policies are enforced is unknown (`cni.name: unknown`): they are evaluated as written, and what they
 * deny is unknown. Manifests without kube-system keep the default CNI, as a cluster would be asked to run them.
 */
function unknownAgent(objects: readonly RawObject[]): Inferred<Profile['cni']> | undefined {
  const system = objects.filter(
    (o) =>
      namespaceOf(o) === 'kube-system' &&
      isObserved(o) &&
      (isKind(o, 'Pod', '') || isKind(o, 'DaemonSet', 'apps')),
  );
  if (!system.length) return undefined;
  const pods = system.filter((o) => isKind(o, 'Pod', '')).length;
  const daemonSets = system.length - pods;
  const counted = [
    ...(pods ? [`${pods} Pod(s)`] : []),
    ...(daemonSets ? [`${daemonSets} DaemonSet(s)`] : []),
  ].join(' and ');
  return {
    value: { name: unknownCNI, enforcesNetworkPolicy: true },
    sources: system.slice(0, 3).map((o) => o.source),
    rule: `no CNI node agent kubetwin knows among the ${counted} read back from kube-system (and none elsewhere in the input)`,
    note: 'whether NetworkPolicy is enforced is unknown: connections the policies deny are answered unknown; name the CNI in the profile (cni: {name: …, enforcesNetworkPolicy: …})',
    exact: false,
  };
}

/** Does this agent, as this object runs it, enforce NetworkPolicy? */
function enforcesOf(agent: Agent, o: RawObject): boolean {
  if (!agent.enforcesWhen) return agent.enforcesNetworkPolicy;
  const spec = isKind(o, 'Pod', '') ? at(o.body, 'spec') : at(o.body, 'spec', 'template', 'spec');
  return agent.enforcesWhen([...asList(at(spec, 'containers')), ...asList(at(spec, 'initContainers'))]);
}

function agentOf(o: RawObject): Agent | undefined {
  if (isKind(o, 'DaemonSet', 'apps')) {
    const name = nameOf(o) ?? '';
    const images = asList(at(o.body, 'spec', 'template', 'spec', 'containers')).map((c) =>
      repository(at(c, 'image')),
    );
    return (
      agents.find((a) => a.daemonSets.includes(name)) ??
      agents.find((a) => images.some((i) => !!i && !!a.image?.test(i)))
    );
  }
  if (isKind(o, 'Pod', '')) {
    const owner = asList(at(o.body, 'metadata', 'ownerReferences')).find(
      (r) => at(r, 'kind') === 'DaemonSet',
    );
    const name = asString(at(owner, 'name'));
    return name ? agents.find((a) => a.daemonSets.includes(name)) : undefined;
  }
  return undefined;
}

const repository = (image: unknown): string =>
  typeof image === 'string' ? image.replace(/@.*$/, '').replace(/:[^/]*$/, '') : '';
const describe = (o: RawObject): string =>
  `${o.body.kind} ${asString(at(o.body, 'metadata', 'namespace')) ?? ''}/${nameOf(o)}`;

/**
 * The kube-proxy mode from its configuration (`KubeProxyConfiguration.mode` in the `kube-system/kube-proxy`
 * ConfigMap kubeadm writes); an empty mode is iptables on Linux. The IPVS scheduler from `ipvs.scheduler`.
 * https://kubernetes.io/docs/reference/config-api/kube-proxy-config.v1alpha1/
 */
export function inferKubeProxy(objects: readonly RawObject[]): Inferred<Profile['kubeProxy']> | undefined {
  const cm = findObject(objects, 'ConfigMap', 'kube-system', 'kube-proxy');
  const data = at(cm?.body, 'data');
  if (!cm || !data || typeof data !== 'object') return undefined;
  for (const [key, text] of Object.entries(data as Record<string, unknown>)) {
    if (typeof text !== 'string') continue;
    const m = /^mode:\s*["']?([A-Za-z]*)["']?\s*$/m.exec(text);
    if (!m) continue;
    const mode = (m[1] || 'iptables').toLowerCase();
    if (!['iptables', 'ipvs', 'nftables'].includes(mode)) return undefined;
    const scheduler = /^ipvs:\s*\n(?:[ \t]+.*\n)*?[ \t]+scheduler:\s*["']?([a-z]+)["']?/m.exec(text)?.[1];
    return {
      value: {
        mode: mode as KubeProxyMode,
        ...(mode === 'ipvs' && scheduler ? { ipvsScheduler: scheduler } : {}),
      },
      sources: [cm.locate(['data', key])],
      rule: `ConfigMap kube-system/kube-proxy data["${key}"] mode${m[1] ? '' : ' (empty: iptables, the Linux default)'}`,
      exact: true,
    };
  }
  return undefined;
}

/** A k3s node: its kubelet version carries the `+k3s` build suffix (`v1.30.4+k3s1`). https://docs.k3s.io/architecture */
export function isK3sKubelet(version: string | undefined): boolean {
  return version !== undefined && /\+k3s/.test(version);
}
