/**
 * `serve gateway` over a ListenerSet (GEP-1713, https://gateway-api.sigs.k8s.io/geps/gep-1713/): a request for the
 * ListenerSet's hostname is forwarded to the route attached to that ListenerSet; a host only a ListenerSet the
 * Gateway does not admit listens for gets the gateway's 404.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter } from '../../analysis/route/index.ts';
import { startGateway } from './index.ts';

const yaml = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: gc}
spec: {controllerName: example.com/gc}
---
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
apiVersion: v1
kind: Service
metadata: {name: shop}
spec: {selector: {app: shop}, ports: [{port: 80}]}
---
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
  const { model } = buildFromTexts([{ file: 'in.yaml', text: yaml }]);
  const router = compileRouter(model, { via: { kind: 'gateway', namespace: 'default', name: 'gw' } });
  assert.ok(typeof router !== 'string', String(router));
  const upstream = createServer((_req, res) => res.end('shop'));
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  const gw = await startGateway({
    router,
    routing: model.routing!,
    upstreams: new Map([
      ['default/shop', new URL(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`)],
    ]),
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
