import type { Pod, PolicyRule } from '../../model/types.ts';

/**
 * Does an ingress rule admit TCP `port` (named ports resolved on the pod) from some peer? A rule with an empty peer
 * list admits no one; a port range (`endPort`) holds every port from `port` to `endPort`.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-range-of-ports
 */
export function admitsPort(rule: PolicyRule, port: number, pod: Pod): boolean {
  if (rule.peers !== 'all' && !rule.peers.length) return false;
  if (rule.ports === 'all') return true;
  return rule.ports.some((p) => {
    if (p.protocol !== 'TCP') return false;
    if (p.port === undefined) return true;
    const n = typeof p.port === 'number' ? p.port : pod.ports.find((c) => c.name === p.port)?.containerPort;
    return n !== undefined && (p.endPort !== undefined ? n <= port && port <= p.endPort : n === port);
  });
}
