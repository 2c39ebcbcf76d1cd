/**
 * `diff --base-kubeconfig`: the live cluster (the recorded API server, through the real client) against the same
 * cluster with the -f manifests applied over it — here a manifest that opens the denied database port.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './_test-run.ts';
import { startFakeApiServer } from '../sources/live/_test-apiserver.ts';

const pod = (name: string, ip: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels: { app: name } },
  spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 5432 }] }] },
  status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] },
});

test('diff --base-kubeconfig: live cluster → live cluster with -f over it', async () => {
  const s = await startFakeApiServer();
  s.serveBuiltins();
  s.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  s.apply(pod('web', '10.244.1.5'));
  s.apply(pod('db', '10.244.1.6'));
  s.apply({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'db', namespace: 'shop' },
    spec: { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] },
  });
  const dir = mkdtempSync(join(tmpdir(), 'kubetwin-diff-live-'));
  const file = join(dir, 'db.yaml');
  writeFileSync(
    file,
    `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 5432}]
`,
  );
  try {
    const r = await runCli(['diff', '--base-kubeconfig', s.kubeconfig, '-f', file, '-o', 'json', '-q']);
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout) as {
      objects: { key: string; change: string }[];
      effects: { subject: string; before: string; after: string; cause: { objects: string[] } }[];
    };
    assert.deepEqual(
      d.objects.map((o) => `${o.change} ${o.key}`),
      ['modified NetworkPolicy/shop/db'],
    );
    const e = d.effects.find((x) => x.subject === 'shop/web → shop/db:5432/TCP');
    assert.ok(e, JSON.stringify(d.effects.map((x) => x.subject)));
    assert.equal(e.before, 'denied (0/1 pod pairs)');
    assert.equal(e.after, 'allowed (1/1 pod pairs)');
    assert.deepEqual(e.cause.objects, ['NetworkPolicy/shop/db']);
  } finally {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
