/**
 * Cilium's LB IPAM as the load-balancer address allocator of the input: when it holds a `CiliumLoadBalancerIPPool`,
 * each LoadBalancer Service LB IPAM handles (no `spec.loadBalancerClass`, or `io.cilium/l2-announcer` /
 * `io.cilium/bgp-control-plane`) without an observed, profile or MetalLB address gets:
 * - the addresses it requests (`lbipam.cilium.io/ips`, comma-separated; else the legacy `io.cilium/lb-ipam-ips`;
 *   else `spec.loadBalancerIP`) when an enabled pool whose `serviceSelector` matches it holds each of them;
 * - otherwise an address of an enabled pool whose selector matches it — which one depends on the order the operator
 *   allocates (the documentation's example gets 20.0.10.163 from 20.0.10.0/24), so it is undetermined, within the
 *   pools' blocks; no such pool: pending ("There are no enabled CiliumLoadBalancerIPPools that match this service").
 * A serviceSelector reads the Service's labels and `io.kubernetes.service.namespace` / `io.kubernetes.service.name`.
 * Two Services requesting one address are undetermined unless they share a `lbipam.cilium.io/sharing-key` in one
 * namespace; a requested address in two pools (a conflict: the later pool is marked Conflicting) is undetermined.
 * https://docs.cilium.io/en/stable/network/lb-ipam/
 * Pure, apart from reporting through the Services' field readers.
 */
import { inAddressRange, parseCidr, parseIP } from '../lib/ip.ts';
import { matches, type Selector } from '../lib/labels.ts';
import type { Service } from '../model/types.ts';
import type { Envelope } from './_envelope.ts';
import { readSelector } from './_selectors.ts';

interface LbPool {
  readonly name: string;
  /** `cidr` or `start-stop`, as `inAddressRange` reads them. */
  readonly ranges: readonly string[];
  readonly selector?: Selector;
  readonly disabled: boolean;
}

const CLASSES = new Set(['io.cilium/l2-announcer', 'io.cilium/bgp-control-plane']);

function readPool(env: Envelope): LbPool | undefined {
  const { f } = env;
  const ranges: string[] = [];
  // `blocks` (v2alpha1 and v2); `cidrs`, its earlier name, holds the same entries.
  for (const field of ['blocks', 'cidrs'])
    f.list(['spec', field]).forEach((_, i) => {
      const cidr = f.str(['spec', field, i, 'cidr']);
      const start = f.str(['spec', field, i, 'start']);
      const stop = f.str(['spec', field, i, 'stop']) ?? start;
      if (cidr !== undefined && parseCidr(cidr)) ranges.push(cidr);
      else if (cidr === undefined && start && stop && parseIP(start) && parseIP(stop))
        ranges.push(`${start}-${stop}`);
      else
        f.report(
          'invalid-cidr',
          'error',
          ['spec', field, i],
          `${field}[${i}] is neither a CIDR (cidr) nor an address range (start, stop); Cilium refuses the pool`,
          'Write cidr: 192.168.10.0/24, or start: 192.168.9.1 and stop: 192.168.9.5.',
        );
    });
  const selector = f.map(['spec', 'serviceSelector'])
    ? readSelector(f, ['spec', 'serviceSelector'])
    : undefined;
  if (f.invalid) return undefined;
  return {
    name: env.name,
    ranges,
    ...(selector ? { selector } : {}),
    disabled: f.bool(['spec', 'disabled']) ?? false,
  };
}

/** The Services with LB IPAM's answers applied; `open` says which Services still lack an address. */
export function withCiliumLBIPAM(
  envs: readonly Envelope[],
  services: readonly Service[],
  envOf: (svc: Service) => Envelope,
  open: (svc: Service) => boolean,
): Service[] {
  const poolEnvs = envs
    .filter((e) => e.group === 'cilium.io' && e.kind === 'CiliumLoadBalancerIPPool')
    .sort((a, b) => (a.key < b.key ? -1 : 1));
  if (!poolEnvs.length) return [...services];
  const pools = poolEnvs.map(readPool).filter((p): p is LbPool => !!p);
  const enabled = pools.filter((p) => !p.disabled);
  const asked = services.filter(
    (s) => s.type === 'LoadBalancer' && open(s) && handled(envOf(s).f.str(['spec', 'loadBalancerClass'])),
  );
  const requests = new Map(asked.map((s) => [s.key, requested(s, envOf(s))]));
  return services.map((s) => {
    const want = requests.get(s.key);
    if (!want) return s;
    const f = envOf(s).f;
    const labels = {
      ...s.labels,
      'io.kubernetes.service.namespace': s.namespace,
      'io.kubernetes.service.name': s.name,
    };
    const mine = enabled.filter((p) => !p.selector || matches(p.selector, labels));
    const name = `LoadBalancer Service ${s.namespace}/${s.name}`;
    const pending = (reason: string, undetermined: boolean, within?: string[]): Service => {
      f.report(
        undetermined ? 'cilium-lb-ipam-undetermined' : 'cilium-lb-ipam-pending',
        undetermined ? 'info' : 'warning',
        ['spec', 'type'],
        `${name}: ${reason}`,
        undetermined
          ? 'Request the address with the lbipam.cilium.io/ips annotation, or give the observed status.loadBalancer.ingress (a cluster dump).'
          : 'Label the Service for a pool (serviceSelector), or fix the requested addresses or the CiliumLoadBalancerIPPools.',
      );
      return {
        ...s,
        loadBalancerIngress: [],
        loadBalancerPending: {
          reason,
          undetermined,
          controller: 'Cilium LB IPAM',
          ...(within ? { within } : {}),
        },
      };
    };
    if (!mine.length)
      return pending(
        'Cilium LB IPAM assigns no address: there are no enabled CiliumLoadBalancerIPPools that match this service',
        false,
      );
    if (!want.length) {
      const within = mine.flatMap((p) => p.ranges);
      return pending(
        `Cilium LB IPAM gives an address of CiliumLoadBalancerIPPool ${mine.map((p) => p.name).join(', ')}; which one depends on the order its operator allocates`,
        true,
        within,
      );
    }
    const outside = want.filter((ip) => !mine.some((p) => p.ranges.some((r) => inAddressRange(r, ip))));
    if (outside.length)
      return pending(
        `Cilium LB IPAM assigns no address: ${outside.join(', ')} is in no enabled CiliumLoadBalancerIPPool that matches this service`,
        false,
      );
    const conflict = want.find(
      (ip) => pools.filter((p) => p.ranges.some((r) => inAddressRange(r, ip))).length > 1,
    );
    if (conflict)
      return pending(
        `${conflict} is in more than one CiliumLoadBalancerIPPool: LB IPAM marks the later pool Conflicting, and the input does not say which came first`,
        true,
        want,
      );
    const key = s.annotations['lbipam.cilium.io/sharing-key'];
    const rival = asked.find(
      (o) =>
        o !== s &&
        requests.get(o.key)!.some((ip) => want.includes(ip)) &&
        (key === undefined ||
          o.annotations['lbipam.cilium.io/sharing-key'] !== key ||
          o.namespace !== s.namespace),
    );
    if (rival)
      return pending(
        `Service ${rival.namespace}/${rival.name} requests the same address without this Service's sharing key (lbipam.cilium.io/sharing-key): the first one LB IPAM sees gets it`,
        true,
        want,
      );
    return { ...s, loadBalancerIngress: want };
  });
}

/** LB IPAM allocates for Services with no class and for Cilium's own classes (docs: "LoadBalancerClass"). */
function handled(lbClass: string | undefined): boolean {
  return lbClass === undefined || CLASSES.has(lbClass);
}

/** The addresses a Service requests: `lbipam.cilium.io/ips`, else `io.cilium/lb-ipam-ips`, else `spec.loadBalancerIP`. */
function requested(s: Service, env: Envelope): string[] {
  const text =
    s.annotations['lbipam.cilium.io/ips'] ??
    s.annotations['io.cilium/lb-ipam-ips'] ??
    env.f.str(['spec', 'loadBalancerIP']);
  return (text ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}
