/**
 * The one Node adapter of the HTTP API: a node:http server that hands each request to the fetch handler and
 * streams the response back (Server-Sent Events included). Binds 127.0.0.1 unless told otherwise.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  readonly url: string;
  close(): Promise<void>;
}

export async function listen(
  fetch: (req: Request) => Response | Promise<Response>,
  options: { readonly host?: string; readonly port?: number } = {},
): Promise<Listening> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => void handle(fetch, req, res, host));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(
  fetch: (req: Request) => Response | Promise<Response>,
  req: IncomingMessage,
  res: ServerResponse,
  host: string,
): Promise<void> {
  const controller = new AbortController();
  res.on('close', () => controller.abort());
  try {
    // Read-only API: GET and HEAD only, so no request body is ever read.
    const request = new Request(`http://${host}${req.url ?? '/'}`, {
      method: req.method,
      headers: Object.entries(req.headers).flatMap(([k, v]) =>
        v === undefined
          ? []
          : Array.isArray(v)
            ? v.map((x) => [k, x] as [string, string])
            : [[k, v] as [string, string]],
      ),
      signal: controller.signal,
    });
    const response =
      req.method === 'GET' || req.method === 'HEAD'
        ? await fetch(request)
        : new Response('read-only: GET only\n', { status: 405, headers: { allow: 'GET, HEAD' } });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (!response.body || req.method === 'HEAD') return void res.end();
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  } catch (e) {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(controller.signal.aborted ? undefined : `internal error: ${(e as Error).message}\n`);
  }
}
