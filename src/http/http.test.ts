/**
 * The HTTP API without a socket (`app.request()`): every endpoint answers JSON over the analysed e-commerce
 * example, bad questions get 400 with a reason, and no answer carries Secret data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadInputs } from '../sources/files.ts';
import { buildFromTexts } from '../api/index.ts';
import { analyseCluster } from '../pipeline/index.ts';
import { parseManifests } from '../parse/index.ts';
import { readFlowsFile } from '../analysis/flows/index.ts';
import { createApp, type Snapshot } from './index.ts';

const secretValue = 'c3VwZXItc2VjcmV0LXBhc3N3b3Jk'; // base64 of a made-up password
const secretYaml = `apiVersion: v1
kind: Secret
metadata: {name: db-password, namespace: e-commerce}
data:
  password: ${secretValue}
`;

async function snapshot(): Promise<Snapshot> {
  const inputs = await loadInputs(['examples/e-commerce/as-documented'], async () => '');
  const cluster = buildFromTexts([...inputs.texts, { file: 'secret.yaml', text: secretYaml }]);
  const flowsText = readFileSync('examples/e-commerce/flows.yaml', 'utf8');
  const flows = readFlowsFile(parseManifests([{ file: 'flows.yaml', text: flowsText }]).objects, () => {});
  const analysed = analyseCluster(cluster, { flows, now: '2026-11-01T00:00:00Z', title: 'e-commerce' });
  return { version: 1, title: 'e-commerce', analysed, diagnostics: cluster.diagnostics.length };
}

const snap = await snapshot();
const app = createApp({
  snapshot: () => snap,
  assets: { 'index.html': '<!doctype html><title>t</title>', 'app.js': '1', 'app.css': '' },
  readSource: async (file) =>
    file === 'secret.yaml' ? secretYaml : file === 'a.yaml' ? 'kind: Service\n' : undefined,
});
const get = async (path: string) => {
  const res = await app.request(path);
  return { status: res.status, body: await res.json(), text: '' };
};
const seen: string[] = [];
const json = async (path: string, status = 200) => {
  const r = await get(path);
  assert.equal(r.status, status, `${path}: ${JSON.stringify(r.body)}`);
  seen.push(JSON.stringify(r.body));
  return r.body;
};

test('/api/graph lays out the flows with namespaces as islands, labelled edges and an SVG', async () => {
  const g = await json('/api/graph');
  assert.ok(g.layout.nodes.length >= 10);
  assert.ok(g.layout.groups.some((x: { id: string }) => x.id === 'e-commerce'));
  assert.ok(g.layout.edges.some((e: { verdict: string }) => e.verdict === 'failed'));
  assert.match(g.svg, /^<svg /);
  assert.ok(g.ports.includes('8000'));
  assert.ok(g.nodeLabels['e-commerce/auth-service'].includes('app=auth-service'));
  const collapsed = await json('/api/graph?collapse=e-commerce');
  assert.deepEqual(collapsed.layout.aggregated, ['e-commerce']);
  assert.ok(collapsed.layout.nodes.some((n: { id: string }) => n.id === 'namespace:e-commerce'));
});

test('/api/reach and /api/trace answer as the CLI does; a bad port is a 400 with the reason', async () => {
  const r = await json('/api/reach?from=e-commerce/api-gateway&to=e-commerce/auth-service&port=8000');
  assert.equal(r.verdict, 'denied');
  const t = await json('/api/trace?from=e-commerce/api-gateway&to=http://auth-service:8000/login');
  assert.equal(t.outcome, 'failed');
  const withSource = t.hops
    .flatMap((h: { objects: { source?: { at: string } }[] }) => h.objects)
    .find((o: { source?: unknown }) => o.source);
  assert.match(withSource.source.at, /^examples\/e-commerce\/as-documented\/.+\.yaml:\d+$/);
  const bad = await json('/api/reach?from=a/b&to=c/d&port=99999', 400);
  assert.match(bad.error, /not a port number/);
  const noFrom = await json('/api/trace?from=e-commerce/nope&to=http://x:80/', 400);
  assert.match(noFrom.error, /no pod or workload/);
});

test('/api/resolve, /api/route, /api/matrix, /api/findings and /api/node', async () => {
  const d = await json('/api/resolve?name=auth-service.e-commerce.svc.cluster.local');
  assert.equal(d.rcode, 'NOERROR');
  const route = await json('/api/route?url=https://api.yourdomain.com/auth/login');
  assert.ok(route.via);
  const m = await json('/api/matrix?by=namespace');
  assert.ok(m.groups.length > 3 && m.entries.length > 0);
  const f = await json('/api/findings');
  assert.ok(f.some((x: { code: string }) => x.code === 'peer-selects-nothing'));
  const n = await json('/api/node?id=e-commerce/auth-service');
  assert.equal(n.kind, 'Deployment');
  assert.ok(n.services.some((s: { dns: string }) => s.dns === 'auth-service.e-commerce.svc.cluster.local'));
  assert.ok(n.policies.ingress.length > 0);
  await json('/api/node?id=e-commerce/nothing', 404);
});

test('no endpoint returns Secret data: /api/source refuses a Secret document, other answers never hold it', async () => {
  const s = await json('/api/source?file=secret.yaml&line=4');
  assert.deepEqual(s.lines, []);
  assert.match(s.redacted, /Secret/);
  await json('/api/source?file=/etc/passwd&line=1', 404);
  const ok = await json('/api/source?file=a.yaml&line=1');
  assert.deepEqual(ok.lines, ['kind: Service', '']);
  for (const body of seen) assert.ok(!body.includes(secretValue));
});

test('the page is served from memory; the API is read-only', async () => {
  const page = await app.request('/');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  const post = await app.request('/api/findings', { method: 'POST' });
  assert.equal(post.status, 404);
});

test('/api/events sends the current version first', async () => {
  const res = await app.request('/api/events');
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const reader = res.body!.getReader();
  const { value } = await reader.read();
  assert.match(new TextDecoder().decode(value), /event: version\ndata: 1/);
  await reader.cancel();
});
