/**
 * `--kubeconfig` end to end: the CLI against the recorded API server, through the real client. A live cluster
 * alone, manifests overlaying it ("what if I apply this?"), and a 403 on one kind that is reported while the rest
 * is still answered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './_test-run.ts';
import { startFakeApiServer, type FakeApiServer } from '../sources/live/_test-apiserver.ts';
import { tempDir } from '../../test/helpers/temp-dir.ts';

const pod = (name: string, ip: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels: { app: name } },
  spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 5432 }] }] },
  status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] },
});

const denyAll = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'db-deny-all', namespace: 'shop' },
  spec: { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] },
};

async function cluster(fn: (s: FakeApiServer) => Promise<void>) {
  const s = await startFakeApiServer();
  s.serveBuiltins();
  s.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  s.apply(pod('web', '10.244.1.5'));
  s.apply(pod('db', '10.244.1.6'));
  s.apply(denyAll);
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

test('get pods --kubeconfig lists the live pods', async () =>
  cluster(async (s) => {
    const r = await runCli(['get', 'pods', '-n', 'shop', '--kubeconfig', s.kubeconfig, '-q']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^db\s/m);
    assert.match(r.stdout, /^web\s/m);
  }));

test('reach --kubeconfig with -f: the manifests overlay the live cluster', async () =>
  cluster(async (s) => {
    const args = [
      'reach',
      '--kubeconfig',
      s.kubeconfig,
      '--from',
      'shop/web',
      '--to',
      'shop/db',
      '--port',
      '5432',
    ];
    const live = await runCli([...args, '-q']);
    assert.equal(live.code, 1, live.stdout + live.stderr);
    assert.match(live.stdout, /DENIED/);
    assert.match(live.stdout, /live:NetworkPolicy\/shop\/db-deny-all/);
    const dir = tempDir('kubetwin-overlay-');
    const fix = join(dir, 'allow-web.yaml');
    writeFileSync(
      fix,
      [
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata: {name: db-deny-all, namespace: shop}',
        'spec:',
        '  podSelector: {matchLabels: {app: db}}',
        '  policyTypes: [Ingress]',
        '  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]',
        '',
      ].join('\n'),
    );
    const overlaid = await runCli([...args, '-f', fix]);
    assert.equal(overlaid.code, 0, overlaid.stdout + overlaid.stderr);
    assert.match(overlaid.stdout, /ALLOWED/);
    assert.match(overlaid.stdout, /allow-web\.yaml:7:/);
    assert.match(overlaid.stderr, /the manifests replace 1 live object\(s\) and add 0 new one\(s\)/);
  }));

test('403 on NetworkPolicies: the error names the resource and the verb, and the rest is still answered', async () =>
  cluster(async (s) => {
    s.forbid('networkpolicies.networking.k8s.io');
    const r = await runCli(['get', 'pods', '-n', 'shop', '--kubeconfig', s.kubeconfig, '-q']);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /live:test: error live-forbidden: cannot list networkpolicies\.networking\.k8s\.io: 403 Forbidden — networkpolicies\.networking\.k8s\.io is forbidden: User "system:serviceaccount:kubetwin:reader" cannot list resource "networkpolicies" in API group "networking\.k8s\.io" at the cluster scope; answers that depend on NetworkPolicy objects are not reliable/,
    );
    assert.match(r.stdout, /^web\s/m);
    const verdict = await runCli([
      'reach',
      '--kubeconfig',
      s.kubeconfig,
      '--from',
      'shop/web',
      '--to',
      'shop/db',
      '--port',
      '5432',
      '-q',
    ]);
    // Never ALLOWED on policies kubetwin could not read: the answer is unknown.
    assert.match(verdict.stdout, /: UNKNOWN \(the objects kubetwin models say ALLOWED/);
    assert.match(
      verdict.stdout,
      /unknown: NetworkPolicy objects could not be read from the cluster: this verdict does not account for them/,
    );
    assert.equal(verdict.code, 2, 'the 403 is an input error');
  }));
