/**
 * North-south through the Istio ingress gateway, each rule from istio.io:
 * https://istio.io/latest/docs/reference/config/networking/gateway/
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/ (gateways, exportTo)
 * https://istio.io/latest/docs/tasks/traffic-management/ingress/ingress-control/
 * The base is Bookinfo's bookinfo-gateway.yaml (samples/bookinfo/networking/bookinfo-gateway.yaml).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { compileMesh, meshActual, type IstioGatewayAnswer } from './index.ts';

const dir = 'testdata/scenarios/mesh-istio-bookinfo-gateway/input/';
const base = ['kubetwin.yaml', 'bookinfo.yaml', 'istio-ingressgateway.yaml'].map((f) => ({
  file: dir + f,
  text: readFileSync(dir + f, 'utf8'),
}));
const bookinfoGateway = readFileSync(dir + 'bookinfo-gateway.yaml', 'utf8');

function build(extra: string) {
  return buildFromTexts([...base, { file: 'extra.yaml', text: extra }]);
}

function ask(
  extra: string,
  url: string,
  gateway?: string,
  headers: Record<string, string> = {},
): IstioGatewayAnswer {
  const u = new URL(url);
  const scheme = u.protocol === 'https:' ? 'https' : 'http';
  return compileMesh(build(extra).model).gatewayRoute(
    {
      scheme,
      host: u.hostname,
      port: Number(u.port || (scheme === 'https' ? 443 : 80)),
      path: u.pathname,
      query: [],
      method: 'GET',
      headers: { host: u.hostname, ...headers },
    },
    gateway,
  );
}

const codes = (extra: string) => build(extra).diagnostics.map((d) => d.code);

test('bookinfo-gateway: /productpage, /static, /login, /logout and /api/v1/products go to productpage:9080', () => {
  for (const path of ['/productpage', '/static/css/x.css', '/login', '/logout', '/api/v1/products/0']) {
    const a = ask(bookinfoGateway, `http://bookinfo.example.com${path}`, 'default/bookinfo-gateway');
    assert.equal(a.gateway, 'default/bookinfo-gateway');
    assert.deepEqual(meshActual(a.decision!), {
      backend: 'default/productpage',
      subset: null,
      workloads: ['default/productpage-v1'],
      status: 200,
      redirect: null,
      rewrittenPath: null,
    });
    assert.equal(a.decision!.destinations[0].port, 9080);
  }
});

test('bookinfo-gateway: a path no match block lists gets 404 from the gateway, with the rule that lost', () => {
  const a = ask(bookinfoGateway, 'http://bookinfo.example.com/reviews/0');
  assert.equal(a.decision!.status, 404);
  assert.equal(a.decision!.lost.length, 1);
  assert.ok(a.decision!.notes.some((n) => /the gateway answers 404/.test(n)));
});

test('server port.number is the gateway Service port or its targetPort (IST0162); another port is refused', () => {
  const onTarget = bookinfoGateway.replace('number: 80', 'number: 8080');
  assert.equal(ask(onTarget, 'http://x/productpage').decision?.status, 200);
  const a = ask(bookinfoGateway, 'http://x:15021/productpage');
  assert.match(a.refused ?? '', /no server .* listens on port 15021/);
});

test('a VirtualService binds only where its gateways name the Gateway: without it (mesh only) the gateway has no route', () => {
  const meshOnly = bookinfoGateway.replace('  gateways:\n  - bookinfo-gateway\n', '');
  assert.equal(ask(meshOnly, 'http://x/productpage').decision?.status, 404);
  assert.ok(codes(meshOnly).includes('istio-gateway-server-unbound'));
});

test('gateways as <namespace>/<name> binds across namespaces; a short name is read in the VirtualService namespace', () => {
  const moved = bookinfoGateway
    .replace('name: bookinfo-gateway\nspec:', 'name: bookinfo-gateway\n  namespace: istio-system\nspec:')
    .replace('  - bookinfo-gateway\n', '  - istio-system/bookinfo-gateway\n');
  assert.equal(ask(moved, 'http://x/productpage').decision?.status, 200);
  const short = bookinfoGateway.replace(
    'name: bookinfo-gateway\nspec:',
    'name: bookinfo-gateway\n  namespace: istio-system\nspec:',
  );
  assert.ok(codes(short).includes('mesh-unknown-gateway'));
  assert.equal(ask(short, 'http://x/productpage').decision?.status, 404);
});

test('exportTo "." keeps a VirtualService from a Gateway in another namespace', () => {
  const moved = bookinfoGateway
    .replace('name: bookinfo-gateway\nspec:', 'name: bookinfo-gateway\n  namespace: istio-system\nspec:')
    .replace('  - bookinfo-gateway\n', '  - istio-system/bookinfo-gateway\n')
    .replace('  hosts:\n  - "*"\n  gateways', '  exportTo: ["."]\n  hosts:\n  - "*"\n  gateways');
  assert.equal(ask(moved, 'http://x/productpage').decision?.status, 404);
});

test('mesh-config-export-to-defaults: defaultVirtualServiceExportTo "." keeps a VirtualService without exportTo from a Gateway in another namespace', () => {
  const moved = bookinfoGateway
    .replace('name: bookinfo-gateway\nspec:', 'name: bookinfo-gateway\n  namespace: istio-system\nspec:')
    .replace('  - bookinfo-gateway\n', '  - istio-system/bookinfo-gateway\n');
  const meshConfig = `---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    defaultVirtualServiceExportTo: ["."]
`;
  assert.equal(ask(moved + meshConfig, 'http://x/productpage').decision?.status, 404);
  // Without the mesh config, `*` is assumed, and the answer says so.
  const a = ask(moved, 'http://x/productpage');
  assert.equal(a.decision?.status, 200);
  assert.ok(
    a.notes.some((n) => /exportTo defaults: .* `\*` .* is assumed/.test(n)),
    a.notes.join('\n'),
  );
});

test('server hosts with a namespace/ prefix admit only VirtualServices of that namespace', () => {
  const other = bookinfoGateway.replace('    hosts:\n    - "*"', '    hosts:\n    - "shop/*"');
  assert.equal(ask(other, 'http://x/productpage').decision?.status, 404);
  const own = bookinfoGateway.replace('    hosts:\n    - "*"', '    hosts:\n    - "./*"');
  assert.equal(ask(own, 'http://x/productpage').decision?.status, 200);
});

test('host matching: a server host *.example.com serves a.example.com, not example.org (404)', () => {
  const wild = bookinfoGateway.replace('    hosts:\n    - "*"', '    hosts:\n    - "*.example.com"');
  assert.equal(ask(wild, 'http://a.example.com/productpage').decision?.status, 200);
  assert.equal(ask(wild, 'http://example.org/productpage').decision?.status, 404);
});

test('tls.httpsRedirect answers plain HTTP with a 301 to https', () => {
  const redirect = bookinfoGateway.replace(
    '      protocol: HTTP\n',
    '      protocol: HTTP\n    tls: {httpsRedirect: true}\n',
  );
  const a = ask(redirect, 'http://bookinfo.example.com/productpage');
  assert.deepEqual(a.decision?.redirect, {
    status: 301,
    location: 'https://bookinfo.example.com/productpage',
  });
});

const https = (credential: string) =>
  `${bookinfoGateway.replace(
    '  servers:\n',
    `  servers:\n  - port: {number: 443, name: https, protocol: HTTPS}\n    hosts: ["bookinfo.example.com"]\n    tls: {mode: SIMPLE, credentialName: ${credential}}\n`,
  )}`;

test('tls SIMPLE reads credentialName from a Secret in the gateway pod namespace; a missing Secret fails the handshake', () => {
  const a = ask(https('bookinfo-cert'), 'https://bookinfo.example.com/productpage');
  assert.match(a.refused ?? '', /Secret istio-system\/bookinfo-cert .* not among the manifests/);
  const secret = `---\napiVersion: v1\nkind: Secret\nmetadata: {name: bookinfo-cert, namespace: istio-system}\ntype: kubernetes.io/tls\ndata: {tls.crt: "", tls.key: ""}\n`;
  const b = ask(https('bookinfo-cert') + secret, 'https://bookinfo.example.com/productpage');
  assert.equal(b.decision?.status, 200, JSON.stringify(b));
  assert.match(b.tls ?? '', /found/);
});

test('tls PASSTHROUGH routes by tls rules only: a VirtualService with http rules alone leaves the connection closed', () => {
  const pass = bookinfoGateway.replace(
    '  servers:\n',
    '  servers:\n  - port: {number: 443, name: tls, protocol: TLS}\n    hosts: ["bookinfo.example.com"]\n    tls: {mode: PASSTHROUGH}\n',
  );
  const a = ask(pass, 'https://bookinfo.example.com/');
  assert.equal(a.unknown, undefined);
  assert.match(a.decision?.closed ?? '', /no tcp rule|no tls rule/);
});

test('a Gateway whose selector matches no pod serves nothing', () => {
  const none = bookinfoGateway.replace('istio: ingressgateway', 'istio: egressgateway');
  assert.match(ask(none, 'http://x/productpage', 'default/bookinfo-gateway').refused ?? '', /matches no pod/);
});

test('match gateways override the top-level gateways: a block for mesh only does not apply at the gateway', () => {
  const vs = bookinfoGateway.replace(
    '  - match:\n    - uri:\n        exact: /productpage',
    '  - match:\n    - uri:\n        exact: /productpage\n      gateways: [mesh]',
  );
  const a = ask(vs, 'http://x/productpage');
  assert.equal(a.decision?.status, 404);
  assert.equal(ask(vs, 'http://x/login').decision?.status, 200);
});

test('invalid Gateways are refused at their line: HTTPS without tls, a server without hosts', () => {
  const bad = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: bad}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["a.example.com"]
  - port: {number: 80, name: http, protocol: HTTP}
`;
  const d = build(bad).diagnostics.filter((x) => x.code === 'invalid-mesh-gateway');
  assert.equal(d.length, 2);
  assert.deepEqual(
    d.map((x) => x.source?.line),
    [7, 9],
  );
});

test('the gateway pod presents its Istio identity (auto mTLS to meshed destinations)', () => {
  const m = build(bookinfoGateway).model;
  const gw = m.pods.find((p) => p.namespace === 'istio-system')!;
  const s = compileMesh(m).sidecar(gw);
  assert.equal(s.meshed, true);
  assert.match(s.identity ?? '', /spiffe:\/\/cluster.local\/ns\/istio-system\/sa\//);
});
