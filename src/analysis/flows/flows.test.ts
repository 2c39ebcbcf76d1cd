import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests } from '../../parse/index.ts';
import { buildFromTexts } from '../../api/index.ts';
import { flowsFromClientIntents, parseFlowTarget, readFlowsFile } from './index.ts';
import type { Diagnostic } from '../../model/diagnostic.ts';

test('flow targets: URLs take the scheme default port; tcp/udp need one; service:, ip: and ns/name forms', () => {
  assert.deepEqual(parseFlowTarget('https://api.yourdomain.com/auth/login', undefined, undefined), {
    kind: 'url',
    scheme: 'https',
    host: 'api.yourdomain.com',
    port: 443,
    path: '/auth/login',
    protocol: 'TCP',
  });
  assert.deepEqual(parseFlowTarget('udp://kube-dns.kube-system:53', undefined, undefined), {
    kind: 'url',
    scheme: 'udp',
    host: 'kube-dns.kube-system',
    port: 53,
    path: '/',
    protocol: 'UDP',
  });
  assert.equal(typeof parseFlowTarget('tcp://db', undefined, undefined), 'string');
  assert.deepEqual(parseFlowTarget('service:shop/web:80', undefined, undefined), {
    kind: 'service',
    namespace: 'shop',
    name: 'web',
    port: 80,
    protocol: 'TCP',
  });
  assert.deepEqual(parseFlowTarget('ip:10.0.1.11:6443', undefined, undefined), {
    kind: 'ip',
    ip: '10.0.1.11',
    port: 6443,
    protocol: 'TCP',
  });
  assert.deepEqual(parseFlowTarget('e-commerce/auth-service', 9090, 'TCP'), {
    kind: 'ref',
    namespace: 'e-commerce',
    name: 'auth-service',
    port: 9090,
    protocol: 'TCP',
  });
  assert.deepEqual(parseFlowTarget('redis:6379', undefined, undefined), {
    kind: 'url',
    scheme: 'tcp',
    host: 'redis',
    port: 6379,
    path: '/',
    protocol: 'TCP',
  });
});

test('a flows file with a bad step reports it at its line and keeps the other steps', () => {
  const { objects } = parseManifests([
    {
      file: 'flows.yaml',
      text: 'flows:\n  - name: login\n    steps:\n      - {from: internet, to: "https://a.example.com/"}\n      - {from: x/y, to: "tcp://db"}\n',
    },
  ]);
  const ds: Diagnostic[] = [];
  const flows = readFlowsFile(objects, (d) => ds.push(d));
  assert.equal(flows[0].steps.length, 1);
  assert.equal(ds[0].code, 'invalid-flows');
  assert.equal(ds[0].source?.line, 5);
});

test('the e-commerce flows file parses without problems', async () => {
  const { readFileSync } = await import('node:fs');
  const { objects } = parseManifests([
    { file: 'flows.yaml', text: readFileSync('examples/e-commerce/flows.yaml', 'utf8') },
  ]);
  const ds: Diagnostic[] = [];
  const flows = readFlowsFile(objects, (d) => ds.push(d));
  assert.deepEqual(ds, []);
  assert.ok(flows.length >= 5);
});

test('Otterize ClientIntents (v1alpha3 calls and v2 targets) become declared flows', () => {
  const text = `apiVersion: k8s.otterize.com/v1alpha3\nkind: ClientIntents\nmetadata: {name: a, namespace: shop}\nspec: {service: {name: web}, calls: [{name: db}, {name: cache.infra}]}\n---\napiVersion: k8s.otterize.com/v2\nkind: ClientIntents\nmetadata: {name: b, namespace: shop}\nspec: {workload: {name: api}, targets: [{kubernetes: {name: web}}]}\n`;
  const flows = flowsFromClientIntents(buildFromTexts([{ file: 'i.yaml', text }]).model);
  assert.deepEqual(
    flows.map((f) => f.steps.map((s) => s.text)),
    [
      ['shop/web → shop/db (any declared port)', 'shop/web → infra/cache (any declared port)'],
      ['shop/api → shop/web (any declared port)'],
    ],
  );
});
