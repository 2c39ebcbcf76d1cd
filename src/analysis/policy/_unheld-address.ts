import type { ClusterModel } from '../../model/types.ts';
import { cidrContains, parseCidr, parseIP } from '../../lib/ip.ts';
import type { Party } from './types.ts';

/**
 * Why an address party may be judged wrongly: it lies in the cluster's pod range (`--cluster-cidr`, or a node's
 * `spec.podCIDRs`) yet no pod of the input holds it. The CNI hands these addresses to pods only
 * (https://kubernetes.io/docs/concepts/cluster-administration/networking/#the-kubernetes-network-model: "every Pod
 * in a cluster gets its own unique cluster-wide IP address"), so in the cluster it is most likely a pod the input
 * leaves out, whose labels and policies kubetwin does not know: judged as an outside address, the verdict could be
 * wrong either way. Undefined for a pod's address, a node's, or one outside the pod ranges.
 */
export function unheldPodAddress(model: ClusterModel, party: Party): string | undefined {
  if (party.kind !== 'ip') return undefined;
  const ip = parseIP(party.ip);
  if (!ip) return undefined;
  const ranges = [...model.profile.podCIDR.split(','), ...model.nodes.flatMap((n) => n.podCIDRs)].map((t) =>
    t.trim(),
  );
  const range = ranges.find((t) => {
    const c = parseCidr(t);
    return c && cidrContains(c, ip);
  });
  // The range first: most addresses judged (the internet's) are outside it, and the pods need not be scanned.
  if (!range) return undefined;
  if (model.pods.some((p) => p.ips.includes(party.ip))) return undefined;
  if (model.nodes.some((n) => n.internalIP === party.ip)) return undefined;
  return `${party.ip} is in the pod range ${range} but no pod in the input holds it: the pod that does in the cluster (its labels, the policies that select it) is unknown to kubetwin, which judges it as an outside address`;
}
