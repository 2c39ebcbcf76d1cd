/**
 * The live source against the recorded API server (_test-apiserver.ts), through the real client: kubeconfig with
 * CA and token, typed lists paged with `continue`, 401/403/404 and an unreachable server as diagnostics, Secrets
 * never listed, watch events kept current.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { liveKinds, loadLive, pageSize, unmappedKinds, watchLive, type LiveState } from './index.ts';
import { startFakeApiServer, type FakeApiServer } from './_test-apiserver.ts';
import { tempDir } from '../../../test/helpers/temp-dir.ts';

const pod = (ns: string, name: string, ip = '10.244.0.5') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels: { app: name }, managedFields: [{ manager: 'kubectl' }] },
  spec: { containers: [{ name: 'c', image: 'x' }] },
  status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] },
});

async function withServer(fn: (s: FakeApiServer) => Promise<void>) {
  const s = await startFakeApiServer();
  s.serveBuiltins();
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

const codes = (st: LiveState) => st.diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`);

test('every kind of the support catalogue has a REST resource to list', () => {
  assert.deepEqual(unmappedKinds, []);
});

test("docs/live.md's minimal ClusterRole and kube-system Role grant list and watch on every resource kubetwin lists", () => {
  const doc = readFileSync(new URL('../../../docs/live.md', import.meta.url), 'utf8');
  const block = /### The minimal ClusterRole[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
  const granted = new Set<string>();
  for (const d of parseAllDocuments(block)) {
    const role = d.toJS() as { rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[] };
    for (const r of role.rules ?? [])
      if (r.verbs.includes('list') && r.verbs.includes('watch'))
        for (const g of r.apiGroups) for (const res of r.resources) granted.add(`${g}/${res}`);
  }
  const missing = liveKinds.map((k) => `${k.group}/${k.resource}`).filter((k) => !granted.has(k));
  assert.deepEqual([...new Set(missing)], []);
});

test("rule GEP-713 policy attachment: a live read lists Envoy Gateway's and NGINX Gateway Fabric's policies and filter objects", () => {
  const listed = (group: string, resource: string) =>
    liveKinds.some((k) => k.group === group && k.resource === resource);
  for (const r of [
    'securitypolicies',
    'backendtrafficpolicies',
    'clienttrafficpolicies',
    'httproutefilters',
    'backends',
  ])
    assert.ok(listed('gateway.envoyproxy.io', r), r);
  for (const r of ['clientsettingspolicies', 'snippetsfilters']) assert.ok(listed('gateway.nginx.org', r), r);
});

test('typed list items get kind and apiVersion; pages follow the continue token; managedFields are dropped', async () =>
  withServer(async (s) => {
    const n = pageSize * 2 + 3;
    for (let i = 0; i < n; i++) s.apply(pod('shop', `web-${String(i).padStart(4, '0')}`));
    const st = await loadLive({ kubeconfig: s.kubeconfig });
    const pods = st.objects.filter((o) => o.body.kind === 'Pod');
    assert.equal(pods.length, n);
    assert.equal(pods[0].body.apiVersion, 'v1');
    assert.equal(pods[0].source.file, 'live:Pod/shop/web-0000');
    assert.equal((pods[0].body.metadata as Record<string, unknown>).managedFields, undefined);
    const podRequests = s.requests.filter((r) => r.startsWith('GET /api/v1/pods?'));
    assert.equal(podRequests.length, 3, podRequests.join('\n'));
    assert.match(podRequests[1], /[?&]continue=/);
    assert.match(podRequests[0], /[?&]limit=500/);
    assert.ok(s.requests.every((r) => r.startsWith('GET ')));
  }));

test('403 on one kind is one error naming the resource and the verb; the other kinds are still read', async () =>
  withServer(async (s) => {
    s.apply(pod('shop', 'web'));
    s.forbid('networkpolicies.networking.k8s.io');
    const st = await loadLive({ kubeconfig: s.kubeconfig, context: 'test' });
    const errors = st.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.length, 1, codes(st).join('\n'));
    assert.equal(errors[0].code, 'live-forbidden');
    assert.match(errors[0].message, /^cannot list networkpolicies\.networking\.k8s\.io: 403 Forbidden — /);
    assert.match(errors[0].hint ?? '', /Grant list and watch on networkpolicies\.networking\.k8s\.io/);
    assert.equal(st.objects.filter((o) => o.body.kind === 'Pod').length, 1);
  }));

test('a CRD that is not installed is a note, not an error', async () =>
  withServer(async (s) => {
    const st = await loadLive({ kubeconfig: s.kubeconfig });
    assert.ok(
      codes(st).some((c) =>
        /^info live-kind-not-served: not served by this cluster, so none are read: .*HTTPRoute \(httproutes\.gateway\.networking\.k8s\.io v1\|v1beta1\)/.test(
          c,
        ),
      ),
      codes(st).join('\n'),
    );
    assert.equal(st.diagnostics.filter((d) => d.severity === 'error').length, 0, codes(st).join('\n'));
  }));

test('refused credentials (401) and an unreachable server are clear errors', async () => {
  const s = await startFakeApiServer({ token: 'other' });
  s.serveBuiltins();
  const bad = join(tempDir('kubetwin-live-'), 'config');
  writeFileSync(bad, readFileSync(s.kubeconfig, 'utf8').replace('token: other', 'token: wrong'));
  const st = await loadLive({ kubeconfig: bad });
  assert.deepEqual(
    st.diagnostics.map((d) => d.code),
    ['live-unauthorized'],
  );
  assert.match(st.diagnostics[0].message, /refused the credentials of context test \(401 Unauthorized/);
  const conf = readFileSync(s.kubeconfig, 'utf8');
  await s.close();
  writeFileSync(bad, conf);
  const down = await loadLive({ kubeconfig: bad });
  assert.deepEqual(
    down.diagnostics.map((d) => d.code),
    ['live-unreachable'],
  );
  assert.match(
    down.diagnostics[0].message,
    /^cannot reach the API server https:\/\/127\.0\.0\.1:\d+ \(context test\): .*ECONNREFUSED/,
  );
  const none = await loadLive({ kubeconfig: bad, context: 'prod' });
  assert.match(none.diagnostics[0].message, /context "prod" is not in the kubeconfig \(test\)/);
});

test('Secrets are never listed; --read-tls-secrets gets the referenced TLS Secrets with tls.crt only', async () =>
  withServer(async (s) => {
    s.apply({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { tls: [{ hosts: ['shop.example'], secretName: 'shop-tls' }], rules: [] },
    });
    s.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: {
        name: 'shop-tls',
        namespace: 'shop',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"tls.key":"S0VZ"}}' },
      },
      data: { 'tls.crt': 'Q0VSVA==', 'tls.key': 'S0VZ' },
    });
    s.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'shop' },
      data: { p: 'eA==' },
    });
    const without = await loadLive({ kubeconfig: s.kubeconfig });
    assert.equal(without.objects.filter((o) => o.body.kind === 'Secret').length, 0);
    assert.ok(codes(without).some((c) => /^warning live-tls-secrets-not-read: 1 TLS Secret/.test(c)));
    const withFlag = await loadLive({ kubeconfig: s.kubeconfig, readTlsSecrets: true });
    const secrets = withFlag.objects.filter((o) => o.body.kind === 'Secret');
    assert.equal(secrets.length, 1);
    assert.deepEqual(secrets[0].body.data, { 'tls.crt': 'Q0VSVA==' });
    assert.doesNotMatch(JSON.stringify(secrets[0].body), /S0VZ/);
    assert.ok(!s.requests.some((r) => /\/secrets(\?|$)/.test(r)), 'no list of Secrets');
    assert.ok(s.requests.includes('GET /api/v1/namespaces/shop/secrets/shop-tls'));
  }));

test('watch: added, changed and deleted objects reach the listener', { timeout: 20_000 }, async () =>
  withServer(async (s) => {
    s.apply(pod('shop', 'a'));
    const states: LiveState[] = [];
    const mirror = await watchLive({ kubeconfig: s.kubeconfig, debounceMs: 5 }, (st) => states.push(st));
    const names = () =>
      (states.at(-1) ?? mirror.initial).objects
        .filter((o) => o.body.kind === 'Pod')
        .map(
          (o) =>
            `${(o.body.metadata as { name: string }).name}@${(o.body.status as { podIP: string }).podIP}`,
        );
    const until = async (want: string[]) => {
      const end = Date.now() + 10_000;
      while (JSON.stringify(names()) !== JSON.stringify(want)) {
        if (Date.now() > end) assert.deepEqual(names(), want);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    try {
      await until(['a@10.244.0.5']);
      s.apply(pod('shop', 'b', '10.244.0.6'));
      await until(['a@10.244.0.5', 'b@10.244.0.6']);
      s.apply(pod('shop', 'a', '10.244.0.9'));
      await until(['a@10.244.0.9', 'b@10.244.0.6']);
      s.remove('Pod', 'shop', 'b');
      await until(['a@10.244.0.9']);
    } finally {
      mirror.stop();
    }
  }),
);

test(
  'watch refused (403) while list is allowed: one error naming the verb; the kind is still listed',
  { timeout: 20_000 },
  async () =>
    withServer(async (s) => {
      s.apply(pod('shop', 'a'));
      s.forbid('pods', ['watch']);
      const states: LiveState[] = [];
      const mirror = await watchLive({ kubeconfig: s.kubeconfig, debounceMs: 5 }, (st) => states.push(st));
      try {
        const end = Date.now() + 10_000;
        while (!states.some((st) => st.diagnostics.some((d) => d.code === 'live-forbidden'))) {
          if (Date.now() > end) assert.fail(codes(states.at(-1) ?? mirror.initial).join('\n'));
          await new Promise((r) => setTimeout(r, 10));
        }
        const last = states.at(-1)!;
        assert.deepEqual(
          last.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message.slice(0, 32)),
          ['cannot watch pods: 403 Forbidden'],
        );
        assert.equal(last.objects.filter((o) => o.body.kind === 'Pod').length, 1);
      } finally {
        mirror.stop();
      }
    }),
);
