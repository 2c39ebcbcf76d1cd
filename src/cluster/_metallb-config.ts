/**
 * MetalLB's configuration as its controller and speakers read it: `IPAddressPool` (the addresses a LoadBalancer
 * Service may be given) and `L2Advertisement` / `BGPAdvertisement` (which pools the speakers announce).
 * API reference: https://metallb.universe.tf/apis/ (metallb.io/v1beta1); the fields' meaning:
 * https://metallb.universe.tf/configuration/ and .../configuration/_advanced_ipaddresspool_configuration/.
 *
 * - `spec.addresses[]`: a CIDR (`192.168.10.0/24`) or a range `first-last`, in the order written (the allocator
 *   walks them in that order: internal/allocator getFreeIPsFromPool);
 * - `spec.autoAssign` (default true): false keeps the pool for Services that ask for it by name or address;
 * - `spec.avoidBuggyIPs`: IPv4 addresses ending in .0 or .255 are never given (ipConfusesBuggyFirmwares);
 * - `spec.serviceAllocation`: `priority`, `namespaces`, `namespaceSelectors`, `serviceSelectors` pin the pool to
 *   some Services (internal/allocator pinnedPoolsForService, isPoolCompatibleWithService);
 * - a pool that does not parse, or pools that overlap, make MetalLB refuse the whole configuration (poolsFor,
 *   ParseCIDR: a CIDR, host bits allowed, or `first-last`; a bare address is no CIDR);
 * - an advertisement's `spec.ipAddressPools` (names) and `spec.ipAddressPoolSelectors` select pools; neither set
 *   selects every pool (internal/config: L2Advertisement/BGPAdvertisement "all pools when empty").
 * Pure.
 */
import type { Cidr } from '../lib/ip.ts';
import { parseCidr, parseIP } from '../lib/ip.ts';
import { matches, type Labels, type Selector } from '../lib/labels.ts';
import type { Envelope } from './_envelope.ts';
import { readSelector } from './_selectors.ts';

export const metallbGroup = 'metallb.io';

/** One contiguous block of a pool, first to last address inclusive, in one family. */
export interface PoolBlock {
  readonly family: 4 | 6;
  readonly first: bigint;
  readonly last: bigint;
}

export interface ServiceAllocation {
  /** 0 when unset: the lowest priority (sortPools). */
  readonly priority: number;
  readonly namespaces: readonly string[];
  readonly namespaceSelectors: readonly Selector[];
  readonly serviceSelectors: readonly Selector[];
}

export interface AddressPool {
  readonly env: Envelope;
  readonly name: string;
  /** `spec.addresses` as written. */
  readonly addresses: readonly string[];
  readonly blocks: readonly PoolBlock[];
  readonly autoAssign: boolean;
  readonly avoidBuggyIPs: boolean;
  readonly serviceAllocation?: ServiceAllocation;
  readonly labels: Labels;
}

export interface Advertisement {
  readonly kind: 'L2Advertisement' | 'BGPAdvertisement';
  readonly name: string;
  readonly poolNames: readonly string[];
  readonly poolSelectors: readonly Selector[];
}

export interface MetalLBConfig {
  readonly pools: readonly AddressPool[];
  readonly advertisements: readonly Advertisement[];
  /**
   * Why MetalLB refuses the whole configuration (a pool it cannot parse, overlapping pools): it then keeps the
   * configuration it had, which the input does not hold (internal/config poolsFor returns an error).
   */
  readonly refused?: string;
}

function blockOf(text: string): PoolBlock | undefined {
  const cidr: Cidr | undefined = parseCidr(text);
  if (cidr) {
    const size = 1n << BigInt((cidr.family === 4 ? 32 : 128) - cidr.prefix);
    return { family: cidr.family, first: cidr.base, last: cidr.base + size - 1n };
  }
  const dash = text.indexOf('-');
  if (dash < 0) return undefined;
  const first = parseIP(text.slice(0, dash).trim());
  const last = parseIP(text.slice(dash + 1).trim());
  if (!first || !last || first.family !== last.family || first.value > last.value) return undefined;
  return { family: first.family, first: first.value, last: last.value };
}

function readPool(env: Envelope): AddressPool | undefined {
  const { f } = env;
  const blocks: PoolBlock[] = [];
  const addresses: string[] = [];
  f.list(['spec', 'addresses']).forEach((_, i) => {
    const text = (f.str(['spec', 'addresses', i]) ?? '').trim();
    const block = blockOf(text);
    if (block) blocks.push(block);
    if (block) addresses.push(text);
    else
      f.report(
        'invalid-cidr',
        'error',
        ['spec', 'addresses', i],
        `addresses[${i}] "${text}" is neither a CIDR nor a range first-last of one family; MetalLB refuses the pool`,
        'Write a CIDR (192.168.10.0/24) or a range (192.168.9.1-192.168.9.5).',
      );
  });
  const selectors = (path: string[]) =>
    f
      .list(['spec', 'serviceAllocation', ...path])
      .map((_, i) => readSelector(f, ['spec', 'serviceAllocation', ...path, i]))
      .filter((s): s is Selector => !!s);
  const allocation = f.map(['spec', 'serviceAllocation'])
    ? {
        priority: f.int(['spec', 'serviceAllocation', 'priority']) ?? 0,
        namespaces: f
          .list(['spec', 'serviceAllocation', 'namespaces'])
          .map((_, i) => f.str(['spec', 'serviceAllocation', 'namespaces', i]) ?? ''),
        namespaceSelectors: selectors(['namespaceSelectors']),
        serviceSelectors: selectors(['serviceSelectors']),
      }
    : undefined;
  if (f.invalid) return undefined;
  return {
    env,
    name: env.name,
    addresses,
    blocks,
    autoAssign: f.bool(['spec', 'autoAssign']) ?? true,
    avoidBuggyIPs: f.bool(['spec', 'avoidBuggyIPs']) ?? false,
    ...(allocation ? { serviceAllocation: allocation } : {}),
    labels: env.labels,
  };
}

function readAdvertisement(env: Envelope): Advertisement | undefined {
  const { f } = env;
  const poolNames = f
    .list(['spec', 'ipAddressPools'])
    .map((_, i) => f.str(['spec', 'ipAddressPools', i]) ?? '');
  const poolSelectors = f
    .list(['spec', 'ipAddressPoolSelectors'])
    .map((_, i) => readSelector(f, ['spec', 'ipAddressPoolSelectors', i]))
    .filter((s): s is Selector => !!s);
  if (f.invalid) return undefined;
  return { kind: env.kind as Advertisement['kind'], name: env.name, poolNames, poolSelectors };
}

/** MetalLB's pools and advertisements among the objects, sorted by name; undefined when there is no pool. */
export function readMetalLB(envs: readonly Envelope[]): MetalLBConfig | undefined {
  const ours = envs.filter((e) => e.group === metallbGroup).sort((a, b) => (a.key < b.key ? -1 : 1));
  const poolEnvs = ours.filter((e) => e.kind === 'IPAddressPool');
  if (!poolEnvs.length) return undefined;
  const read = poolEnvs.map((e) => [e, readPool(e)] as const);
  const pools = read.flatMap(([, p]) => (p ? [p] : []));
  const broken = read.find(([, p]) => !p)?.[0];
  const overlap = overlapping(pools);
  const advertisements = ours
    .filter((e) => e.kind === 'L2Advertisement' || e.kind === 'BGPAdvertisement')
    .map(readAdvertisement)
    .filter((a): a is Advertisement => !!a);
  const refused = broken
    ? `IPAddressPool ${broken.name} is invalid`
    : overlap
      ? `IPAddressPools ${overlap[0]} and ${overlap[1]} overlap`
      : undefined;
  return { pools, advertisements, ...(refused ? { refused } : {}) };
}

/** Two pools (or one pool with itself) holding a common address, which MetalLB refuses. */
function overlapping(pools: readonly AddressPool[]): [string, string] | undefined {
  const all = pools.flatMap((p) => p.blocks.map((b) => ({ p, b })));
  for (let i = 0; i < all.length; i++)
    for (let j = i + 1; j < all.length; j++) {
      const { b: x } = all[i];
      const { b: y } = all[j];
      if (x.family === y.family && x.first <= y.last && y.first <= x.last)
        return [all[i].p.name, all[j].p.name];
    }
  return undefined;
}

/** The advertisements that announce a pool: those naming it, selecting its labels, or selecting no pool at all. */
export function announcing(config: MetalLBConfig, pool: AddressPool): Advertisement[] {
  return config.advertisements.filter(
    (a) =>
      (!a.poolNames.length && !a.poolSelectors.length) ||
      a.poolNames.includes(pool.name) ||
      a.poolSelectors.some((s) => matches(s, pool.labels)),
  );
}
