/**
 * Istio `Sidecar` egress scoping as istiod applies it (pilot/pkg/model/sidecar.go, push_context.go) and the reference
 * describes it: https://istio.io/latest/docs/reference/config/networking/sidecar/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { clientPod, compileMesh, type MeshDecision } from './index.ts';

const app = `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Namespace
metadata: {name: apis, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: cart, namespace: shop, labels: {app: cart}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: cart, namespace: shop}
spec: {selector: {app: cart}, ports: [{name: http, port: 80, targetPort: 8080}, {name: http-alt, port: 9080, targetPort: 8080}]}
---
apiVersion: v1
kind: Pod
metadata: {name: pay, namespace: apis, labels: {app: pay}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: pay, namespace: apis}
spec: {selector: {app: pay}, ports: [{name: http, port: 80, targetPort: 8080}]}
`;

const sidecar = (ns: string, name: string, spec: string, created = '2024-01-01T00:00:00Z') => `---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: ${name}, namespace: ${ns}, creationTimestamp: "${created}"}
spec:
${spec}
`;

function build(extra: string, policy?: string) {
  const profile = {
    file: 'kubetwin.yaml',
    text: `apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nmesh: {name: istio${policy ? `, outboundTrafficPolicy: ${policy}` : ''}}\n`,
  };
  return buildFromTexts(
    [
      { file: 'app.yaml', text: app },
      { file: 'extra.yaml', text: extra },
    ],
    { profile },
  );
}

function route(extra: string, from: string, url: string, policy?: string): MeshDecision {
  const { model } = build(extra, policy);
  const u = new URL(url);
  const pod = clientPod(model, from);
  assert.ok(typeof pod !== 'string', String(pod));
  const d = compileMesh(model).route(
    {
      scheme: 'http',
      host: u.hostname,
      port: Number(u.port || 80),
      path: u.pathname,
      query: [],
      method: 'GET',
      headers: { host: u.hostname },
    },
    pod,
  );
  assert.ok(typeof d !== 'string', String(d));
  return d;
}

const onlyHere = (ns = 'shop') => sidecar(ns, 'default', '  egress:\n  - hosts: ["./*", "istio-system/*"]');

test('rule sidecar-egress-hosts: a Service of a namespace the egress hosts do not list goes to the PassthroughCluster (ALLOW_ANY)', () => {
  const d = route(onlyHere(), 'shop/web', 'http://pay.apis/');
  assert.match(d.by, /PassthroughCluster/);
  assert.equal(d.status, 200);
  assert.equal(d.passthrough, true);
  assert.ok(d.notes.some((n) => n.includes('does not import apis/pay.apis.svc.cluster.local')));
  // `./*` imports the client's own namespace: routed as usual.
  assert.match(route(onlyHere(), 'shop/web', 'http://cart/').by, /sidecar default/);
});

test('rule sidecar-registry-only-blackhole: under REGISTRY_ONLY a host the Sidecar does not import is answered 502', () => {
  const d = route(onlyHere(), 'shop/web', 'http://pay.apis/', 'REGISTRY_ONLY');
  assert.equal(d.status, 502);
  assert.match(d.by, /BlackHoleCluster/);
  assert.deepEqual(d.destinations, []);
});

test('rule sidecar-outbound-traffic-policy: a Sidecar outboundTrafficPolicy overrides meshConfig for its proxies', () => {
  const strict = sidecar(
    'shop',
    'default',
    '  outboundTrafficPolicy: {mode: REGISTRY_ONLY}\n  egress:\n  - hosts: ["./*"]',
  );
  assert.equal(route(strict, 'shop/web', 'http://pay.apis/').status, 502);
  assert.equal(route(strict, 'shop/web', 'http://www.example.com/').status, 502);
  const open = sidecar('shop', 'default', '  outboundTrafficPolicy: {mode: ALLOW_ANY}');
  assert.match(route(open, 'shop/web', 'http://www.example.com/', 'REGISTRY_ONLY').by, /ALLOW_ANY/);
});

test('rule sidecar-selection: a workloadSelector Sidecar wins over the namespace default, which wins over the root namespace default', () => {
  const root = sidecar('istio-system', 'default', '  egress:\n  - hosts: ["./*"]');
  const ns = sidecar('shop', 'default', '  egress:\n  - hosts: ["apis/*"]');
  const web = sidecar(
    'shop',
    'web',
    '  workloadSelector: {labels: {app: web}}\n  egress:\n  - hosts: ["./*"]',
  );
  // Root default alone: `.` is the client's namespace, so apis is left out.
  assert.match(route(root, 'shop/web', 'http://pay.apis/').by, /PassthroughCluster/);
  // The namespace default imports apis/* (and not shop).
  assert.match(route(root + ns, 'shop/web', 'http://pay.apis/').by, /sidecar default/);
  assert.match(route(root + ns, 'shop/web', 'http://cart/').by, /PassthroughCluster/);
  // The selector Sidecar takes web; cart's proxy keeps the namespace default.
  assert.match(route(root + ns + web, 'shop/web', 'http://pay.apis/').by, /PassthroughCluster/);
  assert.match(route(root + ns + web, 'shop/cart', 'http://pay.apis/').by, /sidecar default/);
});

test('rule sidecar-selection-undefined: two Sidecars without selector in one namespace make the answer unknown', () => {
  const a = sidecar('shop', 'a', '  egress:\n  - hosts: ["./*"]', '2024-01-01T00:00:00Z');
  const b = sidecar('shop', 'b', '  egress:\n  - hosts: ["*/*"]', '2024-02-01T00:00:00Z');
  const d = route(a + b, 'shop/web', 'http://pay.apis/');
  assert.match(d.unknown ?? '', /Sidecar shop\/a and Sidecar shop\/b/);
});

test('rule sidecar-egress-port: the listener on the request port decides, else the catch-all listener', () => {
  const s = sidecar(
    'shop',
    'default',
    '  egress:\n  - port: {number: 9080, protocol: HTTP, name: egresshttp}\n    hosts: ["./*"]\n  - hosts: ["istio-system/*"]',
  );
  assert.match(route(s, 'shop/web', 'http://cart:9080/').by, /sidecar default/);
  assert.match(route(s, 'shop/web', 'http://cart:80/').by, /PassthroughCluster/);
  const portOnly = sidecar(
    'shop',
    'default',
    '  egress:\n  - port: {number: 9080, protocol: HTTP, name: h}\n    hosts: ["./*"]',
  );
  assert.match(
    route(portOnly, 'shop/web', 'http://cart:80/').notes.join(' '),
    /no egress listener for port 80/,
  );
});

test('rule sidecar-egress-namespace-none: `~/*` imports nothing', () => {
  const s = sidecar('shop', 'default', '  egress:\n  - hosts: ["~/*"]');
  assert.match(route(s, 'shop/web', 'http://cart/').by, /PassthroughCluster/);
});

test('rule sidecar-virtual-service-import: a VirtualService the Sidecar does not import does not route the request', () => {
  const vs = `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: cart, namespace: apis}
spec:
  hosts: [cart.shop.svc.cluster.local]
  http: [{route: [{destination: {host: pay.apis.svc.cluster.local}}]}]
`;
  // The VirtualService lives in apis: imported by */ or apis/, not by ./ alone.
  assert.match(route(vs + onlyHere(), 'shop/web', 'http://cart/').by, /sidecar default/);
  const both = sidecar('shop', 'default', '  egress:\n  - hosts: ["./*", "apis/*"]');
  assert.match(route(vs + both, 'shop/web', 'http://cart/').by, /VirtualService apis\/cart/);
});

test('rule sidecar-passthrough-plaintext: a passthrough connection is plaintext, so a STRICT server refuses it', () => {
  const strict = `---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: apis}
spec: {mtls: {mode: STRICT}}
`;
  const { model } = build(onlyHere() + strict);
  const mesh = compileMesh(model);
  const web = model.pods.find((p) => p.name === 'web')!;
  const pay = model.pods.find((p) => p.name === 'pay')!;
  const svc = model.services.find((s) => s.name === 'pay')!;
  const v = mesh.inbound({ client: { pod: web }, server: pay, port: 8080, protocol: 'TCP', service: svc });
  assert.equal(v?.mtls.transport, 'plaintext');
  assert.equal(v?.mtls.refused, true);
  assert.match(v?.clientFix ?? '', /import apis\/pay/);
  // Under REGISTRY_ONLY the client's own proxy refuses it.
  const r = compileMesh(build(onlyHere(), 'REGISTRY_ONLY').model);
  const m = build(onlyHere(), 'REGISTRY_ONLY').model;
  const v2 = r.inbound({
    client: { pod: m.pods.find((p) => p.name === 'web')! },
    server: m.pods.find((p) => p.name === 'pay')!,
    port: 8080,
    protocol: 'TCP',
    service: m.services.find((s) => s.name === 'pay')!,
  });
  assert.equal(v2?.allowed, false);
  assert.match(v2?.summary ?? '', /BlackHoleCluster/);
});

test('rule sidecar-not-modeled-fields: egressProxy, bind and ingress listeners make answers unknown', () => {
  const proxy = sidecar(
    'shop',
    'default',
    '  outboundTrafficPolicy: {mode: ALLOW_ANY, egressProxy: {host: egress.istio-system.svc.cluster.local, port: {number: 443}}}\n  egress:\n  - hosts: ["./*"]',
  );
  assert.match(route(proxy, 'shop/web', 'http://pay.apis/').unknown ?? '', /egressProxy/);
  const bind = sidecar(
    'shop',
    'default',
    '  egress:\n  - port: {number: 80, protocol: HTTP, name: h}\n    bind: 127.0.0.1\n    captureMode: NONE\n    hosts: ["*/*"]',
  );
  assert.match(route(bind, 'shop/web', 'http://pay.apis/').unknown ?? '', /bind 127.0.0.1/);
  const ingress = sidecar(
    'apis',
    'pay',
    '  workloadSelector: {labels: {app: pay}}\n  ingress:\n  - port: {number: 8080, protocol: HTTP, name: h}\n    defaultEndpoint: 127.0.0.1:8080',
  );
  const { model } = build(ingress);
  const v = compileMesh(model).inbound({
    client: { pod: model.pods.find((p) => p.name === 'web')! },
    server: model.pods.find((p) => p.name === 'pay')!,
    port: 8080,
    protocol: 'TCP',
    service: model.services.find((s) => s.name === 'pay')!,
  });
  assert.match(v?.unknown.join(' ') ?? '', /ingress listeners/);
});

test('rule sidecar-validation: a host not written namespace/dnsName is refused as istiod refuses it', () => {
  const { diagnostics, model } = build(
    sidecar('shop', 'bad', '  egress:\n  - hosts: ["cart.shop.svc.cluster.local"]'),
  );
  const d = diagnostics.find((x) => x.code === 'invalid-mesh-sidecar');
  assert.ok(d, diagnostics.map((x) => x.code).join(', '));
  assert.equal(d.source?.line, 7);
  assert.deepEqual(model.mesh?.sidecars, []);
});
