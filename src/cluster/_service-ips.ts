import { cidrAt, cidrContains, cidrSize, formatIP, parseCidr, type Cidr, type IP } from '../lib/ip.ts';
import { cidrList } from '../model/profile.ts';
import { BandAllocator } from './_allocator.ts';

export type IPFamily = 'IPv4' | 'IPv6';

export const familyOf = (ip: IP | string): IPFamily =>
  (typeof ip === 'string' ? ip.includes(':') : ip.family === 6) ? 'IPv6' : 'IPv4';

/**
 * ClusterIP ranges, one per family of `--service-cluster-ip-range` (primary first), each with a band allocator
 * (KEP-3070: a static lower band of min(max(16, size/16), 256) addresses, dynamic picks from the upper band first).
 * https://kubernetes.io/docs/concepts/services-networking/cluster-ip-allocation/
 */
export class ServiceIPs {
  readonly #ranges = new Map<IPFamily, { cidr: Cidr; alloc: BandAllocator }>();
  /** The cluster's service families, primary first. */
  readonly families: IPFamily[] = [];

  constructor(serviceCIDR: string) {
    for (const text of cidrList(serviceCIDR)) {
      const cidr = parseCidr(text) as Cidr;
      const family = cidr.family === 4 ? 'IPv4' : 'IPv6';
      const full = cidrSize(cidr);
      const size = Number(full > 2n ** 32n ? 2n ** 32n : full);
      // IPv4 loses the network and broadcast addresses; IPv6 only the subnet-router anycast (offset 0).
      const last = cidr.family === 4 || full <= 2n ** 32n ? size - (cidr.family === 4 ? 2 : 1) : size - 1;
      this.#ranges.set(family, {
        cidr,
        alloc: new BandAllocator(1, last, Math.min(Math.max(16, Math.floor(size / 16)), 256)),
      });
      this.families.push(family);
    }
  }

  /** Claims an explicit address: `out-of-range` when no service range holds it, `taken` when already claimed. */
  claim(ip: IP): 'ok' | 'out-of-range' | 'taken' {
    const range = this.#ranges.get(familyOf(ip));
    if (!range || !cidrContains(range.cidr, ip)) return 'out-of-range';
    return range.alloc.claim(Number(ip.value - range.cidr.base)) ? 'ok' : 'taken';
  }

  /** A free address of `family` for the Service with key `seed`; undefined when that range is full or absent. */
  allocate(family: IPFamily, seed: string): string | undefined {
    const range = this.#ranges.get(family);
    const offset = range?.alloc.allocate(seed);
    return range && offset !== undefined ? formatIP(cidrAt(range.cidr, BigInt(offset))) : undefined;
  }
}

export type IPFamilyPolicy = 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';

/**
 * The families a Service gets, as the API server defaults them: the policy (SingleStack unless set; headless
 * Services without a selector default to RequireDualStack on dual-stack clusters), the order of `ipFamilies`,
 * else of explicit `clusterIPs`, else the cluster's. Returns an error message when the request cannot be met.
 * https://kubernetes.io/docs/concepts/services-networking/dual-stack/#services
 */
export function resolveFamilies(
  request: {
    policy?: string;
    families: IPFamily[];
    explicitIPs: string[];
    headless: boolean;
    hasSelector: boolean;
  },
  cluster: readonly IPFamily[],
): { families: IPFamily[] } | { error: string } {
  const dualCluster = cluster.length > 1;
  const policy = (request.policy ??
    (request.headless && !request.hasSelector && dualCluster
      ? 'RequireDualStack'
      : 'SingleStack')) as IPFamilyPolicy;
  if (!['SingleStack', 'PreferDualStack', 'RequireDualStack'].includes(policy))
    return { error: `ipFamilyPolicy "${policy}" must be SingleStack, PreferDualStack or RequireDualStack` };
  const asked = request.families.length ? request.families : request.explicitIPs.map(familyOf);
  for (const f of asked)
    if (!cluster.includes(f)) return { error: `${f} is not configured in this cluster's service CIDR` };
  if (policy === 'RequireDualStack' && !dualCluster)
    return {
      error: 'ipFamilyPolicy RequireDualStack needs a dual-stack cluster (two service CIDRs in the profile)',
    };
  if (policy === 'SingleStack' && asked.length > 1)
    return { error: 'ipFamilyPolicy SingleStack allows one IP family' };
  const order = [...new Set([...asked, ...cluster])];
  return { families: policy === 'SingleStack' ? order.slice(0, 1) : order.slice(0, dualCluster ? 2 : 1) };
}
