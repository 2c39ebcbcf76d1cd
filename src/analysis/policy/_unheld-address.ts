import type { ClusterModel } from '../../model/types.ts';
import { cidrContains, cidrsOverlap, parseCidr, parseIP, type Cidr } from '../../lib/ip.ts';
import type { Party } from './types.ts';

/** The pod ranges of a model, parsed once: the profile's (`--cluster-cidr`) and each node's `podCIDRs`. */
const rangesOf = new WeakMap<ClusterModel, readonly Cidr[]>();
function podRanges(model: ClusterModel): readonly Cidr[] {
  let r = rangesOf.get(model);
  if (!r) {
    const texts = [...model.profile.podCIDR.split(','), ...model.nodes.flatMap((n) => n.podCIDRs)];
    const all = [...new Set(texts.map((t) => t.trim()))].map(parseCidr).filter((c): c is Cidr => !!c);
    // A node's range inside the cluster's adds nothing to test (hundreds of nodes, one check each per address).
    // Widest first, each kept unless a kept one holds it: one pass over the short kept list.
    const kept: Cidr[] = [];
    for (const c of all.sort((a, b) => a.prefix - b.prefix))
      if (!kept.some((w) => w.family === c.family && cidrsOverlap(w, c))) kept.push(c);
    r = kept;
    rangesOf.set(model, r);
  }
  return r;
}

/**
 * Why an address party may be judged wrongly: it lies in the cluster's pod range (`--cluster-cidr`, or a node's
 * `spec.podCIDRs`) yet no pod of the input holds it. The CNI hands these addresses to pods only
 * (https://kubernetes.io/docs/concepts/cluster-administration/networking/#the-kubernetes-network-model: "every Pod
 * in a cluster gets its own unique cluster-wide IP address"), so in the cluster it is most likely a pod the input
 * leaves out, whose labels and policies kubetwin does not know: judged as an outside address, the verdict could be
 * wrong either way. Undefined for a pod's address, a node's or a node device's (`device`), or one outside the pod
 * ranges.
 */
export function unheldPodAddress(model: ClusterModel, party: Party): string | undefined {
  if (party.kind !== 'ip' || party.device) return undefined;
  const ip = parseIP(party.ip);
  if (!ip) return undefined;
  const range = podRanges(model).find((c) => cidrContains(c, ip))?.text;
  // The range first: most addresses judged (the internet's) are outside it, and the pods need not be scanned.
  if (!range) return undefined;
  if (model.pods.some((p) => p.ips.includes(party.ip))) return undefined;
  if (model.nodes.some((n) => n.internalIP === party.ip)) return undefined;
  return `${party.ip} is in the pod range ${range} but no pod in the input holds it: the pod that does in the cluster (its labels, the policies that select it) is unknown to kubetwin, which judges it as an outside address`;
}
