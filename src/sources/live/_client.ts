/**
 * The connection to a live API server: `@kubernetes/client-node` reads the kubeconfig (contexts, exec and auth
 * provider plugins, client certificates, CA, proxies) and gives the TLS agent and headers; this file only issues
 * GET requests with them (list pages and single gets) and opens watches through the client's own `Watch`.
 * Nothing here ever sends anything but GET.
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';

/** What a GET gave: the decoded JSON body, or why there is none (`status` absent when no HTTP answer came). */
export type GetResult =
  | { readonly ok: true; readonly body: Record<string, unknown> }
  | { readonly ok: false; readonly status?: number; readonly message: string };

/** One watch event as the API streams it: `{"type":"ADDED","object":{…}}`. */
export interface WatchEvent {
  readonly type: string;
  readonly object: Record<string, unknown>;
}

export interface Connection {
  /** The API server URL of the context in use. */
  readonly server: string;
  readonly context: string;
  get(path: string, query?: Record<string, string>): Promise<GetResult>;
  /** Streams events until the server ends the watch or `stop()` is called; then `done` runs once. */
  watch(
    path: string,
    query: Record<string, string>,
    onEvent: (e: WatchEvent) => void,
    done: (err?: string) => void,
  ): Promise<{ stop(): void }>;
}

export interface ConnectOptions {
  /** A kubeconfig file; otherwise $KUBECONFIG (colon-separated files are merged) or ~/.kube/config, as kubectl. */
  readonly kubeconfig?: string;
  /** A context of the kubeconfig; otherwise its current-context. */
  readonly context?: string;
}

/**
 * Reads the kubeconfig and selects the context; a string is the error, for a diagnostic. The client library is
 * imported here, on first use: it is external to the bundled CLI (scripts/build.mjs), so commands that read no
 * cluster never load it.
 */
export async function connect(opts: ConnectOptions): Promise<Connection | string> {
  const inPod = !!process.env.KUBERNETES_SERVICE_HOST;
  if (
    !opts.kubeconfig &&
    !process.env.KUBECONFIG &&
    !inPod &&
    !existsSync(join(homedir(), '.kube', 'config'))
  )
    return 'no kubeconfig: --kubeconfig is not given, $KUBECONFIG is not set and ~/.kube/config does not exist';
  const { KubeConfig, Watch } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  try {
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else kc.loadFromDefault();
    if (opts.context) {
      if (!kc.getContextObject(opts.context))
        return `context "${opts.context}" is not in the kubeconfig (${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(', ') || 'none'
        })`;
      kc.setCurrentContext(opts.context);
    }
  } catch (e) {
    return `cannot read the kubeconfig ${opts.kubeconfig ?? '($KUBECONFIG or ~/.kube/config)'}: ${errorText(e)}`;
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) return `the kubeconfig's context "${kc.getCurrentContext()}" names no cluster`;
  const server = cluster.server.replace(/\/+$/, '');
  return {
    server,
    context: kc.getCurrentContext(),
    get: (path, query) => get(kc, server, path, query),
    watch: async (path, query, onEvent, done) => {
      let ended = false;
      const once = (err?: string) => {
        if (ended) return;
        ended = true;
        done(err);
      };
      try {
        const ctl = await new Watch(kc).watch(
          path,
          query,
          (type, object) => onEvent({ type, object: object as Record<string, unknown> }),
          (err: unknown) => once(err ? errorText(err) : undefined),
        );
        return {
          stop: () => {
            ended = true;
            ctl.abort();
          },
        };
      } catch (e) {
        once(errorText(e));
        return { stop: () => undefined };
      }
    },
  };
}

async function get(kc: KubeConfig, server: string, path: string, query: Record<string, string> = {}) {
  const url = new URL(server + path);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const opts: https.RequestOptions = {};
  try {
    await kc.applyToHTTPSOptions(opts);
  } catch (e) {
    return { ok: false as const, message: errorText(e) };
  }
  opts.headers = { ...opts.headers, Accept: 'application/json' };
  opts.timeout = 30_000;
  return new Promise<GetResult>((resolve) => {
    const req = (url.protocol === 'http:' ? http : https).get(url, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => resolve({ ok: false, message: errorText(e) }));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        const status = res.statusCode ?? 0;
        if (status === 200 && body && typeof body === 'object')
          return resolve({ ok: true, body: body as Record<string, unknown> });
        const statusMessage = (body as { message?: unknown } | undefined)?.message;
        resolve({
          ok: false,
          status,
          message:
            `${status} ${http.STATUS_CODES[status] ?? ''}`.trim() +
            (typeof statusMessage === 'string' ? ` — ${statusMessage}` : ''),
        });
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', (e) => resolve({ ok: false, message: errorText(e) }));
  });
}

function errorText(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' && !e.message.includes(code) ? `${code} ${e.message}` : e.message;
  }
  return String(e);
}
