/**
 * `serve gateway` Layer-4 listeners on loopback ephemeral ports: a TCPRoute forwards the bytes both ways; a
 * TLS passthrough listener picks the TLSRoute by the ClientHello's SNI and forwards the encrypted stream, so
 * the client completes its handshake with the backend's own certificate (the spec's Passthrough mode:
 * https://gateway-api.sigs.k8s.io/reference/spec/#tlsmodetype). Skipped without openssl (for the certificate).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect } from 'node:net';
import { createServer as createTlsServer, connect as tlsConnect } from 'node:tls';
import { makeDevCertificate } from '../../sources/dev-cert.ts';
import { pickBackend, startL4Listener } from './index.ts';
import { readSni } from './_sni.ts';
import { gatewayClass, gatewayRouter, hasOpenssl, listenLocal } from './_test-fixtures.ts';

const manifests = `${gatewayClass}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  gatewayClassName: gc
  listeners:
  - {name: tls, port: 443, protocol: TLS, tls: {mode: Passthrough}}
  - {name: tcp, port: 6379, protocol: TCP}
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TLSRoute
metadata: {name: shop, namespace: default}
spec: {parentRefs: [{name: gw}], hostnames: [shop.example.com], rules: [{backendRefs: [{name: shop, port: 8443}]}]}
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: redis, namespace: default}
spec: {parentRefs: [{name: gw, sectionName: tcp}], rules: [{backendRefs: [{name: redis, port: 6379}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: shop, namespace: default}
spec: {ports: [{port: 8443}]}
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: default}
spec: {ports: [{port: 6379}]}
`;

const router = () => gatewayRouter(manifests).router;
const local = { host: '127.0.0.1', port: 0 };

test('TCPRoute over a real socket: the bytes reach the mapped upstream and come back', async () => {
  const echo = createServer((s) => s.on('data', (d) => s.write(`echo:${d}`)));
  const at = await listenLocal(echo);
  const r = router();
  const gw = await startL4Listener({
    router: () => r,
    upstreams: new Map([['default/redis', at]]),
    listen: local,
    modelPort: 6379,
    protocol: 'tcp',
  });
  try {
    const reply = await new Promise<string>((resolve, reject) => {
      const c = connect(gw.address.port, '127.0.0.1', () => c.write('PING'));
      c.on('data', (d) => (resolve(String(d)), c.destroy()));
      c.on('error', reject);
    });
    assert.equal(reply, 'echo:PING');
  } finally {
    await gw.close();
    echo.close();
  }
});

test(
  "TLS passthrough over a real socket: the SNI picks the TLSRoute, the backend's certificate reaches the client",
  { skip: !hasOpenssl && 'openssl is not installed' },
  async () => {
    const cert = makeDevCertificate(['shop.example.com']);
    assert.ok(typeof cert !== 'string');
    const backend = createTlsServer({ cert: cert.cert, key: cert.key }, (s) =>
      s.end('hello from the backend'),
    );
    const at = await listenLocal(backend);
    const r = router();
    const lines: string[] = [];
    const gw = await startL4Listener({
      router: () => r,
      upstreams: new Map([['default/shop', at]]),
      listen: local,
      modelPort: 443,
      protocol: 'tls',
      log: (l) => lines.push(l),
    });
    const dial = (servername: string) =>
      new Promise<string>((resolve) => {
        let secure = false;
        let got = '';
        const c = tlsConnect({ port: gw.address.port, host: '127.0.0.1', servername, ca: cert.cert }, () => {
          secure = true;
        });
        c.on('data', (d) => (got += d));
        c.on('close', () => resolve(secure ? got : 'no handshake'));
        c.on('error', () => undefined);
      });
    try {
      assert.equal(
        await dial('shop.example.com'),
        'hello from the backend',
        'verified against the backend certificate',
      );
      assert.equal(await dial('blog.example.com'), 'no handshake');
      assert.match(lines.join('\n'), /refused tls SNI blog\.example\.com: no TLSRoute/);
    } finally {
      await gw.close();
      backend.close();
    }
  },
);

test('readSni: RFC 6066 server_name from a real ClientHello; partial and non-TLS input', async () => {
  const sink = createServer((s) => s.once('data', (d) => (captured = d)));
  let captured: Buffer | undefined;
  const at = await listenLocal(sink);
  const c = tlsConnect({ port: Number(at.port), host: '127.0.0.1', servername: 'Api.Example.com' });
  c.on('error', () => undefined);
  while (!captured) await new Promise((r) => setTimeout(r, 10));
  c.destroy();
  sink.close();
  assert.equal(readSni(captured), 'api.example.com');
  assert.equal(readSni(captured.subarray(0, 20)), 'more');
  assert.equal(readSni(Buffer.from('GET / HTTP/1.1\r\n\r\n')), 'not-tls');
});

test('pickBackend: weights share connections; invalid backends get none', () => {
  const bs = [
    { namespace: 'a', name: 'x', port: 1, weight: 3 },
    { namespace: 'a', name: 'y', port: 1, weight: 1 },
    { namespace: 'a', name: 'z', port: 1, weight: 5, problem: 'BackendNotFound' },
  ];
  assert.equal(pickBackend(bs, 0)?.name, 'x');
  assert.equal(pickBackend(bs, 0.74)?.name, 'x');
  assert.equal(pickBackend(bs, 0.76)?.name, 'y');
  assert.equal(pickBackend([bs[2]], 0.5), undefined);
});
