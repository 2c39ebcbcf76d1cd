import type { PolicyPort, Pod, Protocol } from '../../model/types.ts';

/**
 * Does a NetworkPolicyPort admit `port`/`protocol` at the destination? Protocol defaults to TCP (done by the
 * builder); no port means every port of that protocol; `endPort` makes an inclusive range; a named port is
 * resolved against the destination pod's container ports, so it never matches a destination that is not a pod.
 * https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec
 * (NetworkPolicyPort: port, endPort, protocol).
 */
export function portMatches(
  pp: PolicyPort,
  port: number,
  protocol: Protocol,
  destination: Pod | undefined,
): boolean {
  if (pp.protocol !== protocol) return false;
  if (pp.port === undefined) return true;
  if (typeof pp.port === 'number')
    return pp.endPort !== undefined ? port >= pp.port && port <= pp.endPort : port === pp.port;
  if (!destination) return false;
  for (const cp of destination.ports)
    if (cp.name === pp.port && cp.protocol === protocol && cp.containerPort === port) return true;
  return false;
}

/** `8100/TCP`, `8000-8100/TCP`, `http/TCP`, `all UDP` — as the explanations print a port. */
export function formatPolicyPort(pp: PolicyPort): string {
  if (pp.port === undefined) return `any ${pp.protocol} port`;
  return `${pp.port}${pp.endPort !== undefined ? `-${pp.endPort}` : ''}/${pp.protocol}`;
}

/** Why a port list did not admit the connection, naming what a named port resolved to. */
export function portMissReason(
  ports: readonly PolicyPort[],
  port: number,
  protocol: Protocol,
  destination: Pod | undefined,
): string {
  const listed = ports.map((pp) => {
    if (typeof pp.port !== 'string') return formatPolicyPort(pp);
    const hit = destination?.ports.find((cp) => cp.name === pp.port && cp.protocol === pp.protocol);
    return hit
      ? `${pp.port}/${pp.protocol} (= ${hit.containerPort} on the destination)`
      : `${pp.port}/${pp.protocol} (${destination ? 'no such named port on the destination' : 'named ports match pods only'})`;
  });
  return `port ${port}/${protocol} is not in [${listed.join(', ')}]`;
}
