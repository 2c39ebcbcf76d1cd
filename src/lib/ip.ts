import ipaddr from 'ipaddr.js';

/** An IP address as a family and an unsigned integer, so ranges and sets are arithmetic. */
export interface IP {
  readonly family: 4 | 6;
  readonly value: bigint;
}

/** A CIDR block; `base` has the host bits cleared, `hostBitsSet` remembers that the text had some. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly base: bigint;
  readonly prefix: number;
  readonly text: string;
  readonly hostBitsSet: boolean;
}

const bits = (family: 4 | 6): number => (family === 4 ? 32 : 128);

/**
 * The value of a dotted quad: four decimal octets of at most 255 without leading zeros (`10.0.0.1`, not
 * `010.0.0.1` or `10.0.1`), the addresses ipaddr.js's `isValidFourPartDecimal` accepts, read without its regular
 * expressions (addresses are parsed by the hundred thousand). Undefined for any other text.
 */
export function dottedQuad(text: string): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || ++dots > 3) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits === 1 && octet === 0) return undefined;
      octet = octet * 10 + (c - 0x30);
      digits++;
      if (octet > 255) return undefined;
    } else return undefined;
  }
  return digits && dots === 3 ? value * 256 + octet : undefined;
}

/** Parses a dotted-quad IPv4 or an RFC 5952 IPv6 address; undefined when it is not one. */
export function parseIP(text: string): IP | undefined {
  const v4 = dottedQuad(text);
  if (v4 !== undefined) return { family: 4, value: BigInt(v4) };
  if (text.includes(':') && ipaddr.IPv6.isValid(text) && !text.includes('%')) {
    let v = 0n;
    for (const byte of ipaddr.IPv6.parse(text).toByteArray()) v = (v << 8n) | BigInt(byte);
    return { family: 6, value: v };
  }
  return undefined;
}

/** Formats an address canonically (IPv6 compressed, lowercase), as Kubernetes stores them. */
export function formatIP(ip: IP): string {
  if (ip.family === 4) {
    const v = Number(ip.value);
    return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  const bytes: number[] = [];
  for (let i = 15; i >= 0; i--) bytes.push(Number((ip.value >> BigInt(i * 8)) & 255n));
  return ipaddr.fromByteArray(bytes).toString();
}

/** Parses `a.b.c.d/n` or `x::/n`; undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIP(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > bits(ip.family)) return undefined;
  const mask = hostMask(ip.family, prefix);
  const base = ip.value & ~mask & fullMask(ip.family);
  return { family: ip.family, base, prefix, text, hostBitsSet: base !== ip.value };
}

function fullMask(family: 4 | 6): bigint {
  return (1n << BigInt(bits(family))) - 1n;
}
function hostMask(family: 4 | 6, prefix: number): bigint {
  return (1n << BigInt(bits(family) - prefix)) - 1n;
}

export function cidrContains(cidr: Cidr, ip: IP): boolean {
  return cidr.family === ip.family && (ip.value & ~hostMask(cidr.family, cidr.prefix)) === cidr.base;
}

/** Number of addresses in the block. */
export function cidrSize(cidr: Cidr): bigint {
  return 1n << BigInt(bits(cidr.family) - cidr.prefix);
}

/** The address `offset` places into the block. */
export function cidrAt(cidr: Cidr, offset: bigint): IP {
  return { family: cidr.family, value: cidr.base + offset };
}

/** The `index`-th sub-block of length `prefix` (e.g. the 3rd /24 of a /16); undefined past the end. */
export function subnet(cidr: Cidr, prefix: number, index: number): Cidr | undefined {
  if (prefix < cidr.prefix || prefix > bits(cidr.family)) return undefined;
  const count = 1n << BigInt(prefix - cidr.prefix);
  if (BigInt(index) >= count) return undefined;
  const base = cidr.base + BigInt(index) * (1n << BigInt(bits(cidr.family) - prefix));
  const text = `${formatIP({ family: cidr.family, value: base })}/${prefix}`;
  return { family: cidr.family, base, prefix, text, hostBitsSet: false };
}

/** Do the two blocks share any address? */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const wider = a.prefix <= b.prefix ? a : b;
  const narrower = wider === a ? b : a;
  return cidrContains(wider, { family: narrower.family, value: narrower.base });
}

/** Canonical text of an address string, or undefined when it is not an address. */
export function canonicalIP(text: string): string | undefined {
  const ip = parseIP(text);
  return ip ? formatIP(ip) : undefined;
}

/**
 * Whether `address` is in `range`: a CIDR (`192.168.10.0/24`) or an inclusive range `first-last` of one family,
 * as MetalLB's IPAddressPool writes its addresses.
 */
export function inAddressRange(range: string, address: string): boolean {
  const ip = parseIP(address);
  if (!ip) return false;
  const cidr = parseCidr(range);
  if (cidr) return cidrContains(cidr, ip);
  const [first, last] = range.split('-').map((t) => parseIP(t.trim()));
  return (
    !!first &&
    !!last &&
    first.family === ip.family &&
    last.family === ip.family &&
    first.value <= ip.value &&
    ip.value <= last.value
  );
}

/**
 * IPv4 space that is not the internet's (RFC 1918, CGNAT, loopback, link-local, "this network", multicast and
 * reserved: the IANA special-purpose registry, https://www.iana.org/assignments/iana-ipv4-special-registry/).
 */
export const nonPublicIPv4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/3',
] as const;

/**
 * Whether an address can be a client on the internet: IPv4 outside `nonPublicIPv4`, IPv6 in global unicast
 * 2000::/3 (RFC 4291; unique-local fc00::/7 and link-local fe80::/10 lie outside it). False for text that is no address.
 */
export function isPublicAddress(text: string): boolean {
  const ip = parseIP(text);
  if (!ip) return false;
  if (ip.family === 6) return cidrContains(parseCidr('2000::/3')!, ip);
  return !nonPublicIPv4.some((c) => cidrContains(parseCidr(c)!, ip));
}
