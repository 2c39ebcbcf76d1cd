/**
 * Istio `exportTo` on DestinationRules and VirtualServices (networking.istio.io/v1): `*` every namespace, `.` the
 * object's own, or namespace names; empty takes the mesh config's defaultDestinationRuleExportTo /
 * defaultVirtualServiceExportTo, `*` by default. A DestinationRule not exported to the client's namespace does not
 * apply to that client's traffic: istiod looks in the client's namespace (the rules seen there: exportTo empty, `*`,
 * `.` or naming it), then at the rules the host's namespace and the root namespace export to the client's
 * (`destinationRule` in istio/istio pilot/pkg/model/push_context.go). A VirtualService not exported to the client's
 * namespace does not route its requests.
 * https://istio.io/latest/docs/reference/config/networking/destination-rule/#DestinationRule-export_to
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService-export_to
 * Fixture: test/helpers/istio-routing.ts (Service shop/backend, pods backend-v1 and backend-v2, DestinationRule
 * shop/backend with subsets v1 and v2), plus a meshed namespace `front` with client pod front/web.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { routingFixture } from '../../../test/helpers/istio-routing.ts';
import { clientPod, compileMesh, meshActual, type MeshDecision } from './index.ts';
import { PolicyEngine } from '../policy/index.ts';
import { reach } from '../reach/index.ts';

const front = `apiVersion: v1
kind: Namespace
metadata: {name: front, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: front, labels: {app: web}}
spec: {containers: [{name: c, image: x}]}
`;

/** A VirtualService in shop sending every request for backend to subset `subset`, with an optional exportTo. */
const toSubset = (subset: string, exportTo = '') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: backend, namespace: shop}
spec:
  hosts: [backend.shop.svc.cluster.local]
${exportTo ? `  exportTo: ${exportTo}\n` : ''}  http:
  - route: [{destination: {host: backend.shop.svc.cluster.local, subset: ${subset}}}]
`;

/** The fixture with the DestinationRule shop/backend given `exportTo`, and `extra` objects. */
function route(from: string, opts: { drExportTo?: string; extra: string }): MeshDecision {
  const app = opts.drExportTo
    ? routingFixture.text.replace(
        'spec:\n  host: backend\n',
        `spec:\n  host: backend\n  exportTo: ${opts.drExportTo}\n`,
      )
    : routingFixture.text;
  const { model } = buildFromTexts(
    [
      { file: 'app.yaml', text: app },
      { file: 'extra.yaml', text: `${front}---\n${opts.extra}` },
    ],
    { profile: routingFixture.profile },
  );
  const pod = clientPod(model, from);
  assert.ok(typeof pod !== 'string', String(pod));
  const host = 'backend.shop.svc.cluster.local';
  const d = compileMesh(model).route(
    { scheme: 'http', host, port: 80, path: '/', query: [], method: 'GET', headers: { host } },
    pod,
  );
  assert.ok(typeof d !== 'string', String(d));
  return d;
}

test('destination-rule-export-to: without exportTo (default "*") a rule applies to clients of every namespace', () => {
  const d = route('front/web', { extra: toSubset('v1') });
  assert.equal(d.status, 200, d.notes.join('\n'));
  assert.deepEqual(meshActual(d).workloads, ['shop/backend-v1']);
});

test('destination-rule-export-to: "." keeps the rule from clients of other namespaces (its subsets are unknown there: 503)', () => {
  const d = route('front/web', { drExportTo: '["."]', extra: toSubset('v1') });
  assert.equal(d.status, 503, d.notes.join('\n'));
  assert.ok(
    d.notes.some((n) =>
      n.includes('DestinationRule/shop/backend is not exported to namespace front (exportTo [.])'),
    ),
    d.notes.join('\n'),
  );
  // Its own namespace still sees it.
  assert.equal(route('shop/web', { drExportTo: '["."]', extra: toSubset('v1') }).status, 200);
});

test('destination-rule-export-to: a namespace name exports the rule there; naming only another namespace hides it from its own', () => {
  const there = route('front/web', { drExportTo: '[front]', extra: toSubset('v2') });
  assert.deepEqual(meshActual(there).workloads, ['shop/backend-v2'], there.notes.join('\n'));
  const home = route('shop/web', { drExportTo: '[front]', extra: toSubset('v2') });
  assert.equal(home.status, 503, home.notes.join('\n'));
});

test('destination-rule-export-to: "~" exports the rule to no namespace', () => {
  assert.equal(route('front/web', { drExportTo: '["~"]', extra: toSubset('v1') }).status, 503);
});

test('destination-rule-export-to: a rule not exported to the client falls through to the root namespace rule exported to it', () => {
  const root = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: backend-mesh-wide, namespace: istio-system}
spec:
  host: backend.shop.svc.cluster.local
  subsets: [{name: v1, labels: {version: v2}}]
`;
  const d = route('front/web', { drExportTo: '["."]', extra: `${toSubset('v1')}---\n${root}` });
  assert.deepEqual(meshActual(d).workloads, ['shop/backend-v2'], d.notes.join('\n'));
});

test('virtual-service-export-to: "." keeps the VirtualService from routing clients of other namespaces', () => {
  const other = route('front/web', { extra: toSubset('v1', '["."]') });
  assert.deepEqual(
    meshActual(other).workloads,
    ['shop/backend-v1', 'shop/backend-v2'],
    other.notes.join('\n'),
  );
  const own = route('shop/web', { extra: toSubset('v1', '["."]') });
  assert.deepEqual(meshActual(own).workloads, ['shop/backend-v1'], own.notes.join('\n'));
});

test('virtual-service-export-to: a namespace name routes the clients of that namespace', () => {
  const d = route('front/web', { extra: toSubset('v1', '[front]') });
  assert.deepEqual(meshActual(d).workloads, ['shop/backend-v1'], d.notes.join('\n'));
});

const meshConfigMap = (mesh: string) => `apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |-
${mesh
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}
`;
const operator = (meshConfig: string) => `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: {name: installed, namespace: istio-system}
spec:
  meshConfig: ${meshConfig}
`;

test('mesh-config-export-to-defaults: defaultVirtualServiceExportTo and defaultDestinationRuleExportTo from the istio ConfigMap apply to objects without exportTo', () => {
  const vsLocal = meshConfigMap('defaultVirtualServiceExportTo: ["."]');
  const other = route('front/web', { extra: `${toSubset('v1')}---\n${vsLocal}` });
  assert.deepEqual(
    meshActual(other).workloads,
    ['shop/backend-v1', 'shop/backend-v2'],
    other.notes.join('\n'),
  );
  assert.ok(!other.notes.some((n) => n.includes('is assumed')), other.notes.join('\n'));
  const own = route('shop/web', { extra: `${toSubset('v1')}---\n${vsLocal}` });
  assert.deepEqual(meshActual(own).workloads, ['shop/backend-v1'], own.notes.join('\n'));
  const drLocal = meshConfigMap('defaultDestinationRuleExportTo:\n- "."');
  assert.equal(route('front/web', { extra: `${toSubset('v1')}---\n${drLocal}` }).status, 503);
  // An object's own exportTo still wins over the default.
  assert.deepEqual(
    meshActual(route('front/web', { extra: `${toSubset('v1', '["*"]')}---\n${vsLocal}` })).workloads,
    ['shop/backend-v1'],
  );
});

test("mesh-config-export-to-defaults: an IstioOperator's spec.meshConfig is read when the ConfigMap is not in the input", () => {
  const d = route('front/web', {
    extra: `${toSubset('v1')}---\n${operator('{defaultVirtualServiceExportTo: ["."]}')}`,
  });
  assert.deepEqual(meshActual(d).workloads, ['shop/backend-v1', 'shop/backend-v2'], d.notes.join('\n'));
});

test('mesh-config-export-to-defaults: with neither in the input, the answer notes that `*` is assumed', () => {
  const d = route('front/web', { extra: toSubset('v1') });
  assert.deepEqual(meshActual(d).workloads, ['shop/backend-v1']);
  assert.ok(
    d.notes.some((n) =>
      /exportTo defaults: neither the istio ConfigMap \(istio-system, key mesh\) nor an IstioOperator spec\.meshConfig is in the input, so `\*` .* is assumed for 1 VirtualService\(s\) \(defaultVirtualServiceExportTo\), 1 DestinationRule\(s\)/.test(
        n,
      ),
    ),
    d.notes.join('\n'),
  );
});

test('mesh-config-export-to-defaults: a mesh key that is not a MeshConfig is an error at its line, and `*` is assumed', () => {
  const { diagnostics, model } = buildFromTexts([
    { file: 'cm.yaml', text: meshConfigMap('defaultVirtualServiceExportTo: "."') },
  ]);
  const bad = diagnostics.filter((x) => x.code === 'invalid-mesh-config');
  assert.equal(bad.length, 1);
  assert.equal(bad[0].source?.line, 5);
  assert.match(bad[0].message, /defaultVirtualServiceExportTo: must be a list of strings/);
  assert.equal(model.mesh?.exportDefaults, undefined);
});

test('networking-istio-io-export-to: a Service annotated exportTo "." is unknown to sidecars of other namespaces, not routed', () => {
  const annotated = routingFixture.text.replace(
    'metadata: {name: backend, namespace: shop}',
    "metadata: {name: backend, namespace: shop, annotations: {networking.istio.io/exportTo: '.'}}",
  );
  const { model } = buildFromTexts(
    [
      { file: 'app.yaml', text: annotated },
      { file: 'extra.yaml', text: front },
    ],
    { profile: routingFixture.profile },
  );
  const host = 'backend.shop.svc.cluster.local';
  const ask = (from: string) => {
    const pod = clientPod(model, from);
    assert.ok(typeof pod !== 'string', String(pod));
    const d = compileMesh(model).route(
      { scheme: 'http', host, port: 80, path: '/', query: [], method: 'GET', headers: { host } },
      pod,
    );
    assert.ok(typeof d !== 'string', String(d));
    return d;
  };
  assert.match(
    ask('front/web').unknown ?? '',
    /Service shop\/backend is not exported to namespace front \(its networking\.istio\.io\/exportTo annotation is "\."\)/,
  );
  assert.equal(ask('shop/web').unknown, undefined);
});

test('mesh-config-export-to-defaults: defaultServiceExportTo "." makes a Service without the annotation unknown to other namespaces', () => {
  const d = route('front/web', { extra: meshConfigMap('defaultServiceExportTo: ["."]') });
  assert.match(
    d.unknown ?? '',
    /defaultServiceExportTo \[\.\] from ConfigMap\/istio-system\/istio data\.mesh/,
  );
});

test('networking-istio-io-export-to: reach through a Service not exported to the meshed client namespace is unknown, never ALLOWED', () => {
  const annotated = routingFixture.text.replace(
    'metadata: {name: backend, namespace: shop}',
    "metadata: {name: backend, namespace: shop, annotations: {networking.istio.io/exportTo: '.'}}",
  );
  const { model } = buildFromTexts(
    [
      { file: 'app.yaml', text: annotated },
      { file: 'extra.yaml', text: front },
    ],
    { profile: routingFixture.profile },
  );
  const r = reach(new PolicyEngine(model), {
    from: 'front/web',
    to: 'service:shop/backend',
    port: 80,
    protocol: 'TCP',
  });
  assert.ok(typeof r !== 'string', String(r));
  assert.equal(r.verdict, 'unknown');
  assert.ok(
    r.unknownReasons.some((x) => /is not exported to namespace front/.test(x)),
    r.unknownReasons.join('\n'),
  );
});
