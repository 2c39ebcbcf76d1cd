/**
 * A recorded Kubernetes API server for tests: HTTPS on 127.0.0.1 (free port), bearer-token auth, answering `list`,
 * `get` and `watch` in the API's own JSON, written from the API reference
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/):
 * - a list is `{kind: "PodList", apiVersion: "v1", metadata: {resourceVersion, continue?, remainingItemCount?},
 *   items}` whose items carry no kind or apiVersion; `limit` and an opaque `continue` token page it;
 * - a watch (`?watch=true&resourceVersion=N`) streams one `{"type":"ADDED","object":{…}}` line per change after N
 *   (objects in events do carry kind and apiVersion), and stays open for later changes;
 * - errors are `Status` objects (`code: 403, reason: Forbidden`; 404 NotFound); a group nobody registered answers
 *   404 with the plain text `404 page not found`, as the real server does.
 * Never used outside tests.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { makeDevCertificate } from '../dev-cert.ts';

type Obj = Record<string, unknown> & { metadata: Record<string, unknown> };

interface Resource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly objects: Map<string, Obj>;
}

export interface FakeApiServer {
  /** A kubeconfig file (context `test`) pointing at this server with its CA and token. */
  readonly kubeconfig: string;
  readonly url: string;
  /** Every request, as `GET /path?query`. */
  readonly requests: string[];
  /** Registers a resource (`apps/v1`, `Deployment`, `deployments`); lists of unregistered resources are 404. */
  serve(apiVersion: string, kind: string, plural: string, namespaced?: boolean): void;
  /** Registers the built-in kinds kubetwin reads (core, apps, batch, autoscaling, discovery, networking). */
  serveBuiltins(): void;
  /** Adds or replaces an object (ADDED or MODIFIED to watchers); `kind`/`apiVersion` pick its resource. */
  apply(obj: Record<string, unknown>): void;
  remove(kind: string, namespace: string | undefined, name: string): void;
  /** `networkpolicies.networking.k8s.io` (or `pods`): requests of it answer 403 (every verb, or those given). */
  forbid(resource: string, verbs?: readonly ('list' | 'watch' | 'get')[]): void;
  close(): Promise<void>;
}

const status = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  details: {},
  code,
});

const builtins: [string, string, string, boolean][] = [
  ['v1', 'Namespace', 'namespaces', false],
  ['v1', 'Node', 'nodes', false],
  ['v1', 'Pod', 'pods', true],
  ['v1', 'Service', 'services', true],
  ['v1', 'Endpoints', 'endpoints', true],
  ['v1', 'ConfigMap', 'configmaps', true],
  ['v1', 'Secret', 'secrets', true],
  ['apps/v1', 'Deployment', 'deployments', true],
  ['apps/v1', 'ReplicaSet', 'replicasets', true],
  ['apps/v1', 'StatefulSet', 'statefulsets', true],
  ['apps/v1', 'DaemonSet', 'daemonsets', true],
  ['batch/v1', 'Job', 'jobs', true],
  ['batch/v1', 'CronJob', 'cronjobs', true],
  ['autoscaling/v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true],
  ['discovery.k8s.io/v1', 'EndpointSlice', 'endpointslices', true],
  ['networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies', true],
  ['networking.k8s.io/v1', 'Ingress', 'ingresses', true],
  ['networking.k8s.io/v1', 'IngressClass', 'ingressclasses', false],
];

export async function startFakeApiServer(opts: { token?: string } = {}): Promise<FakeApiServer> {
  const token = opts.token ?? 'test-token';
  const cert = makeDevCertificate(['localhost']);
  if (typeof cert === 'string') throw new Error(cert);
  const resources: Resource[] = [];
  const forbidden = new Map<string, readonly string[]>();
  const requests: string[] = [];
  let rv = 1000;
  const history: { rv: number; res: Resource; type: string; object: Obj }[] = [];
  const watchers = new Set<{ res: Resource; ns?: string; res_: ServerResponse }>();
  const resName = (r: Resource) =>
    r.apiVersion.includes('/') ? `${r.plural}.${r.apiVersion.split('/')[0]}` : r.plural;
  const key = (o: Obj) => `${(o.metadata.namespace as string | undefined) ?? ''}/${String(o.metadata.name)}`;
  const send = (res: ServerResponse, code: number, body: unknown) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const emit = (r: Resource, type: string, object: Obj) => {
    history.push({ rv, res: r, type, object });
    for (const w of watchers)
      if (w.res === r && (!w.ns || w.ns === object.metadata.namespace))
        w.res_.write(JSON.stringify({ type, object }) + '\n');
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'https://x');
    if (req.headers.authorization !== `Bearer ${token}`)
      return send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    if (req.method !== 'GET') return send(res, 405, status(405, 'MethodNotAllowed', 'read-only test server'));
    // /api/v1[/namespaces/NS]/PLURAL[/NAME] or /apis/GROUP/VERSION[/namespaces/NS]/PLURAL[/NAME]
    const m =
      /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(
        url.pathname,
      );
    if (!m)
      return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const apiVersion = m[1] ?? `${m[2]}/${m[3]}`;
    const [ns, plural, name] = [m[4], m[5], m[6]];
    const r = resources.find((x) => x.apiVersion === apiVersion && x.plural === plural);
    if (!r) {
      if (m[2] && !resources.some((x) => x.apiVersion === apiVersion)) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        return res.end('404 page not found\n');
      }
      return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    }
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    const verb = name ? 'get' : url.searchParams.get('watch') === 'true' ? 'watch' : 'list';
    if (forbidden.get(resName(r))?.includes(verb))
      return send(
        res,
        403,
        status(
          403,
          'Forbidden',
          `${resName(r)} is forbidden: User "system:serviceaccount:kubetwin:reader" cannot ${verb} resource "${plural}" in API group "${group}" ${ns ? `in the namespace "${ns}"` : 'at the cluster scope'}`,
        ),
      );
    if (name) {
      const o = r.objects.get(`${ns ?? ''}/${name}`);
      return o
        ? send(res, 200, { kind: r.kind, apiVersion: r.apiVersion, ...o })
        : send(res, 404, status(404, 'NotFound', `${plural} "${name}" not found`));
    }
    const items = [...r.objects.values()]
      .filter((o) => !ns || o.metadata.namespace === ns)
      .sort((a, b) => (key(a) < key(b) ? -1 : 1));
    if (verb === 'watch') {
      const from = Number(url.searchParams.get('resourceVersion') ?? '0');
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.flushHeaders();
      for (const h of history)
        if (h.res === r && h.rv > from && (!ns || h.object.metadata.namespace === ns))
          res.write(JSON.stringify({ type: h.type, object: h.object }) + '\n');
      const w = { res: r, ns, res_: res };
      watchers.add(w);
      req.on('close', () => watchers.delete(w));
      return;
    }
    const limit = Number(url.searchParams.get('limit') ?? '0');
    const token_ = url.searchParams.get('continue');
    let start = 0;
    let listRv = String(rv);
    if (token_) {
      const t = JSON.parse(Buffer.from(token_, 'base64').toString('utf8')) as { rv: number; start: string };
      start = items.findIndex((o) => key(o) >= t.start);
      if (start < 0) start = items.length;
      listRv = String(t.rv);
    }
    const page = limit > 0 ? items.slice(start, start + limit) : items.slice(start);
    const rest = items.length - start - page.length;
    const metadata: Record<string, unknown> = { resourceVersion: listRv };
    if (rest > 0) {
      const next = items[start + page.length];
      metadata.continue = Buffer.from(
        JSON.stringify({ v: 'meta.k8s.io/v1', rv: Number(listRv), start: key(next) }),
      ).toString('base64');
      metadata.remainingItemCount = rest;
    }
    send(res, 200, {
      kind: `${r.kind}List`,
      apiVersion: r.apiVersion,
      metadata,
      items: page.map((o) => ({ ...o, kind: undefined, apiVersion: undefined })),
    });
  };

  const serve = (apiVersion: string, kind: string, plural: string, namespaced = true) => {
    resources.push({ apiVersion, kind, plural, namespaced, objects: new Map() });
  };
  const server = createServer({ cert: cert.cert, key: cert.key }, handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'kubetwin-kubeconfig-'));
  const kubeconfig = join(dir, 'config');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: test',
      'clusters:',
      `- name: test\n  cluster:\n    server: ${url}\n    tls-server-name: localhost\n    certificate-authority-data: ${Buffer.from(cert.cert).toString('base64')}`,
      `users:\n- name: reader\n  user:\n    token: ${token}`,
      'contexts:\n- name: test\n  context: {cluster: test, user: reader}',
      '',
    ].join('\n'),
  );
  return {
    kubeconfig,
    url,
    requests,
    serve,
    apply(obj) {
      const r = resources.find((x) => x.kind === obj.kind && x.apiVersion === obj.apiVersion);
      if (!r) throw new Error(`test server: ${String(obj.apiVersion)} ${String(obj.kind)} is not served`);
      rv++;
      const meta = (obj.metadata ?? {}) as Record<string, unknown>;
      const o: Obj = { ...obj, metadata: { uid: `uid-${rv}`, ...meta, resourceVersion: String(rv) } };
      const type = r.objects.has(key(o)) ? 'MODIFIED' : 'ADDED';
      r.objects.set(key(o), o);
      emit(r, type, o);
    },
    remove(kind, namespace, name) {
      const r = resources.find((x) => x.kind === kind);
      const o = r?.objects.get(`${namespace ?? ''}/${name}`);
      if (!r || !o) return;
      rv++;
      r.objects.delete(key(o));
      emit(r, 'DELETED', { ...o, metadata: { ...o.metadata, resourceVersion: String(rv) } });
    },
    serveBuiltins() {
      for (const [v, kind, plural, namespaced] of builtins) serve(v, kind, plural, namespaced);
    },
    forbid(resource, verbs = ['list', 'watch', 'get']) {
      forbidden.set(resource, verbs);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const w of watchers) w.res_.end();
        server.closeAllConnections();
        server.close(() => resolve());
        rmSync(dir, { recursive: true, force: true });
      }),
  };
}
