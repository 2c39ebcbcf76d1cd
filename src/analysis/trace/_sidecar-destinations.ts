/**
 * Where a client's sidecar really connects when the host it was asked for is not where the request goes: Services
 * a route for an outside host sends to (the egress gateway pattern), and a ServiceEntry's own endpoints.
 */
import type { Pod } from '../../model/types.ts';
import type { TraceContext } from './_context.ts';
import { dnsHopsAnyFamily } from './_dns.ts';
import type { RoutedEndpoints, SidecarLeg } from './_mesh.ts';
import type { Target } from './_policy.ts';
import type { Hop } from './types.ts';

/** The endpoints a sidecar sends to within one Service, and the Service port it sends them on. */
export interface RoutedService {
  readonly ips: RoutedEndpoints;
  readonly port: number;
}

/**
 * A request for a host outside the Service registry that the client's sidecar routes to Kubernetes Services — the
 * egress gateway pattern, a VirtualService for the outside host whose `mesh` rule sends it to
 * `istio-egressgateway.istio-system` — goes to those Services' endpoints on the route's port, not to the address
 * the host resolves to: NetworkPolicy, mTLS and authorization are judged there. `services` is undefined when every
 * destination is outside (the trace goes on to the dialed address). A split between Services and outside hosts
 * follows the Services, and the hop says the outside share is not traced (unknown).
 * https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway/
 */
export function routedServices(leg: SidecarLeg): { hop: Hop; services?: Map<string, RoutedService> } {
  const ports = leg.servicePorts;
  if (!leg.allowed || !ports?.size) return { hop: leg.hop };
  const services = new Map<string, RoutedService>();
  for (const [ref, port] of ports) {
    const ips = leg.allowed.get(ref);
    if (ips) services.set(ref, { ips, port });
  }
  const others = [...leg.allowed.keys()].filter((k) => !ports.has(k));
  if (!others.length) return { hop: leg.hop, services };
  const why = `the route also sends a share to ${others.join(', ')} outside the cluster, which this trace does not follow`;
  return {
    hop: {
      ...leg.hop,
      verdict: leg.hop.verdict === 'ok' ? 'warn' : leg.hop.verdict,
      details: [...leg.hop.details, `unknown: ${why}`],
      unknown: [...(leg.hop.unknown ?? []), why],
    },
    services,
  };
}

/**
 * Where the sidecar connects for a ServiceEntry host: with `resolution: STATIC` or `DNS` and `endpoints` (or a
 * `workloadSelector`), or a `targetPort`, Envoy's cluster holds the entry's endpoints — it connects to those
 * addresses and ports (names resolved by DNS from the pod), not to the address the application resolved the
 * host to; NetworkPolicy is judged there. Undefined when that is the dialed address and port anyway, or for
 * `resolution: NONE` (the original destination). An endpoint kubetwin cannot place (a name that does not resolve in
 * the model, a WorkloadEntry without address) is left out with an unknown hop.
 * https://istio.io/latest/docs/reference/config/networking/service-entry/#ServiceEntry-Resolution
 */
export function entryTargets(
  ctx: TraceContext,
  pod: Pod,
  endpoints: readonly string[],
  dialed: { addresses: readonly string[]; port: number },
): { targets: Target[]; hop?: Hop } | undefined {
  if (!endpoints.length || endpoints.some((e) => e.startsWith('original destination'))) return undefined;
  const targets: Target[] = [];
  const unplaced: string[] = [];
  for (const e of endpoints) {
    const m = /^(?:\[(.+)\]|([^\s:]+)):(\d+)$/.exec(e);
    if (!m) {
      unplaced.push(e);
      continue;
    }
    const name = m[1] ?? m[2];
    const port = Number(m[3]);
    const ips =
      /^[\d.]+$/.test(name) || name.includes(':') ? [name] : dnsHopsAnyFamily(ctx, pod, name).addresses;
    if (!ips.length)
      unplaced.push(`${e} (the name does not resolve in the model: list it in the profile's externalHosts)`);
    for (const ip of ips) {
      const p = ctx.podByIP(ip);
      targets.push({ label: p ? `${p.namespace}/${p.name}` : `${name} ${ip}`, address: ip, port, pod: p });
    }
  }
  const same =
    !unplaced.length &&
    targets.length === dialed.addresses.length &&
    targets.every((t) => t.port === dialed.port && dialed.addresses.includes(t.address));
  if (same) return undefined;
  const why = unplaced.length
    ? `the sidecar also sends to ${unplaced.join(', ')}, which this trace does not follow`
    : undefined;
  return {
    targets,
    hop: {
      kind: 'sidecar',
      title: `ServiceEntry endpoints: the sidecar connects to ${targets.map((t) => `${t.address}:${t.port}`).join(', ') || 'none it can place'}`,
      verdict: why ? 'warn' : 'info',
      details: [
        "Envoy connects to the entry's endpoints, not to the address the application resolved: NetworkPolicy is judged there",
        ...(why ? [`unknown: ${why}`] : []),
      ],
      objects: [],
      ...(why ? { unknown: [why] } : {}),
    },
  };
}
