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

/** Parses a dotted-quad IPv4 or an RFC 5952 IPv6 address; undefined when it is not one. */
export function parseIP(text: string): IP | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
    const b = ipaddr.IPv4.parse(text).toByteArray();
    return { family: 4, value: BigInt(((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0) };
  }
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
