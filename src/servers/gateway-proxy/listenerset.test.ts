/**
 * `serve gateway` over a ListenerSet (GEP-1713, https://gateway-api.sigs.k8s.io/geps/gep-1713/): a request for the
 * ListenerSet's hostname is forwarded to the route attached to that ListenerSet; a host only a ListenerSet the
 * Gateway does not admit listens for gets the gateway's 404.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { startGateway } from './index.ts';
import { gatewayClass, gatewayRouter, listenLocal, service } from './_test-fixtures.ts';

const yaml = `${gatewayClass}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  gatewayClassName: gc
  allowedListeners: {namespaces: {from: Same}}
  listeners: [{name: http, port: 80, protocol: HTTP, hostname: www.example.com}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata: {name: team}
spec:
  parentRef: {name: gw}
  listeners: [{name: shop, port: 80, protocol: HTTP, hostname: shop.example.com}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata: {name: stranger, namespace: elsewhere}
spec:
  parentRef: {name: gw, namespace: default}
  listeners: [{name: blog, port: 80, protocol: HTTP, hostname: blog.example.com}]
---
${service('shop')}---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop}
spec:
  parentRefs: [{name: team, kind: ListenerSet, group: gateway.networking.k8s.io}]
  rules: [{backendRefs: [{name: shop, port: 80}]}]
`;

function get(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host }, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('rule listenerset-serve-gateway: serve gateway forwards a ListenerSet listener host to its route; a host of a refused ListenerSet gets 404', async () => {
  const { model, router } = gatewayRouter(yaml);
  const upstream = createServer((_req, res) => res.end('shop'));
  const upstreamUrl = await listenLocal(upstream);
  const gw = await startGateway({
    router,
    routing: model.routing!,
    upstreams: new Map([['default/shop', upstreamUrl]]),
    listen: { host: '127.0.0.1', port: 0 },
  });
  try {
    assert.deepEqual(await get(gw.http!.port, 'shop.example.com'), { status: 200, body: 'shop' });
    assert.equal((await get(gw.http!.port, 'blog.example.com')).status, 404);
  } finally {
    await gw.close();
    upstream.closeAllConnections();
    upstream.close();
  }
});
