import type { Gateway, GatewayAddress } from '../../model/routing.ts';
import type { ClusterModel } from '../../model/types.ts';
import { parseIP } from '../../lib/ip.ts';

/** Label the resources a controller provisions for a Gateway carry (GEP-1762). */
export const gatewayNameLabel = 'gateway.networking.k8s.io/gateway-name';

export interface AddressesResult {
  readonly addresses: readonly GatewayAddress[];
  /** Where the addresses came from, or why there are none. */
  readonly note?: string;
}

const asAddress = (value: string): GatewayAddress => ({
  type: parseIP(value) ? 'IPAddress' : 'Hostname',
  value,
});

/**
 * `status.addresses` of a Gateway: the `spec.addresses` of type IPAddress or Hostname, which "the
 * implementation MUST bind all Listeners to" (a NamedAddress is resolved by the implementation, so it is named
 * in a note, not listed); without any, the load balancer of the Service provisioned for the Gateway (labelled
 * `gateway.networking.k8s.io/gateway-name`, GEP-1762) or the profile's `loadBalancers` entry under the
 * Gateway's `namespace/name`.
 * https://gateway-api.sigs.k8s.io/reference/spec/#gatewayspec
 * https://gateway-api.sigs.k8s.io/geps/gep-1762/
 */
export function gatewayAddresses(model: ClusterModel, gw: Gateway): AddressesResult {
  const requested = gw.addresses ?? [];
  if (requested.length) {
    const listed = requested.filter((a) => a.type === 'IPAddress' || a.type === 'Hostname');
    const named = requested.filter((a) => a.type === 'NamedAddress');
    return {
      addresses: listed,
      note: named.length
        ? `NamedAddress ${named.map((a) => a.value).join(', ')} is resolved by the implementation: kubetwin cannot tell which address it stands for`
        : 'requested in spec.addresses (kubetwin assumes the implementation can assign them)',
    };
  }
  const services = model.services.filter(
    (s) =>
      s.namespace === gw.namespace && s.labels[gatewayNameLabel] === gw.name && s.loadBalancerIngress.length,
  );
  if (services.length)
    return {
      addresses: [...new Set(services.flatMap((s) => s.loadBalancerIngress))].sort().map(asAddress),
      note: `load balancer of ${services.map((s) => `Service ${s.namespace}/${s.name}`).join(', ')}`,
    };
  const fromProfile = model.profile.loadBalancers[`${gw.namespace}/${gw.name}`];
  if (fromProfile)
    return { addresses: [asAddress(fromProfile)], note: "the profile's loadBalancers entry for the Gateway" };
  return {
    addresses: [],
    note: `no address known: the controller assigns one (give it as spec.addresses or the profile's loadBalancers["${gw.namespace}/${gw.name}"])`,
  };
}
