/**
 * A Pod object read alone, as the builder reads it among all the others: its envelope, draft and placement. The
 * result equals the pod's record in a full build only under the guards of `podAloneIsExact` (incremental.ts says
 * which); anything else is left to a full rebuild.
 */
import type { Diagnostic } from '../../model/diagnostic.ts';
import type { Node, Pod } from '../../model/types.ts';
import type { Profile } from '../../model/profile.ts';
import type { Envelope } from '../_envelope.ts';
import { expandWorkloads } from '../_workloads.ts';
import { placePods } from '../_placement.ts';

export interface PodAlone {
  /**
   * The pod placed alone on its bound node (`spec.nodeName`); absent for a pod bound to no node, whose place
   * depends on the other pods (it is never applied in place, so it is not placed here).
   */
  readonly pod?: Pod;
  /** The IPs came from `status.podIP`/`podIPs`, not from the twin's IPAM. */
  readonly explicit: boolean;
  readonly hostNetwork: boolean;
  /** `spec.nodeName`. */
  readonly boundNode?: string;
  /** `metadata.ownerReferences`, as JSON (compared between versions of the pod). */
  readonly owners: string;
  readonly hostIP: boolean;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * The pod of one Pod envelope, placed as if it were the only pod. Placement sees only the pod's bound node (a bound
 * pod stays on it, and a lone pod's address comes from that node's range alone), so reading every pod of a
 * cluster this way is linear in pods, not pods × nodes.
 */
export function podAlone(
  env: Envelope,
  nodes: readonly Node[],
  nodeByName: ReadonlyMap<string, Node>,
  profile: Profile,
): PodAlone | undefined {
  const diagnostics: Diagnostic[] = [];
  const sink = (d: Diagnostic) => diagnostics.push(d);
  const { pods: drafts } = expandWorkloads([env], nodes, sink);
  if (drafts.length !== 1) return undefined;
  const [draft] = drafts;
  const bound = draft.boundNode ? nodeByName.get(draft.boundNode) : undefined;
  const pod = draft.boundNode ? placePods(drafts, bound ? [bound] : [], profile, sink)[0] : undefined;
  const refs = env.f.get(['metadata', 'ownerReferences']);
  return {
    ...(pod ? { pod } : {}),
    explicit: draft.explicitIPs.length > 0,
    hostNetwork: draft.template.hostNetwork,
    ...(draft.boundNode ? { boundNode: draft.boundNode } : {}),
    owners: Array.isArray(refs) && refs.length ? JSON.stringify(refs) : '',
    hostIP: draft.hostIP !== undefined,
    diagnostics,
  };
}
