/**
 * Request mirroring in `trace`: the copy is fire-and-forget (Istio's mirroring task: "responses to the mirrored
 * traffic are ignored", https://istio.io/latest/docs/tasks/traffic-management/mirroring/; GEP-3171 for the Gateway
 * API's RequestMirror percent), so the trace shows it as an `info` side hop with its destination and share, and its
 * verdict stays the primary request's. The trace said nothing of a mirror.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { createTraceContext, internetClient, trace } from './index.ts';
import { compileRouter, parseRequest } from '../route/index.ts';
import { renderRoute, routeJson } from '../../render/route.ts';
import { routingFixture, toV, vs } from '../../../test/helpers/istio-routing.ts';

function traceIn(
  model: Parameters<typeof createTraceContext>[0],
  from: Parameters<typeof trace>[1],
  url: string,
) {
  const to = parseFlowTarget(url, undefined, undefined);
  assert.ok(typeof to !== 'string', String(to));
  return trace(createTraceContext(model), from, to);
}

test('mirror-side-hop: a VirtualService mirror is an info side hop after the sidecar; the verdict is the primary’s', () => {
  const { model } = buildFromTexts(
    [
      { file: 'app.yaml', text: routingFixture.text },
      {
        file: 'vs.yaml',
        text: vs(
          `  - ${toV('v1').trim()}\n    mirror: {host: backend, subset: v2}\n    mirrorPercentage: {value: 25}\n`,
        ),
      },
    ],
    { profile: routingFixture.profile },
  );
  const t = traceIn(model, { kind: 'ref', namespace: 'shop', name: 'web' }, 'http://backend/');
  assert.equal(t.outcome, 'delivered', t.failure?.reason);
  assert.ok(
    t.delivered.every((d) => d.pod.startsWith('shop/backend-v1')),
    'only the primary is delivered',
  );
  const i = t.hops.findIndex((h) => h.kind === 'mirror');
  assert.equal(t.hops[i - 1].kind, 'sidecar');
  assert.equal(t.hops[i].verdict, 'info');
  assert.match(t.hops[i].title, /side hop, a copy of 25% of requests → Service shop\/backend:80 subset v2/);
  assert.match(t.hops[i].details.join('\n'), /workloads: shop\/backend-v2/);
});

/** The TLS passthrough scenario's Gateway with an HTTP listener, a `shop-shadow` app, and `route` attached. */
function gatewayWithRoute(route: string) {
  const dir = 'testdata/scenarios/gateway-tls-passthrough-trace/input';
  const cluster = readFileSync(`${dir}/cluster.yaml`, 'utf8')
    .replace(
      '  - {name: postgres,',
      '  - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}\n  - {name: postgres,',
    )
    .replace(
      'ports: [{name: tls, port: 443, targetPort: 8443},',
      'ports: [{name: http, port: 80, targetPort: 8080}, {name: tls, port: 443, targetPort: 8443},',
    )
    .replace(
      'ports: [{containerPort: 8443}, {containerPort: 5432}]',
      'ports: [{containerPort: 8080}, {containerPort: 8443}, {containerPort: 5432}]',
    );
  const shadow = `---
apiVersion: v1
kind: Service
metadata: {name: shop-shadow, namespace: apps}
spec: {selector: {app: shop-shadow}, ports: [{port: 8443}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop-shadow, namespace: apps}
spec:
  replicas: 1
  selector: {matchLabels: {app: shop-shadow}}
  template:
    metadata: {labels: {app: shop-shadow}}
    spec: {containers: [{name: shop, image: shop, ports: [{containerPort: 8443}]}]}
`;
  return buildFromTexts([{ file: 'cluster.yaml', text: cluster + shadow + route }], {
    profile: { file: 'kubetwin.yaml', text: readFileSync(`${dir}/kubetwin.yaml`, 'utf8') },
  }).model;
}

const mirrorRoute = (backendRef: string, share: string) => `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop-http, namespace: apps}
spec:
  parentRefs: [{name: edge, namespace: infra, sectionName: http}]
  hostnames: [shop.example.com]
  rules:
  - filters: [{type: RequestMirror, requestMirror: {backendRef: ${backendRef}, ${share}}}]
    backendRefs: [{name: shop, port: 8443}]
`;

test('mirror-side-hop: a Gateway HTTPRoute RequestMirror with percent is a side hop after the route hop', () => {
  const model = gatewayWithRoute(
    mirrorRoute('{name: db, port: 5432}', 'fraction: {numerator: 1, denominator: 10}'),
  );
  const t = traceIn(model, { kind: 'ip', ip: internetClient }, 'http://shop.example.com/');
  assert.equal(t.outcome, 'delivered', t.failure?.reason);
  const i = t.hops.findIndex((h) => h.kind === 'mirror');
  assert.equal(t.hops[i - 1].kind, 'route');
  assert.equal(t.hops[i].verdict, 'info');
  assert.match(t.hops[i].title, /side hop, a copy of 10% of requests → Service apps\/db:5432/);
  // No pod backs apps/db: the copies are lost, which the side hop says.
  assert.match(t.hops[i].details.join('\n'), /the copies land on: no ready endpoint \(the copies are lost\)/);
});

test("HTTPRequestMirrorFilter: the copy's path is traced from the gateway pod to where the copies land; the response still comes from the main backend", () => {
  const model = gatewayWithRoute(mirrorRoute('{name: shop-shadow, port: 8443}', 'percent: 50'));
  const t = traceIn(model, { kind: 'ip', ip: internetClient }, 'http://shop.example.com/');
  assert.equal(t.outcome, 'delivered', t.failure?.reason);
  const hop = t.hops.find((h) => h.kind === 'mirror')!;
  assert.match(hop.title, /a copy of 50% of requests → Service apps\/shop-shadow:8443/);
  const text = hop.details.join('\n');
  assert.match(text, /the copies land on: [\d.]+:8443/);
  assert.match(text, /the copy's path: NetworkPolicy/);
  assert.match(text, /the copy reaches its endpoint/);
  assert.ok(t.delivered.length > 0);
  assert.ok(
    t.delivered.every((d) => d.pod.startsWith('apps/shop-') && !d.pod.startsWith('apps/shop-shadow')),
    'the response still comes from the main backend',
  );
  // route: `mirrorEndpoints` lists where the copies land, in `decision.mirrors` order.
  const router = compileRouter(model, { via: { kind: 'gateway', namespace: 'infra', name: 'edge' } });
  assert.ok(typeof router !== 'string', String(router));
  const req = parseRequest({ url: 'http://shop.example.com/' });
  assert.ok(typeof req !== 'string', String(req));
  const r = router.explain(req);
  assert.deepEqual(
    r.decision.mirrors.map((m) => `${m.namespace}/${m.name}:${m.port}`),
    ['apps/shop-shadow:8443'],
  );
  assert.equal(r.mirrorEndpoints.length, 1);
  assert.match(r.mirrorEndpoints[0][0] ?? '', /^[\d.]+:8443$/);
  assert.deepEqual(routeJson(r).mirrorEndpoints, r.mirrorEndpoints);
  assert.match(renderRoute(r), /copies land on: [\d.]+:8443/);
});

/*
 * The copy's own path: from the client to the mirror's endpoints, NetworkPolicy at both ends (Envoy mirrors the
 * request with its Host suffixed `-shadow`: RequestMirrorPolicy). It is fire-and-forget, so a copy denied at the
 * mirror's pods leaves the trace's outcome the primary request's, and the hop stays `info`.
 */
const mirrorToV2 = vs(
  `  - ${toV('v1').trim()}\n    mirror: {host: backend, subset: v2}\n    mirrorPercentage: {value: 25}\n`,
);
const traceMirror = (extra = '') => {
  const { model } = buildFromTexts(
    [
      { file: 'app.yaml', text: routingFixture.text },
      { file: 'vs.yaml', text: mirrorToV2 + extra },
    ],
    { profile: routingFixture.profile },
  );
  return traceIn(model, { kind: 'ref', namespace: 'shop', name: 'web' }, 'http://backend/');
};

test("mirror-copy-path: the copy's own path is traced to the mirror's endpoints, and it reaches them", () => {
  const t = traceMirror();
  const hop = t.hops.find((h) => h.kind === 'mirror')!;
  assert.equal(hop.verdict, 'info');
  const text = hop.details.join('\n');
  assert.match(text, /the copy's path: NetworkPolicy: 1\/1 destination\(s\) allowed/);
  assert.match(text, /shop\/backend-v2-[^\s]+:8080\/TCP: ALLOWED/);
  assert.match(text, /the copy reaches its endpoint/);
  assert.match(text, /never changes this trace's verdict/);
  assert.doesNotMatch(text, /own path \(policy, mTLS\) is not traced/);
});

test("mirror-copy-path: a copy denied at the mirror's pods is said on the side hop and leaves the outcome the primary's", () => {
  const t = traceMirror(`---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: v2-closed, namespace: shop}
spec: {podSelector: {matchLabels: {version: v2}}, policyTypes: [Ingress]}
`);
  assert.equal(t.outcome, 'delivered', t.failure?.reason);
  assert.equal(t.unknown, undefined);
  const hop = t.hops.find((h) => h.kind === 'mirror')!;
  assert.equal(hop.verdict, 'info');
  const text = hop.details.join('\n');
  assert.match(text, /DENIED/);
  assert.match(text, /the copy reaches 0 of 1 endpoint\(s\)/);
});

test("mirror-copy-path: the Istio ingress gateway's copy is traced from the gateway pod to the mirror's endpoints", () => {
  const dir = 'testdata/scenarios/mesh-istio-bookinfo-gateway/input';
  const texts = ['bookinfo.yaml', 'istio-ingressgateway.yaml', 'bookinfo-gateway.yaml'].map((f) => ({
    file: `${dir}/${f}`,
    text: readFileSync(`${dir}/${f}`, 'utf8'),
  }));
  const gw = texts[2];
  const mirrored = {
    ...gw,
    text: gw.text.replace(
      '    route:\n    - destination:\n        host: productpage\n',
      '    mirror: {host: details, port: {number: 9080}}\n    route:\n    - destination:\n        host: productpage\n',
    ),
  };
  assert.notEqual(mirrored.text, gw.text);
  const { model } = buildFromTexts([texts[0], texts[1], mirrored], {
    profile: { file: `${dir}/kubetwin.yaml`, text: readFileSync(`${dir}/kubetwin.yaml`, 'utf8') },
  });
  const t = traceIn(model, { kind: 'ip', ip: internetClient }, 'http://bookinfo.example.com/productpage');
  assert.equal(t.outcome, 'delivered', t.failure?.reason);
  const hop = t.hops.find((h) => h.kind === 'mirror')!;
  assert.equal(hop.verdict, 'info');
  const text = hop.details.join('\n');
  assert.match(text, /the copy's path: NetworkPolicy: 1\/1 destination\(s\) allowed/);
  assert.match(
    text,
    /istio-system\/istio-ingressgateway-[^\s]+ → default\/details-v1-[^\s]+:9080\/TCP: ALLOWED/,
  );
  assert.match(text, /the copy reaches its endpoint/);
});
