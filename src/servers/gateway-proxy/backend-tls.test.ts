/**
 * `serve gateway` originates TLS to a backend a BackendTLSPolicy targets, as a client following
 * BackendTLSPolicyValidation (https://gateway-api.sigs.k8s.io/reference/spec/#backendtlspolicyvalidation): SNI
 * `hostname`, the certificate chained to the ConfigMap's `ca.crt`, its names checked against `hostname` (or the
 * subjectAltNames). A real HTTPS upstream on loopback; skipped without openssl (for the certificates).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import { request } from 'node:http';
import { makeDevCertificate } from '../../sources/dev-cert.ts';
import { startGateway } from './index.ts';
import { gatewayClass, gatewayRouter, hasOpenssl, listenLocal } from './_test-fixtures.ts';

const indent = (pem: string) =>
  pem
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

const yaml = (ca: string, hostname: string, sans = '') => `${gatewayClass}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  gatewayClassName: gc
  listeners: [{name: http, port: 80, protocol: HTTP}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{name: https, port: 443}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web}
spec:
  parentRefs: [{name: gw}]
  rules: [{backendRefs: [{name: web, port: 443}]}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: ca}
data:
  ca.crt: |
${indent(ca)}
---
apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {name: web}
spec:
  targetRefs: [{group: "", kind: Service, name: web}]
  validation:
    hostname: ${hostname}
    caCertificateRefs: [{group: "", kind: ConfigMap, name: ca}]
${sans}`;

function get(port: number): Promise<{ status: number; body: string; explain: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/', headers: { host: 'shop.example.com' }, agent: false },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body,
            explain: String(res.headers['x-kubetwin-explain'] ?? ''),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test(
  'serve gateway: a BackendTLSPolicy makes the gateway reach the backend over TLS, validating its certificate',
  { skip: !hasOpenssl && 'openssl is not installed' },
  async () => {
    const backendCert = makeDevCertificate(['web.example.com']);
    const stranger = makeDevCertificate(['web.example.com']);
    assert.ok(typeof backendCert !== 'string' && typeof stranger !== 'string');
    let sni = '';
    const upstream = createServer({ cert: backendCert.cert, key: backendCert.key }, (req, res) => {
      sni = String((req.socket as { servername?: string }).servername ?? '');
      res.end('over tls');
    });
    const upstreamUrl = await listenLocal(upstream);
    const through = async (text: string) => {
      const { model, router } = gatewayRouter(text);
      const gw = await startGateway({
        router,
        routing: model.routing!,
        upstreams: new Map([['default/web', upstreamUrl]]),
        listen: { host: '127.0.0.1', port: 0 },
      });
      try {
        return await get(gw.http!.port);
      } finally {
        await gw.close();
      }
    };
    try {
      const ok = await through(yaml(backendCert.cert, 'web.example.com'));
      assert.equal(ok.status, 200, ok.explain);
      assert.equal(ok.body, 'over tls');
      assert.equal(sni, 'web.example.com', 'the policy hostname is the SNI');
      const untrusted = await through(yaml(stranger.cert, 'web.example.com'));
      assert.equal(untrusted.status, 502, 'a certificate that does not chain to the ConfigMap CA is refused');
      const misnamed = await through(yaml(backendCert.cert, 'api.example.com'));
      assert.equal(misnamed.status, 502, 'a certificate that does not name the hostname is refused');
      const bySan = await through(
        yaml(
          backendCert.cert,
          'api.example.com',
          '    subjectAltNames: [{type: Hostname, hostname: web.example.com}]',
        ),
      );
      assert.equal(bySan.status, 200, 'subjectAltNames replace the hostname for the identity check');
    } finally {
      upstream.close();
    }
  },
);
