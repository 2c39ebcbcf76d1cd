/**
 * `serve gateway` over real TLS: a request whose Host selects another HTTPS listener than the SNI of its connection
 * gets 421 Misdirected Request (GEP-3567 (B), https://gateway-api.sigs.k8s.io/geps/gep-3567/); matching names
 * are forwarded. Skipped without openssl (for the certificate).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { request } from 'node:https';
import { makeDevCertificate } from '../../sources/dev-cert.ts';
import { startGateway } from './index.ts';
import { gatewayClass, gatewayRouter, hasOpenssl, listenLocal, service } from './_test-fixtures.ts';

const yaml = `${gatewayClass}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  gatewayClassName: gc
  listeners:
  - {name: foo, port: 443, protocol: HTTPS, hostname: foo.example.com, tls: {certificateRefs: [{name: c}]}}
  - {name: wild, port: 443, protocol: HTTPS, hostname: "*.example.com", tls: {certificateRefs: [{name: c}]}}
---
${service('foo')}---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: foo}
spec:
  parentRefs: [{name: gw, sectionName: foo}]
  rules: [{backendRefs: [{name: foo, port: 80}]}]
`;

function get(port: number, sni: string, host: string): Promise<{ status: number; explain: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        servername: sni,
        path: '/',
        headers: { host },
        rejectUnauthorized: false,
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, explain: String(res.headers['x-kubetwin-explain'] ?? '') }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test(
  'serve gateway over TLS: SNI and Host on different listeners → 421; on the same listener → forwarded',
  { skip: !hasOpenssl && 'openssl is not installed' },
  async () => {
    const { model, router } = gatewayRouter(yaml);
    const upstream = createServer((_req, res) => res.end('ok'));
    const upstreamUrl = await listenLocal(upstream);
    const dev = makeDevCertificate(['foo.example.com', '*.example.com']);
    assert.ok(typeof dev !== 'string', String(dev));
    const gw = await startGateway({
      router,
      routing: model.routing!,
      upstreams: new Map([['default/foo', upstreamUrl]]),
      tlsListen: { host: '127.0.0.1', port: 0 },
      fallbackCert: dev,
    });
    try {
      const port = gw.https!.port;
      const same = await get(port, 'foo.example.com', 'foo.example.com');
      assert.equal(same.status, 200);
      const coalesced = await get(port, 'bar.example.com', 'foo.example.com');
      assert.equal(coalesced.status, 421);
      assert.match(coalesced.explain, /SNI bar\.example\.com selected listener wild/);
    } finally {
      await gw.close();
      upstream.close();
    }
  },
);
