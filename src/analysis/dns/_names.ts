/** DNS name helpers: canonical forms, zones, reverse names, the dashed-IP labels Kubernetes DNS uses. */
import { canonicalIP, parseIP } from '../../lib/ip.ts';

/** Lowercase, absolute (one trailing dot). */
export function canonicalName(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
}

/** True when `name` equals `zone` or lies under it (both canonical). */
export function inZone(name: string, zone: string): boolean {
  return zone === '.' || name === zone || name.endsWith(`.${zone}`);
}

/** The most specific of `zones` that holds `name`, or undefined. */
export function bestZone(name: string, zones: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const z of zones) if (inZone(name, z) && (!best || z.length > best.length)) best = z;
  return best;
}

/** Labels of `name` left of `zone`, e.g. (`a.b.cluster.local.`, `cluster.local.`) → [`a`, `b`]. */
export function labelsBelow(name: string, zone: string): string[] {
  if (zone === '.') return name.split('.').filter(Boolean);
  const base = name.slice(0, name.length - zone.length);
  return base.split('.').filter(Boolean);
}

/** `10-244-1-5` for 10.244.1.5 and `fd00--5` for fd00::5: the endpoint label CoreDNS uses for an address. */
export function dashedIP(ip: string): string {
  return ip.replaceAll(ip.includes(':') ? ':' : '.', '-');
}

/**
 * Whether `label` is `dashedIP(ip)` or that lower-cased, decided without building either text (a query for an
 * endpoint name is compared with every endpoint of its Service). Addresses are ASCII; should one not be, the texts
 * are built and compared.
 */
export function isDashedIP(label: string, ip: string): boolean {
  const separator = ip.includes(':') ? 0x3a : 0x2e;
  let same = true;
  let sameLowered = true;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c > 0x7f) {
      const dashed = dashedIP(ip);
      return label === dashed || label === dashed.toLowerCase();
    }
    const d = c === separator ? 0x2d : c;
    const l = label.charCodeAt(i);
    same &&= l === d;
    sameLowered &&= l === (d >= 0x41 && d <= 0x5a ? d + 0x20 : d);
    if (!same && !sameLowered) return false;
  }
  return label.length === ip.length;
}

/**
 * An address from a pod label as the kubernetes plugin reads it: three dashes and no `--` is IPv4, otherwise
 * every dash is a colon. Undefined when the result is no address.
 * https://github.com/kubernetes/dns/blob/master/docs/specification.md#24---records-for-pods (pods insecure)
 */
export function ipFromDashed(label: string): string | undefined {
  const dashes = label.split('-').length - 1;
  const text =
    dashes === 3 && !label.includes('--') ? label.replaceAll('-', '.') : label.replaceAll('-', ':');
  return canonicalIP(text);
}

/** The `in-addr.arpa.` / `ip6.arpa.` name of an address (RFC 1035 §3.5, RFC 3596 §2.5). */
export function reverseName(ip: string): string | undefined {
  const parsed = parseIP(ip);
  if (!parsed) return undefined;
  if (parsed.family === 4) return `${ip.split('.').reverse().join('.')}.in-addr.arpa.`;
  return `${parsed.value.toString(16).padStart(32, '0').split('').reverse().join('.')}.ip6.arpa.`;
}

/** The address a full reverse name stands for; undefined for partial or malformed names. */
export function addressFromReverse(name: string): string | undefined {
  if (name.endsWith('.in-addr.arpa.')) {
    const parts = name.slice(0, -'.in-addr.arpa.'.length).split('.');
    if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p))) return undefined;
    return canonicalIP(parts.reverse().join('.'));
  }
  if (name.endsWith('.ip6.arpa.')) {
    const nibbles = name.slice(0, -'.ip6.arpa.'.length).split('.');
    if (nibbles.length !== 32 || nibbles.some((n) => !/^[0-9a-f]$/.test(n))) return undefined;
    const hex = nibbles.reverse().join('');
    return canonicalIP(hex.match(/.{4}/g)!.join(':'));
  }
  return undefined;
}

export function isReverse(name: string): boolean {
  return (
    name.endsWith('.in-addr.arpa.') ||
    name.endsWith('.ip6.arpa.') ||
    name === 'in-addr.arpa.' ||
    name === 'ip6.arpa.'
  );
}
