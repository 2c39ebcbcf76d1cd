import type { Diagnostic, DiagnosticBag } from '../model/diagnostic.ts';
import type { Profile } from '../model/profile.ts';
import { byNamespaceName } from '../model/keys.ts';
import type { Envelope } from './_envelope.ts';
import { buildNodes } from './_nodes.ts';
import { expandWorkloads } from './_workloads.ts';
import { placePods } from './_placement.ts';
import { readPriorityClasses } from './_priority.ts';
import { defaultNodesNeeded, podCidrNodeCapacity, withDefaultNodes } from './_default-nodes.ts';
import type { PodPhases } from './_reuse.ts';

/**
 * The pod phases of a build: nodes, workloads expanded into pods (the default cluster grown until they fit),
 * pods placed. They read the Node, Pod, workload, HorizontalPodAutoscaler and PriorityClass objects and the
 * profile, and nothing else (`BuildMemo` relies on it). `bag` holds what the build raised so far: the second pass
 * over a grown default cluster raises nothing already said.
 */
export function buildPods(
  envs: readonly Envelope[],
  start: Profile,
  { bag, sink, maxPods }: { bag: DiagnosticBag; sink: (d: Diagnostic) => void; maxPods?: number },
): PodPhases {
  let profile = start;
  let nodes = buildNodes(envs, profile, sink);
  let { workloads, pods: drafts } = expandWorkloads(envs, nodes, sink, { maxPods });
  const wanted = defaultNodesNeeded(profile, nodes, drafts);
  const capacity = podCidrNodeCapacity(profile);
  const needed = wanted > capacity ? (capacity > nodes.length ? capacity : 0) : wanted;
  if (wanted > capacity)
    sink({
      code: 'pod-cidr-exhausted',
      severity: 'error',
      message: `${drafts.length} pods need ${wanted} nodes of ${profile.maxPodsPerNode} pods (maxPodsPerNode), but the pod CIDR ${profile.podCIDR} holds ranges (/${profile.nodeCIDRMaskSize}) for ${capacity} nodes; the default cluster stops at ${Math.max(capacity, nodes.length)} nodes and the other pods stay Pending without an IP`,
      source: drafts[0]?.source,
      hint: 'Lower the replica counts, or widen podCIDR or the node CIDR mask size in the profile.',
    });
  if (needed) {
    // The default cluster grows until every pod fits; DaemonSets then run on the added nodes too. The second
    // pass reports nothing the first did not.
    const before = nodes.length;
    profile = withDefaultNodes(profile, needed);
    const said = new Set(bag.list().map((d) => JSON.stringify(d)));
    const again = (d: Diagnostic) => (said.has(JSON.stringify(d)) ? undefined : sink(d));
    nodes = buildNodes(envs, profile, again);
    ({ workloads, pods: drafts } = expandWorkloads(envs, nodes, again, { maxPods }));
    sink({
      code: 'default-nodes-added',
      severity: 'info',
      message: `the input and the profile list no nodes, and ${drafts.length} pods do not fit on the default ${before} nodes (maxPodsPerNode ${profile.maxPodsPerNode}); the default cluster has ${needed} nodes`,
      source: drafts[0]?.source,
      hint: 'List your nodes in the profile (nodes:) or add Node objects for a cluster of your own size.',
    });
  }
  const pods = placePods(drafts, nodes, profile, sink, { priorities: readPriorityClasses(envs) });
  return { profile, nodes, workloads, placed: pods, sorted: [...pods].sort(byNamespaceName) };
}
