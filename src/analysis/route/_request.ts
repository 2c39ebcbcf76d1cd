import { parseIP } from '../../lib/ip.ts';
import type { HttpRequest, L4Request } from '../../model/routing.ts';

export interface RequestInput {
  readonly url: string;
  readonly method?: string;
  /** `Name: value` strings, as curl's -H takes them. */
  readonly headers?: readonly string[];
  /** The listener port the request arrives on; default: the URL's port, else 80 for http and 443 for https. */
  readonly listenerPort?: number;
  /** The TLS SNI name (https only); unset: routed by Host alone, without the 421 check. */
  readonly sni?: string;
  /** Whether the client presents a valid client certificate; unset: assumed to when one is required. */
  readonly clientCertificate?: 'valid' | 'none';
  /** The client address the gateway sees as its peer (Envoy Gateway IP authorization judges it). */
  readonly clientAddress?: string;
}

/** Turns a URL and curl-like options into the request a router sees, or an error message. */
export function parseRequest(input: RequestInput): HttpRequest | string {
  let u: URL;
  try {
    u = new URL(input.url);
  } catch {
    return `"${input.url}" is not an absolute URL (like https://api.example.com/path)`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return `only http and https URLs can be routed, not ${u.protocol}`;
  const scheme = u.protocol === 'https:' ? 'https' : 'http';
  if (input.clientAddress !== undefined && !parseIP(input.clientAddress))
    return `client address "${input.clientAddress}" is not an IP address`;
  const headers: Record<string, string> = {};
  for (const h of input.headers ?? []) {
    const i = h.indexOf(':');
    if (i <= 0) return `header "${h}" is not of the form "Name: value"`;
    headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  const host = (headers.host ?? u.hostname).replace(/:\d+$/, '').toLowerCase();
  const port = input.listenerPort ?? (u.port ? Number(u.port) : scheme === 'https' ? 443 : 80);
  return {
    scheme,
    host,
    port,
    path: decodeURIComponent(u.pathname) || '/',
    query: [...u.searchParams.entries()],
    method: (input.method ?? 'GET').toUpperCase(),
    headers: { ...headers, host },
    ...(input.sni !== undefined && scheme === 'https' ? { sni: input.sni.toLowerCase() } : {}),
    ...(input.clientCertificate ? { clientCertificate: input.clientCertificate } : {}),
    ...(input.clientAddress !== undefined ? { clientAddresses: [input.clientAddress] } : {}),
  };
}

/**
 * `tls://HOST[:PORT]` (the host is the SNI name; port 443 by default), `tcp://HOST:PORT` or `udp://HOST:PORT`
 * (the host only says where the client connects): a Layer-4 connection, or an error message. Undefined for
 * any other scheme (an HTTP request). `options.clientAddress`: the address the gateway sees as its peer.
 */
export function parseConnection(
  url: string,
  listenerPort?: number,
  options: { readonly clientAddress?: string } = {},
): L4Request | string | undefined {
  const m = /^(tls|tcp|udp):\/\/([^/:]*)(?::(\d+))?\/?$/i.exec(url);
  if (!m)
    return /^(tls|tcp|udp):/i.test(url)
      ? `"${url}" must be tls://HOST[:PORT], tcp://HOST:PORT or udp://HOST:PORT`
      : undefined;
  const protocol = m[1].toLowerCase() as L4Request['protocol'];
  const port = listenerPort ?? (m[3] ? Number(m[3]) : protocol === 'tls' ? 443 : undefined);
  if (port === undefined || !(port > 0 && port < 65536))
    return `${protocol}:// needs a port (${protocol}://HOST:PORT)`;
  const client = options.clientAddress;
  if (client !== undefined && !parseIP(client)) return `client address "${client}" is not an IP address`;
  return {
    protocol,
    port,
    ...(protocol === 'tls' && m[2] ? { sni: m[2].toLowerCase() } : {}),
    ...(client !== undefined ? { clientAddresses: [client] } : {}),
  };
}
