/**
 * `serve gateway` over real TLS with client-certificate validation (Gateway `spec.tls.frontend`, GEP-91,
 * https://gateway-api.sigs.k8s.io/reference/spec/#frontendtlsvalidation): AllowValidOnly admits a client whose
 * certificate chains to the listener's `caCertificateRefs` and closes the connection of any other before an HTTP
 * answer (no certificate, an expired one, one of another CA); AllowInsecureFallback admits every client; a port
 * `perPort` leaves without validation behaves as before. Certificates are made with openssl in the test (skipped
 * without it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect as h2connect } from 'node:http2';
import { request } from 'node:https';
import { makeDevCertificate } from '../../sources/dev-cert.ts';
import { startGateway, type RunningGateway } from './index.ts';
import {
  gatewayClass,
  gatewayRouter,
  hasOpenssl,
  listenLocal,
  makeClientPki,
  service,
} from './_test-fixtures.ts';

const yaml = (ca: string) => `${gatewayClass}---
apiVersion: v1
kind: ConfigMap
metadata: {name: ca}
data: {ca.crt: ${JSON.stringify(ca)}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  gatewayClassName: gc
  listeners:
  - {name: strict, port: 443, protocol: HTTPS, hostname: strict.example.com, tls: {certificateRefs: [{name: c}]}}
  - {name: lax, port: 8443, protocol: HTTPS, hostname: lax.example.com, tls: {certificateRefs: [{name: c}]}}
  - {name: open, port: 9443, protocol: HTTPS, hostname: open.example.com, tls: {certificateRefs: [{name: c}]}}
  tls:
    frontend:
      default: {validation: {caCertificateRefs: [{kind: ConfigMap, group: "", name: ca}]}}
      perPort:
      - {port: 8443, tls: {validation: {mode: AllowInsecureFallback, caCertificateRefs: [{kind: ConfigMap, group: "", name: ca}]}}}
      - {port: 9443, tls: {}}
---
${service('foo')}---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: foo}
spec:
  parentRefs: [{name: gw}]
  rules: [{backendRefs: [{name: foo, port: 80}]}]
`;

type Creds = { cert: string; key: string } | undefined;

/** One HTTP/1.1 request over TLS: the status, or the error that ended the connection (refused). */
function get(port: number, sni: string, host: string, creds: Creds): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        servername: sni,
        path: '/',
        headers: { host },
        rejectUnauthorized: false,
        agent: false,
        ...creds,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve(`refused (${e.code ?? e.message})`));
    req.end();
  });
}

/** One HTTP/2 request over TLS (ALPN h2): the status, or the error that ended the session. */
function get2(port: number, sni: string, creds: Creds): Promise<number | string> {
  return new Promise((resolve) => {
    const session = h2connect(`https://127.0.0.1:${port}`, {
      servername: sni,
      rejectUnauthorized: false,
      ...creds,
    });
    const done = (v: number | string) => {
      session.destroy();
      resolve(v);
    };
    session.on('error', (e: NodeJS.ErrnoException) => done(`refused (${e.code ?? e.message})`));
    session.on('close', () => done('refused (closed)'));
    const s = session.request({ ':path': '/', ':authority': sni });
    s.on('error', (e: NodeJS.ErrnoException) => done(`refused (${e.code ?? e.message})`));
    s.on('response', (h) => {
      s.resume();
      s.on('end', () => done(Number(h[':status'])));
    });
    s.end();
  });
}

test(
  'serve gateway: client certificates checked per listener (AllowValidOnly, AllowInsecureFallback, none)',
  { skip: !hasOpenssl && 'openssl is not installed' },
  async () => {
    const pki = makeClientPki();
    const { model, router } = gatewayRouter(yaml(pki.ca));
    const upstream = createServer((_req, res) => res.end('ok'));
    const upstreamUrl = await listenLocal(upstream);
    const dev = makeDevCertificate(['*.example.com']);
    assert.ok(typeof dev !== 'string', String(dev));
    const gws: RunningGateway[] = [];
    const serve = async (httpsPort: number) => {
      const gw = await startGateway({
        router,
        routing: model.routing!,
        upstreams: new Map([['default/foo', upstreamUrl]]),
        tlsListen: { host: '127.0.0.1', port: 0 },
        httpsPort,
        fallbackCert: dev,
      });
      gws.push(gw);
      return gw.https!.port;
    };
    try {
      const strict = await serve(443);
      const s = 'strict.example.com';
      assert.equal(await get(strict, s, s, pki.client), 200, 'a certificate of the CA: admitted');
      assert.match(String(await get(strict, s, s, undefined)), /^refused/, 'no certificate: refused');
      assert.match(String(await get(strict, s, s, pki.stranger)), /^refused/, 'another CA: refused');
      assert.match(String(await get(strict, s, s, pki.expired)), /^refused/, 'expired: refused');
      assert.match(
        String(await get(strict, '', s, pki.client)),
        /^refused/,
        'no SNI: nothing was verified against the listener CA',
      );
      assert.equal(await get2(strict, s, pki.client), 200, 'HTTP/2 with a certificate of the CA');
      assert.match(String(await get2(strict, s, undefined)), /^refused/, 'HTTP/2 without a certificate');

      const lax = await serve(8443);
      const l = 'lax.example.com';
      assert.equal(await get(lax, l, l, undefined), 200, 'AllowInsecureFallback: no certificate admitted');
      assert.equal(await get(lax, l, l, pki.stranger), 200, 'AllowInsecureFallback: another CA admitted');
      assert.equal(await get(lax, l, l, pki.client), 200);

      const open = await serve(9443);
      const o = 'open.example.com';
      assert.equal(await get(open, o, o, undefined), 200, 'a port without validation: as before');
      assert.equal(await get(open, '', o, undefined), 200, 'and without SNI');
    } finally {
      await Promise.all(gws.map((g) => g.close()));
      upstream.close();
    }
  },
);

test(
  'serve gateway --watch: validation added by an update is asked for on the next connection',
  { skip: !hasOpenssl && 'openssl is not installed' },
  async () => {
    const pki = makeClientPki();
    const withValidation = gatewayRouter(yaml(pki.ca));
    const without = gatewayRouter(yaml(pki.ca).replace(/ {2}tls:\n {4}frontend:\n(?: {6}.*\n)+/, ''));
    const upstream = createServer((_req, res) => res.end('ok'));
    const upstreamUrl = await listenLocal(upstream);
    const dev = makeDevCertificate(['*.example.com']);
    assert.ok(typeof dev !== 'string', String(dev));
    const gw = await startGateway({
      router: without.router,
      routing: without.model.routing!,
      upstreams: new Map([['default/foo', upstreamUrl]]),
      tlsListen: { host: '127.0.0.1', port: 0 },
      fallbackCert: dev,
    });
    try {
      const port = gw.https!.port;
      const s = 'strict.example.com';
      assert.equal(await get(port, s, s, undefined), 200, 'before: no validation');
      gw.update(withValidation.router, withValidation.model.routing!);
      assert.equal(await get(port, s, s, pki.client), 200, 'after: the certificate is asked for and valid');
      assert.match(String(await get(port, s, s, undefined)), /^refused/, 'after: none is refused');
    } finally {
      await gw.close();
      upstream.close();
    }
  },
);
