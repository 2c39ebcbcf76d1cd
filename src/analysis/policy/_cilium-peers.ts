import { formatSelector } from '../../lib/labels.ts';
import { parseIP } from '../../lib/ip.ts';
import { ciliumLabels, type CiliumPeer } from '../../model/cilium-policy.ts';
import type { Pod } from '../../model/types.ts';
import type { PodClass } from './_classes.ts';

/** One end of a connection as the Cilium tier sees it: a pod (with its class), or an address (maybe a node's). */
export interface CiliumTarget {
  readonly pod?: Pod;
  readonly cls?: PodClass;
  readonly ip?: string;
  /** The node whose address this is (or where the pod runs). */
  readonly node?: string;
  /** The outside name the connection was made to (`fqdn:NAME`). */
  readonly fqdn?: string;
}

/**
 * The entities a target belongs to, seen from the subject pod: every pod is `cluster`; a node address is `host`
 * on the subject's own node and `remote-node` elsewhere (hostNetwork pods included), both `cluster`; the
 * kube-apiserver's addresses are `kube-apiserver` too; any other address is `world` (`world-ipv4` or
 * `world-ipv6`). Everything is `all`. `health`, `init`, `ingress` and `unmanaged` name parties kubetwin does not
 * model. https://docs.cilium.io/en/stable/security/policy/language/#entities-based
 */
export function entitiesOf(
  subject: CiliumTarget,
  target: CiliumTarget,
  apiserver: ReadonlySet<string>,
): Set<string> {
  const out = new Set<string>(['all']);
  if (target.pod) {
    out.add('cluster');
    return out;
  }
  const ip = target.ip ?? '';
  if (target.node !== undefined) {
    out.add('cluster');
    out.add(target.node === subject.node ? 'host' : 'remote-node');
  } else {
    out.add('world');
    out.add(parseIP(ip)?.family === 6 ? 'world-ipv6' : 'world-ipv4');
  }
  if (apiserver.has(ip)) out.add('kube-apiserver');
  return out;
}

/** One line on why a Cilium peer did not match the target. */
export function peerMissReason(p: CiliumPeer, target: CiliumTarget, entities: ReadonlySet<string>): string {
  const who = target.pod
    ? `pod ${target.pod.namespace}/${target.pod.name}`
    : `${target.ip ?? '?'}${target.node !== undefined ? ` (node ${target.node})` : ''}`;
  const is = `${who} is ${[...entities].filter((e) => e !== 'all').join(', ') || 'all'}`;
  switch (p.kind) {
    case 'endpoints': {
      if (!target.pod) return `${who} is not a Cilium endpoint; endpoint selectors match pods`;
      const ns = p.selector.requirements.find((r) => r.key === ciliumLabels.namespace);
      if (ns?.operator === 'In' && !ns.values.includes(target.pod.namespace))
        return `${who} is in namespace ${target.pod.namespace}, and {${formatSelector(p.selector)}} selects namespace ${ns.values.join(' or ')} (a CiliumNetworkPolicy's selectors stay in its own namespace unless they name io.kubernetes.pod.namespace)`;
      return `${who} does not match {${formatSelector(p.selector)}}`;
    }
    case 'entity':
      return `${is}, not ${p.entity}`;
    case 'cidr':
      return entities.has('world')
        ? `${who} is not in ${p.cidr}${p.except.length ? ` except ${p.except.join(',')}` : ''}`
        : `${who} is in the cluster; CIDR rules never match pods or nodes under Cilium`;
    case 'nodes':
      return `${who} is not a node matching {${formatSelector(p.selector)}}`;
    case 'service':
      return `${who} is not a backend of ${p.name ? `Service ${p.namespace}/${p.name}` : `the Services {${formatSelector(p.selector!)}} in ${p.namespace}`}`;
    case 'fqdn':
      return entities.has('world')
        ? `${who} is not an address of ${p.matchName ?? p.matchPattern} known to the DNS proxy (the pod's egress needs a DNS rule admitting the lookup; names resolve through the profile's externalHosts)`
        : `${who} is in the cluster; toFQDNs selects outside addresses only`;
  }
}
