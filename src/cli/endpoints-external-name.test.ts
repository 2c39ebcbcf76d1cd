/**
 * `endpoints` on an ExternalName Service: it has no EndpointSlices by design (its selector is ignored, the
 * EndpointSlice controller skips it, kube-proxy programs no rule: Service API reference, ServiceSpec), so the command
 * answers that, with the externalName and what cluster DNS returns for the Service's name (the CNAME), exit 0.
 * https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from './program.ts';

const yaml = `apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec: {type: ExternalName, externalName: db.example.com}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {type: ExternalName, externalName: web.shop.svc.cluster.local}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {clusterIP: 10.96.7.7, selector: {app: web}, ports: [{port: 80}]}
`;

async function endpoints(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(['endpoints', ...args, '-q', '-f', '-'], {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    readStdin: async () => yaml,
  });
  return { code, out, err };
}

test('endpoints on an ExternalName Service: no endpoints by design, its externalName and the CNAME, exit 0', async () => {
  const r = await endpoints('service:shop/db');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^Service shop\/db is ExternalName: externalName db\.example\.com/);
  assert.match(r.out, /no endpoints \(by design/);
  assert.match(r.out, /db\.shop\.svc\.cluster\.local\. \d+ IN CNAME db\.example\.com\./);
});

test('endpoints on an ExternalName Service: JSON names the externalName and what resolve returns, in-cluster target followed', async () => {
  const r = await endpoints('shop/api', '-o', 'json');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.type, 'ExternalName');
  assert.equal(j.externalName, 'web.shop.svc.cluster.local');
  assert.equal(j.dns.rcode, 'NOERROR');
  assert.match(j.dns.answer.join('\n'), /CNAME web\.shop\.svc\.cluster\.local\.\n.*IN A 10\.96\.7\.7/);
});
