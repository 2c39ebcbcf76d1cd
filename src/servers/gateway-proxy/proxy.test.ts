/**
 * The gateway's proxying, in process on loopback ephemeral ports: bodies and queries forwarded intact,
 * hop-by-hop headers dropped, Gateway API header filters and URLRewrite applied on the wire, repeated response
 * headers kept, large responses streamed, body limits (413) and an unreachable upstream (502).
 * https://gateway-api.sigs.k8s.io/reference/spec/#httpheaderfilter
 * https://gateway-api.sigs.k8s.io/reference/spec/#httpurlrewritefilter
 * https://gateway-api.sigs.k8s.io/geps/gep-1767/ (CORS) https://gateway-api.sigs.k8s.io/reference/spec/#httpbackendref
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import { limits, startGateway } from './index.ts';
import { gatewayClass, gatewayRouter, listenLocal, service } from './_test-fixtures.ts';

const yaml = `${gatewayClass}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec: {gatewayClassName: gc, listeners: [{name: http, port: 80, protocol: HTTP}]}
---
${service('app')}---
${service('down')}---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /api}}]
    filters:
    - {type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /v2}}}
    - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: x-env, value: twin}], remove: [x-drop]}}
    - {type: ResponseHeaderModifier, responseHeaderModifier: {add: [{name: x-served-by, value: kubetwin}]}}
    backendRefs: [{name: app, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /down}}]
    backendRefs: [{name: down, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /cors}}]
    filters:
    - {type: CORS, cors: {allowOrigins: ["https://app.example.com"], allowMethods: [PUT], exposeHeaders: [x-trace]}}
    backendRefs:
    - name: app
      port: 80
      filters:
      - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: x-backend, value: app}]}}
      - {type: ResponseHeaderModifier, responseHeaderModifier: {set: [{name: x-backend-resp, value: app}]}}
`;

type Seen = { method?: string; url?: string; headers: IncomingHttpHeaders; body: string };

async function withGateway(fn: (port: number, seen: Seen[]) => Promise<void>) {
  const { model, router } = gatewayRouter(yaml);
  const seen: Seen[] = [];
  const upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      if (req.url?.startsWith('/v2/big')) return res.end(Buffer.alloc(5 * 1024 * 1024, 97));
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.end('ok');
    });
  });
  const upstreamUrl = await listenLocal(upstream);
  const closed = createServer();
  const closedUrl = await listenLocal(closed);
  await new Promise<void>((r) => closed.close(() => r())); // a port nothing listens on
  const upstreams = new Map([
    ['default/app', upstreamUrl],
    ['default/down', closedUrl],
  ]);
  const gw = await startGateway({
    router,
    routing: model.routing!,
    upstreams,
    listen: { host: '127.0.0.1', port: 0 },
  });
  try {
    await fn(gw.http!.port, seen);
  } finally {
    await gw.close();
    upstream.closeAllConnections();
    upstream.close();
  }
}

function send(
  port: number,
  o: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: o.method ?? 'GET',
        path: o.path,
        headers: { host: 'app.example.com', ...o.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

test('proxy: body, method and query forwarded; URLRewrite and RequestHeaderModifier on the wire; hop-by-hop headers dropped', async () => {
  await withGateway(async (port, seen) => {
    const r = await send(port, {
      method: 'POST',
      path: '/api/items?q=a+b&q=c',
      headers: { 'x-drop': '1', 'keep-alive': 'timeout=5', 'content-type': 'text/plain' },
      body: 'hello',
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), 'ok');
    const s = seen[0];
    assert.equal(s.method, 'POST');
    assert.equal(s.url, '/v2/items?q=a+b&q=c');
    assert.equal(s.body, 'hello');
    assert.equal(s.headers['x-env'], 'twin');
    assert.equal(s.headers['x-drop'], undefined);
    assert.equal(s.headers['keep-alive'], undefined);
    assert.equal(s.headers.host, 'app.example.com');
    assert.equal(s.headers['x-forwarded-proto'], 'http');
  });
});

test('proxy: repeated response headers stay separate; ResponseHeaderModifier adds; a 5 MB response streams through whole', async () => {
  await withGateway(async (port) => {
    const r = await send(port, { path: '/api/x' });
    assert.deepEqual(r.headers['set-cookie'], ['a=1', 'b=2']);
    assert.equal(r.headers['x-served-by'], 'kubetwin');
    const big = await send(port, { path: '/api/big' });
    assert.equal(big.status, 200);
    assert.equal(big.body.length, 5 * 1024 * 1024);
  });
});

test('proxy: bodies over the limit get 413 (announced or streamed); an unreachable upstream gets 502 with the reason', async () => {
  await withGateway(async (port, seen) => {
    const announced = await send(port, {
      method: 'POST',
      path: '/api/x',
      headers: { 'content-length': String(limits.maxBodyBytes + 1) },
      body: Buffer.alloc(0),
    });
    assert.equal(announced.status, 413);
    const streamed = await send(port, {
      method: 'POST',
      path: '/api/x',
      headers: { 'transfer-encoding': 'chunked' },
      body: Buffer.alloc(limits.maxBodyBytes + 1024),
    }).catch((e: Error) => ({ status: -1, headers: {}, body: Buffer.from(e.message) }));
    assert.ok(streamed.status === 413 || streamed.status === -1, `got ${streamed.status}`);
    assert.ok(
      !seen.some((s) => s.body.length > limits.maxBodyBytes),
      'the upstream never received an over-limit body',
    );
    const down = await send(port, { path: '/down' });
    assert.equal(down.status, 502);
    assert.match(
      String(down.headers['x-kubetwin-explain']),
      /^upstream http:\/\/127\.0\.0\.1:\d+ for default\/down: /,
    );
  });
});

test('proxy: a CORS preflight is answered by the gateway (200, Access-Control-* headers), nothing reaches the upstream', async () => {
  await withGateway(async (port, seen) => {
    const r = await send(port, {
      method: 'OPTIONS',
      path: '/cors/items',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PUT' },
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers['access-control-allow-origin'], 'https://app.example.com');
    assert.equal(r.headers['access-control-allow-methods'], 'PUT');
    assert.equal(r.headers['access-control-max-age'], '5');
    assert.equal(seen.length, 0);
  });
});

test('proxy: a cross-origin request is forwarded with the backendRef filters; the response gains CORS and backend headers', async () => {
  await withGateway(async (port, seen) => {
    const r = await send(port, { path: '/cors/items', headers: { origin: 'https://app.example.com' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers['access-control-allow-origin'], 'https://app.example.com');
    assert.equal(r.headers['access-control-expose-headers'], 'x-trace');
    assert.equal(r.headers['x-backend-resp'], 'app');
    assert.equal(seen[0].headers['x-backend'], 'app');
    const other = await send(port, { path: '/api/x' });
    assert.equal(other.headers['x-backend-resp'], undefined, 'another rule has no backendRef filters');
  });
});
