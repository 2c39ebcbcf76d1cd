/**
 * Lab plans: the network a model describes, as Linux network namespaces, veth pairs, routes and nftables
 * scripts — data only, applied by `src/lab/apply`. See docs/lab.md.
 *
 * @example
 * const plan = planLab(model);
 * plan.commands[0]; // ['ip', '-n', 'kt-fabric', 'link', 'set', 'lo', 'up']
 */
import type { ClusterModel } from '../../model/types.ts';
import { planPolicy } from './_policy.ts';
import { planServices, servicePorts } from './_services.ts';
import { planTopology } from './_topology.ts';
import { dnsServiceOf, withServedPorts } from './_serve.ts';
import { planEtc } from './_etc.ts';
import type { LabNft, LabPlan, PlanOptions } from './types.ts';

export type * from './types.ts';
export { GATEWAY } from './_topology.ts';
export { REJECT } from './_policy.ts';

/** The default prefix of every namespace, link and nft table the lab creates. */
export const DEFAULT_PREFIX = 'kt-';

/**
 * The lab for a model: namespaces, links, routes, kube-proxy's nftables Service path and the per-pod policy
 * chains on every node. Deterministic: the same model gives the same plan.
 */
export function planLab(model: ClusterModel, options: PlanOptions = {}): LabPlan {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (!/^[a-z][a-z0-9-]{0,4}$/.test(prefix))
    throw new Error(`lab prefix "${prefix}" must be 1-5 lowercase letters, digits or dashes`);
  const topo = planTopology(model, prefix);
  const services = servicePorts(model).map(({ backends: _b, svc: _s, ...sp }) => sp);
  const dnsService = dnsServiceOf(model, services);
  const pods = withServedPorts(topo.pods, services, dnsService);
  const nft: LabNft[] = [];
  for (const node of topo.nodes) {
    const scripts = [planServices(model, node, `${prefix}kube-proxy`)];
    const policy = planPolicy(model, node, pods, pods, topo.nodes, `${prefix}policy`);
    if (policy) scripts.push(policy);
    nft.push({ netns: node.netns, script: scripts.join('\n') });
  }
  const limits: string[] = [];
  if (!model.profile.cni.enforcesNetworkPolicy)
    limits.push(
      `CNI ${model.profile.cni.name} does not enforce NetworkPolicy: the lab programs no policy chains`,
    );
  if (model.ciliumPolicies?.length && model.profile.cni.name === 'cilium')
    limits.push(
      `${model.ciliumPolicies.length} Cilium policies are not compiled (the lab has no Cilium datapath): verdicts of the pods they select are not compared`,
    );
  if (topo.skipped.length) limits.push(`${topo.skipped.length} pods are not built (see skipped)`);
  if (!dnsService)
    limits.push(
      `no Service at the cluster DNS address ${model.profile.dnsServiceIP} port 53: DNS lookups are not probed`,
    );
  if (topo.pods.some((p) => p.skippedPorts.length))
    limits.push('SCTP container ports are not served (the responder speaks TCP and UDP)');
  return {
    prefix,
    fabric: topo.fabric,
    nodes: topo.nodes,
    pods,
    services,
    ...(dnsService ? { dnsService } : {}),
    skipped: topo.skipped,
    limits,
    namespaces: topo.namespaces,
    commands: topo.commands,
    nft,
    etc: planEtc(model, pods),
  };
}
export * from './probes.ts';
export * from './_service-cases.ts';
export * from './_dns-cases.ts';
