/**
 * Gateway and GatewayClass status beyond the listeners: certificate data, parametersRef, addresses, and
 * GatewayClasses a controller installs. Each test quotes the spec text it checks
 * (https://github.com/kubernetes-sigs/gateway-api/blob/main/apis/v1/gateway_types.go, gatewayclass_types.go).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter, parseRequest } from '../route/index.ts';
import { analyzeGateways } from './index.ts';
import { gatewayClass } from './_test-fixtures.ts';

const cls = `${gatewayClass}---
`;
const gateway = (spec: string, name = 'gw', className = 'gc') => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: default}
spec:
  gatewayClassName: ${className}
${spec}
---
`;
const http = '  listeners: [{name: http, port: 80, protocol: HTTP}]';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const pemCert = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n';
const pemKey = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----\n';
const secret = (crt: string, key: string) => `apiVersion: v1
kind: Secret
metadata: {name: cert, namespace: default}
type: kubernetes.io/tls
data: {tls.crt: ${b64(crt)}, tls.key: ${b64(key)}}
---
`;
const https = `  listeners:
  - {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: cert}]}}`;

function status(text: string, profile?: string) {
  const { model } = buildFromTexts(
    [{ file: 'in.yaml', text }],
    profile ? { profile: { file: 'p.yaml', text: profile } } : {},
  );
  return { model, a: analyzeGateways(model) };
}
const show = (c: { type: string; status: string; reason: string }) => `${c.type}=${c.status}(${c.reason})`;

test('ListenerReasonInvalidCertificateRef: "the data within that resource is malformed" — a Secret whose tls.crt is not PEM', () => {
  const bad = status(cls + gateway(https) + secret('not a certificate', pemKey)).a.gateways[0];
  const refs = bad.listeners[0].conditions.find((c) => c.type === 'ResolvedRefs')!;
  assert.equal(show(refs), 'ResolvedRefs=False(InvalidCertificateRef)');
  assert.match(refs.message, /tls\.crt is not a PEM certificate/);
  const badKey = status(cls + gateway(https) + secret(pemCert, 'garbage')).a.gateways[0];
  assert.match(badKey.listeners[0].conditions.find((c) => c.type === 'ResolvedRefs')!.message, /tls\.key/);
  const good = status(cls + gateway(https) + secret(pemCert, pemKey)).a.gateways[0];
  assert.equal(
    show(good.listeners[0].conditions.find((c) => c.type === 'ResolvedRefs')!),
    'ResolvedRefs=True(ResolvedRefs)',
  );
});

test('GatewayInfrastructure.parametersRef: "If the referent cannot be found … Accepted=False and an InvalidParameters reason"', () => {
  const infra = `${http}\n  infrastructure: {parametersRef: {group: "", kind: ConfigMap, name: gw-params}}`;
  const missing = status(cls + gateway(infra));
  assert.deepEqual(missing.a.gateways[0].conditions.map(show), [
    'Accepted=False(InvalidParameters)',
    'Programmed=False(Invalid)',
  ]);
  // A route to a rejected Gateway attaches nowhere.
  const route = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: default}
spec: {parentRefs: [{name: gw}], rules: [{backendRefs: [{name: s, port: 80}]}]}
---
`;
  const withRoute = status(cls + gateway(infra) + route);
  assert.equal(withRoute.a.attachments.length, 0);
  assert.equal(show(withRoute.a.routes[0].parents[0].conditions[0]), 'Accepted=False(NoMatchingParent)');
  const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: gw-params, namespace: default}\n---\n';
  assert.equal(
    show(status(cls + gateway(infra) + cm).a.gateways[0].conditions[0]),
    'Accepted=True(Accepted)',
  );
});

test('GatewayReasonUnsupportedAddress (GatewayStaticAddresses): an address type the implementation does not support is Accepted=False', () => {
  const fake = `${http}\n  addresses: [{type: test/fake-invalid-type, value: "fake"}]`;
  assert.equal(
    show(status(cls + gateway(fake)).a.gateways[0].conditions[0]),
    'Accepted=False(UnsupportedAddress)',
  );
});

test('status.addresses: spec.addresses (type defaults to IPAddress), else the provisioned Service or the profile', () => {
  const requested = `${http}\n  addresses: [{value: 192.0.2.10}, {type: Hostname, value: gw.example.com}]`;
  assert.deepEqual(status(cls + gateway(requested)).a.gateways[0].addresses, [
    { type: 'IPAddress', value: '192.0.2.10' },
    { type: 'Hostname', value: 'gw.example.com' },
  ]);
  const svc = `apiVersion: v1
kind: Service
metadata: {name: gw-gc, namespace: default, labels: {gateway.networking.k8s.io/gateway-name: gw}}
spec: {type: LoadBalancer, ports: [{port: 80}]}
status: {loadBalancer: {ingress: [{ip: 203.0.113.7}]}}
---
`;
  const provisioned = status(cls + gateway(http) + svc).a.gateways[0];
  assert.deepEqual(provisioned.addresses, [{ type: 'IPAddress', value: '203.0.113.7' }]);
  assert.match(provisioned.notes.join(' '), /Service default\/gw-gc/);
  const profile =
    'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nloadBalancers: {default/gw: 198.51.100.4}\n';
  assert.deepEqual(status(cls + gateway(http), profile).a.gateways[0].addresses, [
    { type: 'IPAddress', value: '198.51.100.4' },
  ]);
  const none = status(cls + gateway(http)).a.gateways[0];
  assert.deepEqual(none.addresses, []);
  assert.match(none.notes.join(' '), /no address known/);
});

test('GatewayClassReasonInvalidParameters: a GatewayClass whose parametersRef names nothing is Accepted=False, its Gateways Pending', () => {
  const c = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: gc}
spec: {controllerName: example.com/gc, parametersRef: {group: "", kind: ConfigMap, name: p, namespace: default}}
---
`;
  const { a } = status(c + gateway(http));
  assert.deepEqual(
    a.classes.map((x) => `${x.name} ${show(x.conditions[0])}`),
    ['gc Accepted=False(InvalidParameters)'],
  );
  assert.equal(show(a.gateways[0].conditions[0]), 'Accepted=Unknown(Pending)');
  const params = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: p, namespace: default}\n---\n';
  assert.equal(
    show(status(c + params + gateway(http)).a.classes[0].conditions[0]),
    'Accepted=True(Accepted)',
  );
});

test('an undeclared GatewayClass a known controller installs (istio) is assumed, with a note on the route answer', () => {
  const text =
    gateway(http, 'gw', 'istio') +
    `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: default}
spec: {parentRefs: [{name: gw}], rules: [{backendRefs: [{name: s, port: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: s, namespace: default}
spec: {ports: [{port: 80}]}
`;
  const { model, a } = status(text);
  assert.deepEqual(
    a.classes.map((c) => [c.name, c.controllerName, c.assumed]),
    [['istio', 'istio.io/gateway-controller', true]],
  );
  assert.equal(show(a.gateways[0].conditions[0]), 'Accepted=True(Accepted)');
  assert.equal(a.attachments.length, 1);
  const router = compileRouter(model, { via: { kind: 'gateway', namespace: 'default', name: 'gw' } });
  if (typeof router === 'string') throw new Error(router);
  const res = router.explain(parseRequest({ url: 'http://x/' }) as never);
  assert.equal(res.decision.backends[0]?.name, 's');
  assert.match(res.decision.notes.join('\n'), /assumed: GatewayClass istio is not among the manifests/);
  // A name no known controller installs stays Pending.
  assert.equal(
    show(status(gateway(http, 'gw', 'mine')).a.gateways[0].conditions[0]),
    'Accepted=Unknown(Pending)',
  );
});

test('a parametersRef to a kind kubetwin does not read is not judged: Accepted stays True, with a "not checked" note', () => {
  const infra = `${http}\n  infrastructure: {parametersRef: {group: gateway.envoyproxy.io, kind: EnvoyProxy, name: custom}}`;
  const g = status(cls + gateway(infra)).a.gateways[0];
  assert.equal(show(g.conditions[0]), 'Accepted=True(Accepted)');
  assert.match(g.notes.join(' '), /not checked: Gateway\/default\/gw parametersRef EnvoyProxy/);
});

test('ListenerConditionType: while no controller acts on a Gateway (its GatewayClass missing: Pending), its listeners are Accepted and Programmed Unknown(Pending) too, never Programmed=True', () => {
  const pending = status(gateway(http, 'gw', 'missing')).a.gateways[0];
  assert.equal(
    pending.conditions.map(show).join(','),
    'Accepted=Unknown(Pending),Programmed=Unknown(Pending)',
  );
  const l = pending.listeners[0].conditions;
  assert.equal(show(l.find((c) => c.type === 'Programmed')!), 'Programmed=Unknown(Pending)');
  assert.equal(show(l.find((c) => c.type === 'Accepted')!), 'Accepted=Unknown(Pending)');
  assert.equal(
    show(l.find((c) => c.type === 'ResolvedRefs')!),
    'ResolvedRefs=True(ResolvedRefs)',
    'what kubetwin judged stays',
  );
  const served = status(cls + gateway(http)).a.gateways[0].listeners[0].conditions;
  assert.equal(show(served.find((c) => c.type === 'Programmed')!), 'Programmed=True(Programmed)');
});
