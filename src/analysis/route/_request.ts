import type { HttpRequest } from '../../model/routing.ts';

export interface RequestInput {
  readonly url: string;
  readonly method?: string;
  /** `Name: value` strings, as curl's -H takes them. */
  readonly headers?: readonly string[];
  /** The listener port the request arrives on; default: the URL's port, else 80 for http and 443 for https. */
  readonly listenerPort?: number;
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
  };
}
