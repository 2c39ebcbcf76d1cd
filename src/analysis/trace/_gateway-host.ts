/**
 * For a public name the profile's `externalHosts` does not list: the Gateways of the input that would take it — a
 * listener whose hostname matches it, or a route (HTTPRoute, GRPCRoute, TLSRoute) attached to the Gateway that names
 * it — with the Gateway's known address (`status.addresses` as kubetwin derives it, GEP-1762). kubetwin never queries
 * public DNS, so the trace still stops there; this only tells the user which address to give the name.
 * https://gateway-api.sigs.k8s.io/reference/spec/#gatewaystatus
 */
import { gatewayAddresses, gatewayHostMatch } from '../gateway/index.ts';
import type { ClusterModel } from '../../model/types.ts';

/** `Gateway ns/name (listener tls) at 198.51.100.40` for each Gateway that takes `host` and has an address. */
export function gatewaysTakingHost(
  model: ClusterModel,
  host: string,
): { readonly text: string; readonly address: string }[] {
  const routing = model.routing;
  if (!routing) return [];
  const h = host.toLowerCase();
  const routes = [...routing.routes, ...routing.l4Routes];
  return routing.gateways.flatMap((gw) => {
    const listeners = gw.listeners
      .filter((l) => l.hostname && gatewayHostMatch(l.hostname, h))
      .map((l) => `listener ${l.name}`);
    const named = routes
      .filter(
        (r) =>
          r.hostnames.some((x) => gatewayHostMatch(x, h)) &&
          r.parentRefs.some(
            (p) =>
              p.kind === 'Gateway' && p.name === gw.name && (p.namespace ?? r.namespace) === gw.namespace,
          ),
      )
      .map((r) => r.key);
    const address = gatewayAddresses(model, gw).addresses[0]?.value;
    if (!address || (!listeners.length && !named.length)) return [];
    return [
      {
        text: `Gateway ${gw.namespace}/${gw.name} (${[...listeners, ...named].join(', ')}) at ${address}`,
        address,
      },
    ];
  });
}

/**
 * The Gateway whose address (`status.addresses` as kubetwin derives it: `spec.addresses` or the profile's
 * `loadBalancers` entry) is `ip` and that listens on `port`, when no Service of the input carries that address: the
 * request reaches the Gateway's data plane, which the input does not hold, so the trace cannot follow it further.
 * https://gateway-api.sigs.k8s.io/reference/spec/#gatewaystatus
 */
export function gatewayAtAddress(
  model: ClusterModel,
  ip: string,
  port: number,
):
  | { readonly key: string; readonly namespace: string; readonly name: string; readonly from: string }
  | undefined {
  for (const gw of model.routing?.gateways ?? []) {
    if (!gw.listeners.some((l) => l.port === port)) continue;
    const a = gatewayAddresses(model, gw);
    if (a.addresses.some((x) => x.value === ip))
      return { key: gw.key, namespace: gw.namespace, name: gw.name, from: a.note ?? 'its status.addresses' };
  }
  return undefined;
}
