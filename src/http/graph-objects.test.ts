/** Services, ingress controllers and Gateways as nodes of the UI's graph, with the edges of where each forwards. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../api/index.ts';
import { objectGraph } from './_graph-objects.ts';
import { shopWebDeployment } from '../../test/helpers/shop.ts';

const text = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
${shopWebDeployment}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: nothing, namespace: shop}
spec: {selector: {app: none}, ports: [{port: 80}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge, namespace: shop}
spec:
  gatewayClassName: example
  listeners: [{name: http, port: 8000, protocol: HTTP}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec:
  parentRefs: [{name: edge}]
  rules: [{backendRefs: [{name: web, port: 80}]}]
`;

test('Services, ingress classes and Gateways are nodes; routes edges say where each forwards', () => {
  const g = objectGraph(buildFromTexts([{ file: 'shop.yaml', text }]).model);
  const nodes = g.nodes.map((n) => `${n.kind} ${n.id} in ${n.group}`).sort();
  for (const n of [
    'service service:shop/web in shop',
    'service service:shop/nothing in shop',
    'gateway ingress-class:nginx in (ingress)',
    'gateway gateway:shop/edge in shop',
    'outside internet in (outside)',
  ])
    assert.ok(nodes.includes(n), `${n} in ${JSON.stringify(nodes)}`);
  const edges = g.edges.map((e) => `${e.from} → ${e.to} :${e.label} ${e.verdict}`).sort();
  assert.deepEqual(
    edges.filter((e) => !e.includes('kube-system')),
    [
      'gateway:shop/edge → service:shop/web :80 routes',
      'ingress-class:nginx → service:shop/web :80 routes',
      'internet → gateway:shop/edge :8000 routes',
      'internet → ingress-class:nginx :80 routes',
      'service:shop/web → shop/web :8080 routes',
    ],
  );
});
