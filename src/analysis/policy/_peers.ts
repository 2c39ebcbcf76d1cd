import {
  formatLabels,
  formatSelector,
  matches,
  type Labels,
  type Requirement,
  type Selector,
} from '../../lib/labels.ts';
import { parseIP, type IP } from '../../lib/ip.ts';
import type { PolicyPeer, Pod } from '../../model/types.ts';
import { blockContains, type CompiledBlock } from './_ip-blocks.ts';

/** The other end of a rule, as a peer sees it: a pod (with its namespace's labels), or a bare address. */
export type PeerTarget =
  | { readonly pod: Pod; readonly nsLabels: Labels; readonly parsed?: readonly (IP | undefined)[] }
  | { readonly pod?: undefined; readonly ip: string };

export interface PeerMatch {
  readonly matched: boolean;
  /** The peer is an ipBlock and matched a pod's IP — CNI-dependent; the upstream e2e suite expects it. */
  readonly ipBlockOnPod?: boolean;
}

/**
 * NetworkPolicyPeer semantics: `podSelector` alone selects pods in the policy's namespace; `namespaceSelector`
 * alone selects every pod of the matching namespaces; both in one element select the matching pods of the
 * matching namespaces (AND); `{}` selects everything in its scope; `ipBlock` matches addresses.
 * https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicyPeer
 */
export function peerMatches(
  peer: PolicyPeer,
  block: CompiledBlock | undefined,
  policyNamespace: string,
  target: PeerTarget,
): PeerMatch {
  if (peer.ipBlock) {
    if (!block) return { matched: false };
    const ips = target.pod ? (target.parsed ?? target.pod.ips.map(parseIP)) : [parseIP(target.ip)];
    const hit = ips.some((ip) => !!ip && blockContains(block, ip));
    return { matched: hit, ipBlockOnPod: hit && !!target.pod };
  }
  if (!target.pod) return { matched: false };
  const nsOk = peer.namespaceSelector
    ? matches(peer.namespaceSelector, target.nsLabels)
    : target.pod.namespace === policyNamespace;
  return { matched: nsOk && (!peer.podSelector || matches(peer.podSelector, target.pod.labels)) };
}

/** One line on why a peer did not match, naming the label or namespace at fault. */
export function peerMissReason(peer: PolicyPeer, policyNamespace: string, target: PeerTarget): string {
  if (peer.ipBlock) {
    const addr = target.pod ? `pod IP ${target.pod.ips.join(',') || '<none>'}` : target.ip;
    return `${addr} is not in ipBlock ${peer.ipBlock.cidr}${peer.ipBlock.except.length ? ` except ${peer.ipBlock.except.join(',')}` : ''}`;
  }
  if (!target.pod) return `${target.ip} is not a pod; podSelector and namespaceSelector match pods only`;
  const pod = target.pod;
  if (peer.namespaceSelector) {
    if (!matches(peer.namespaceSelector, target.nsLabels))
      return `namespace ${pod.namespace} does not match namespaceSelector {${formatSelector(peer.namespaceSelector)}}: ${requirementMiss(peer.namespaceSelector, target.nsLabels)}`;
  } else if (pod.namespace !== policyNamespace) {
    return `${pod.namespace}/${pod.name} is in namespace ${pod.namespace}; a podSelector without namespaceSelector selects only namespace ${policyNamespace}`;
  }
  if (peer.podSelector && !matches(peer.podSelector, pod.labels))
    return `pod ${pod.namespace}/${pod.name} does not match podSelector {${formatSelector(peer.podSelector)}}: ${requirementMiss(peer.podSelector, pod.labels)}`;
  return 'matched';
}

/** The first requirement the labels fail, in words. */
export function requirementMiss(selector: Selector, labels: Labels): string {
  if (selector.nothing) return 'the selector selects nothing';
  const r = selector.requirements.find((req) => !matches({ requirements: [req] }, labels)) as Requirement;
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const shown = `(labels: ${formatLabels(labels)})`;
  switch (r.operator) {
    case 'In':
      return has
        ? `label ${r.key}=${labels[r.key]}, wanted ${r.values.join(' or ')} ${shown}`
        : `label ${r.key} is missing ${shown}`;
    case 'NotIn':
      return `label ${r.key}=${labels[r.key]} is excluded ${shown}`;
    case 'Exists':
      return `label ${r.key} is missing ${shown}`;
    case 'DoesNotExist':
      return `label ${r.key} is present ${shown}`;
  }
}
