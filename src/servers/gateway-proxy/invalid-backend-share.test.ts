/**
 * serve gateway answers the share of an invalid backendRef with 500, as the Gateway API requires: "the proportion of
 * requests that would otherwise have been routed to an invalid backend MUST receive a 500 status code"
 * (HTTPRouteRule.BackendRefs). Before, the valid backend took every request.
 * https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule
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
spec: {gatewayClassName: gc, listeners: [{name: http, port: 80, protocol: HTTP}]}
---
${service('app')}---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec:
  parentRefs: [{name: gw}]
  rules:
  - backendRefs: [{name: app, port: 80, weight: 3}, {name: missing, port: 80, weight: 1}]
`;

const get = (port: number) =>
  new Promise<number>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/', headers: { host: 'app.example.com' }, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });

test('rule HTTPRouteRule.BackendRefs (invalid share gets 500): serve gateway answers 1 request in 4 with 500 for a weight-1 missing Service beside a weight-3 one', async () => {
  const { model, router } = gatewayRouter(yaml);
  const upstream = createServer((_, res) => res.end('ok'));
  const upstreams = new Map([['default/app', await listenLocal(upstream)]]);
  const gw = await startGateway({
    router,
    routing: model.routing!,
    upstreams,
    listen: { host: '127.0.0.1', port: 0 },
  });
  try {
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) codes.push(await get(gw.http!.port));
    assert.deepEqual([codes.filter((c) => c === 200).length, codes.filter((c) => c === 500).length], [6, 2]);
  } finally {
    await gw.close();
    upstream.closeAllConnections();
    upstream.close();
  }
});
