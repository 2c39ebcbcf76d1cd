/**
 * istiod gives a gateway proxy (type Router) the default SidecarScope, never one built from a `Sidecar` resource:
 * istio/istio `pilot/pkg/model/push_context.go` getSidecarScope returns the scope without a Sidecar for a Router, and
 * `context.go` SetSidecarScope says "Gateways should just have a default scope". The ACM workshop's mesh-wide
 * Sidecar in istio-system (`egress.hosts: ./*, istio-system/*`) therefore narrows its apps' sidecars, not the ingress
 * gateway in asm-ingress, which still routes to the apps with mTLS. kubetwin applied the root Sidecar to the gateway
 * pods, sent their requests through the PassthroughCluster as plaintext and had STRICT mTLS refuse them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { sidecarScope } from './istio/_sidecar-scope.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { createTraceContext, trace } from '../trace/index.ts';

const yaml = `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Namespace
metadata: {name: edge, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Pod
metadata: {name: gw, namespace: edge, labels: {app: gw}, annotations: {inject.istio.io/templates: gateway}}
spec: {containers: [{name: istio-proxy, image: auto, ports: [{containerPort: 8080}]}]}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: edge}
spec:
  selector: {app: gw}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: istio-system}
spec:
  egress: [{hosts: ["./*", "istio-system/*"]}]
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec: {mtls: {mode: STRICT}}
`;

const cluster = () =>
  buildFromTexts([{ file: 'mesh.yaml', text: yaml }], {
    profile: {
      file: 'kubetwin.yaml',
      text: 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nmesh: {name: istio}\n',
    },
  }).model;

test('rule sidecar-resource-not-for-gateways: the root Sidecar scopes the apps, not the gateway proxy', () => {
  const model = cluster();
  const pod = (name: string) => model.pods.find((p) => p.name === name)!;
  assert.equal(sidecarScope(model, pod('gw')).sidecar, undefined, 'the gateway takes the default scope');
  assert.equal(
    sidecarScope(model, pod('web')).sidecar?.name,
    'default',
    'an app sidecar takes the root Sidecar',
  );
});

test('rule sidecar-resource-not-for-gateways: the gateway reaches an app of another namespace with mTLS', () => {
  const model = cluster();
  const to = parseFlowTarget('http://web.shop/', undefined, undefined);
  assert.ok(typeof to !== 'string');
  const t = trace(createTraceContext(model), { kind: 'ref', namespace: 'edge', name: 'gw' }, to);
  assert.equal(t.outcome, 'delivered', t.failure?.reason);
  assert.ok(!t.hops.some((h) => /PassthroughCluster/.test(h.details.join('\n'))));
});
