/**
 * Which address MetalLB's controller gives a LoadBalancer Service, from the pools in the input, following
 * github.com/metallb/metallb controller/service.go (convergeBalancer, allocateIPs, getDesiredLbIPs) and
 * internal/allocator/allocator.go (Allocate, pinnedPoolsForService, isPoolCompatibleWithService, sortPools,
 * getIPFromCIDR):
 *
 * - a Service with `spec.loadBalancerClass` is not MetalLB's (unless it runs with `--lb-class`, which the input
 *   does not say): undetermined;
 * - requested addresses: the `metallb.io/loadBalancerIPs` annotation (else the deprecated
 *   `metallb.universe.tf/loadBalancerIPs`), comma-separated, or `spec.loadBalancerIP`; both set is refused. They
 *   are given when one pool holds them all (autoAssign does not matter), that pool admits the Service, and the
 *   `metallb.io/address-pool` annotation, if any, names that pool;
 * - `metallb.io/address-pool`: the first free address of that pool (unknown pool: refused);
 * - otherwise the pinned pools (serviceAllocation admitting the Service, autoAssign, by priority, lower first, 0
 *   last), else any autoAssign pool without serviceAllocation: the first free address of the first such pool;
 * - free: not requested by another Service, and not .0/.255 in an `avoidBuggyIPs` pool; a requested address is not
 *   reserved (a Service drawing automatically may take it first).
 *
 * What the input cannot decide is said, never guessed: two pools of equal rank (MetalLB walks a Go map, in random
 * order), two Services drawing from one pool (the first Service the controller sees gets the first address), two
 * Services requesting one address without a common `allow-shared-ip` key.
 * Pure.
 */
import { formatIP, parseIP, type IP } from '../lib/ip.ts';
import { matches, type Labels } from '../lib/labels.ts';
import type { AddressPool, MetalLBConfig } from './_metallb-config.ts';

/** What the controller would do with one Service. */
export type MetalLBAnswer =
  | { readonly kind: 'assigned'; readonly addresses: readonly string[]; readonly pool: AddressPool }
  | { readonly kind: 'refused'; readonly reason: string }
  | {
      readonly kind: 'undetermined';
      readonly reason: string;
      /** The pools the address comes from; undefined when it may be any address. */
      readonly pools?: readonly AddressPool[];
    };

/** The slice of a Service the controller reads. */
export interface MetalLBService {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, string>>;
  readonly loadBalancerIP?: string;
  readonly loadBalancerClass?: string;
  readonly families: readonly ('IPv4' | 'IPv6')[];
  readonly familyPolicy: string;
}

const annotation = (svc: MetalLBService, name: string): string | undefined =>
  svc.annotations[`metallb.io/${name}`] ?? svc.annotations[`metallb.universe.tf/${name}`];

const familyOf = (f: 'IPv4' | 'IPv6'): 4 | 6 => (f === 'IPv4' ? 4 : 6);

const buggy = (pool: AddressPool, ip: IP) =>
  pool.avoidBuggyIPs && ip.family === 4 && ((ip.value & 255n) === 0n || (ip.value & 255n) === 255n);

const holds = (pool: AddressPool, ip: IP) =>
  !buggy(pool, ip) &&
  pool.blocks.some((b) => b.family === ip.family && ip.value >= b.first && ip.value <= b.last);

function admits(pool: AddressPool, svc: MetalLBService): boolean {
  const a = pool.serviceAllocation;
  if (!a) return true;
  if (a.namespaces.length && !a.namespaces.includes(svc.namespace)) return false;
  return !a.serviceSelectors.length || a.serviceSelectors.some((s) => matches(s, svc.labels));
}

/** The pools pinned to the Service (pinnedPoolsForService), by priority. */
function pinned(config: MetalLBConfig, svc: MetalLBService, nsLabels: Labels): AddressPool[] {
  return config.pools
    .filter((p) => {
      const a = p.serviceAllocation;
      if (!a || !p.autoAssign || !admits(p, svc)) return false;
      const byNamespace =
        a.namespaces.includes(svc.namespace) || a.namespaceSelectors.some((s) => matches(s, nsLabels));
      return byNamespace || a.serviceSelectors.length > 0;
    })
    .sort((x, y) => rank(x) - rank(y));
}

const rank = (p: AddressPool) => p.serviceAllocation?.priority || Number.MAX_SAFE_INTEGER;

/** The families the Service needs an address of, first the primary. */
function wanted(svc: MetalLBService, pool: AddressPool): (4 | 6)[] {
  const fams = svc.families.map(familyOf);
  if (svc.familyPolicy === 'PreferDualStack' && fams.length === 2)
    return fams.filter((f) => pool.blocks.some((b) => b.family === f));
  return fams;
}

const covers = (pool: AddressPool, svc: MetalLBService) => {
  const fams = wanted(svc, pool);
  return fams.length > 0 && fams.every((f) => pool.blocks.some((b) => b.family === f));
};

function firstFree(pool: AddressPool, family: 4 | 6, taken: ReadonlySet<string>): string | undefined {
  for (const b of pool.blocks) {
    if (b.family !== family) continue;
    for (let v = b.first; v <= b.last; v++) {
      const ip = { family, value: v };
      if (!buggy(pool, ip) && !taken.has(formatIP(ip))) return formatIP(ip);
    }
  }
  return undefined;
}

interface Plan {
  readonly svc: MetalLBService;
  readonly requested?: readonly string[];
  readonly pool?: AddressPool;
  readonly answer?: MetalLBAnswer;
}

function plan(config: MetalLBConfig, svc: MetalLBService, nsLabels: Labels): Plan {
  const undetermined = (reason: string): Plan => ({ svc, answer: { kind: 'undetermined', reason } });
  const refused = (reason: string): Plan => ({ svc, answer: { kind: 'refused', reason } });
  if (svc.loadBalancerClass !== undefined)
    return undetermined(
      `spec.loadBalancerClass is "${svc.loadBalancerClass}": MetalLB leaves such a Service to another controller unless it runs with --lb-class=${svc.loadBalancerClass}, which the input does not say`,
    );
  const poolName = annotation(svc, 'address-pool');
  const ipsText = annotation(svc, 'loadBalancerIPs');
  if (ipsText && svc.loadBalancerIP)
    return refused('it has both the metallb.io/loadBalancerIPs annotation and spec.loadBalancerIP');
  const requestedText = ipsText
    ? ipsText.split(',').map((s) => s.trim())
    : svc.loadBalancerIP
      ? [svc.loadBalancerIP]
      : [];
  if (requestedText.length) {
    const ips = requestedText.map(parseIP);
    if (ips.some((ip) => !ip))
      return refused(`the requested address "${requestedText.join(',')}" is not an IP`);
    const fams = (ips as IP[]).map((ip) => ip.family).sort();
    const svcFams = svc.families.map(familyOf).sort();
    if (fams.join() !== svcFams.join())
      return refused(
        `the requested address ${requestedText.join(',')} does not match the Service's IP families`,
      );
    const pool = config.pools.find((p) => (ips as IP[]).every((ip) => holds(p, ip)));
    if (!pool) return refused(`the requested address ${requestedText.join(',')} is in no IPAddressPool`);
    if (!admits(pool, svc))
      return refused(
        `IPAddressPool ${pool.name}, which holds ${requestedText.join(',')}, does not admit the Service (spec.serviceAllocation)`,
      );
    if (poolName && poolName !== pool.name)
      return refused(
        `the requested address ${requestedText.join(',')} is not in the requested pool ${poolName}`,
      );
    return { svc, requested: (ips as IP[]).map(formatIP), pool };
  }
  if (poolName) {
    const pool = config.pools.find((p) => p.name === poolName);
    if (!pool)
      return refused(
        `the metallb.io/address-pool annotation names ${poolName}, which is not among the IPAddressPools`,
      );
    if (!admits(pool, svc))
      return refused(`IPAddressPool ${poolName} does not admit the Service (spec.serviceAllocation)`);
    return { svc, pool };
  }
  const pins = pinned(config, svc, nsLabels).filter((p) => covers(p, svc));
  const open = config.pools.filter((p) => p.autoAssign && !p.serviceAllocation && covers(p, svc));
  const candidates = pins.length ? pins : open;
  if (!candidates.length)
    return refused('no IPAddressPool that assigns automatically admits it with an address of its IP family');
  const tied = candidates.filter((p) => rank(p) === rank(candidates[0]));
  if (tied.length > 1)
    return {
      svc,
      answer: {
        kind: 'undetermined',
        reason: `IPAddressPools ${tied.map((p) => p.name).join(', ')} are equally eligible and MetalLB picks among them in no fixed order`,
        pools: tied,
      },
    };
  return { svc, pool: candidates[0] };
}

/**
 * The controller's answer for each LoadBalancer Service without an observed address, by Service key.
 * `nsLabels` gives each namespace's labels (for `namespaceSelectors`).
 */
export function assignMetalLB(
  config: MetalLBConfig,
  services: readonly MetalLBService[],
  nsLabels: (namespace: string) => Labels,
): Map<string, MetalLBAnswer> {
  if (config.refused) {
    const reason = `MetalLB refuses its configuration (${config.refused}) and keeps the one it had, which the input does not hold`;
    return new Map(services.map((s) => [s.key, { kind: 'undetermined', reason }]));
  }
  const plans = services.map((s) => plan(config, s, nsLabels(s.namespace)));
  const out = new Map<string, MetalLBAnswer>();
  const requestedBy = new Map<string, Plan[]>();
  for (const p of plans)
    for (const ip of p.requested ?? []) requestedBy.set(ip, [...(requestedBy.get(ip) ?? []), p]);
  const taken = new Set(requestedBy.keys());
  // A requested address is not reserved: a Service drawing automatically whose first free address another Service
  // requests takes it if MetalLB sees it first (and the request then fails), so both depend on the order.
  const firstOf = (p: Plan) =>
    !p.answer && !p.requested && p.pool
      ? wanted(p.svc, p.pool).flatMap((f) => firstFree(p.pool as AddressPool, f, new Set()) ?? [])
      : [];
  const contested = new Map<string, Plan>();
  for (const p of plans) for (const ip of firstOf(p)) if (taken.has(ip)) contested.set(ip, p);
  for (const p of plans) {
    const contender = (p.requested ?? []).map((ip) => contested.get(ip)).find((q) => q);
    const wantedTaken = firstOf(p).find((ip) => contested.get(ip) === p);
    if (p.answer) out.set(p.svc.key, p.answer);
    else if (contender && p.pool)
      out.set(p.svc.key, {
        kind: 'undetermined',
        reason: `Service ${contender.svc.namespace}/${contender.svc.name} draws from IPAddressPool ${contender.pool?.name} automatically and its first address is the one this Service requests: whichever MetalLB sees first takes it`,
        pools: [p.pool],
      });
    else if (wantedTaken && p.pool) {
      const by = (requestedBy.get(wantedTaken) ?? [])[0];
      out.set(p.svc.key, {
        kind: 'undetermined',
        reason: `the first address of IPAddressPool ${p.pool.name}, ${wantedTaken}, is requested by Service ${by.svc.namespace}/${by.svc.name}: this Service gets it if MetalLB sees it first, the next free one otherwise`,
        pools: [p.pool],
      });
    } else if (p.requested && p.pool) {
      const rivals = p.requested.flatMap((ip) => (requestedBy.get(ip) ?? []).filter((q) => q !== p));
      const key = annotation(p.svc, 'allow-shared-ip');
      const shared = rivals.every((q) => key && annotation(q.svc, 'allow-shared-ip') === key);
      out.set(
        p.svc.key,
        rivals.length && !shared
          ? {
              kind: 'undetermined',
              reason: `Service ${rivals[0].svc.namespace}/${rivals[0].svc.name} requests ${p.requested.join(',')} too, without a common metallb.io/allow-shared-ip key: MetalLB gives it to the first it sees`,
              pools: [p.pool],
            }
          : { kind: 'assigned', addresses: p.requested, pool: p.pool },
      );
    } else if (p.pool) {
      const pool = p.pool;
      const rivals = plans.filter((q) => q !== p && !q.answer && !q.requested && q.pool === pool);
      if (rivals.length) {
        out.set(p.svc.key, {
          kind: 'undetermined',
          reason: `it and ${rivals.map((q) => `${q.svc.namespace}/${q.svc.name}`).join(', ')} draw from IPAddressPool ${pool.name}; each gets the first free address in the order MetalLB sees them, which the input does not give`,
          pools: [pool],
        });
        continue;
      }
      const addresses = wanted(p.svc, pool).map((f) => firstFree(pool, f, taken));
      if (addresses.some((a) => !a))
        out.set(p.svc.key, {
          kind: 'refused',
          reason: `IPAddressPool ${pool.name} has no free address left`,
        });
      else out.set(p.svc.key, { kind: 'assigned', addresses: addresses as string[], pool });
    }
  }
  return out;
}
