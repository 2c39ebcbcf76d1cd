import { formatIP, nonPublicIPv4, parseCidr } from '../../lib/ip.ts';
import type { Party } from '../policy/index.ts';

/**
 * `internet` as a set of addresses: the public IPv4 space cut at every ipBlock boundary, one representative
 * address per piece, so a verdict about "the internet" covers every public address exactly once.
 */
export function internetParties(
  cidrs: readonly string[],
): { readonly party: Extract<Party, { kind: 'ip' }>; readonly label: string }[] {
  const cuts = new Set<bigint>([0n, 1n << 32n]);
  const add = (text: string) => {
    const c = parseCidr(text);
    if (!c || c.family !== 4) return;
    cuts.add(c.base);
    cuts.add(c.base + (1n << BigInt(32 - c.prefix)));
  };
  cidrs.forEach(add);
  nonPublicIPv4.forEach(add);
  const points = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const blocked = nonPublicIPv4.map((s) => parseCidr(s)!);
  const out: { party: Extract<Party, { kind: 'ip' }>; label: string }[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i];
    if (blocked.some((b) => start >= b.base && start < b.base + (1n << BigInt(32 - b.prefix)))) continue;
    const first = formatIP({ family: 4, value: start });
    const last = formatIP({ family: 4, value: points[i + 1] - 1n });
    out.push({ party: { kind: 'ip', ip: first, label: 'internet' }, label: `internet ${first}-${last}` });
  }
  return out;
}
