/**
 * A listener that is not programmed (ResolvedRefs=False: a missing certificate Secret, or one of another namespace
 * that no ReferenceGrant allows) is not served by a conformant gateway: `route` shows the routing it would apply
 * once fixed, names the condition, and never counts the answer as a delivery; the certificate of a ref that is not
 * permitted is not "ok" whatever the Secret holds.
 * https://gateway-api.sigs.k8s.io/reference/spec/#gatewaytlsconfig,
 * https://gateway-api.sigs.k8s.io/reference/spec/#listenerconditionreason
 */
import { listenerNotServedOf } from './_not-programmed.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter, connectionDelivered, parseConnection, routeDelivered } from '../route/index.ts';
import { renderRoute } from '../../render/route.ts';
import { gatewayClass, routeViaGateway } from './_test-fixtures.ts';

const cluster = (grant: string, listener: string) => `${gatewayClass}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  gatewayClassName: gc
  listeners: [${listener}]
---
apiVersion: v1
kind: Secret
metadata: {name: wildcard, namespace: certs}
type: kubernetes.io/tls
data: {tls.crt: "", tls.key: ""}
---
${grant}
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules: [{backendRefs: [{name: web, port: 80}]}]
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TLSRoute
metadata: {name: pass, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules: [{backendRefs: [{name: web, port: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-0, namespace: default, labels: {app: web}}
spec: {containers: [{name: c, image: nginx}]}
`;

const https =
  '{name: https, protocol: HTTPS, port: 443, tls: {certificateRefs: [{name: wildcard, namespace: certs}]}}';

test('route: an HTTPS listener whose certificateRef crosses namespaces without a ReferenceGrant is not a delivery, and says RefNotPermitted', () => {
  const r = routeViaGateway(cluster('', https), 'https://shop.example.com/');
  assert.equal(r.decision.backends[0]?.name, 'web', 'the routing once fixed is still shown');
  assert.match(
    r.decision.notServed?.message ?? '',
    /ResolvedRefs=False\(RefNotPermitted\): certificateRef to Secret certs\/wildcard/,
  );
  assert.equal(routeDelivered(r), false);
  assert.equal(r.certificate?.status, 'ref-not-permitted');
});

test('route: with a ReferenceGrant in the Secret namespace the ref is permitted (the empty Secret still keeps the listener off)', () => {
  const grant = `apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: gw, namespace: certs}
spec:
  from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: default}]
  to: [{group: "", kind: Secret}]
---
`;
  const r = routeViaGateway(cluster(grant, https), 'https://shop.example.com/');
  assert.equal(r.certificate?.status, 'unparsable');
  assert.equal(r.decision.notServed?.condition?.reason, 'InvalidCertificateRef');
  assert.equal(routeDelivered(r), false);
});

test('route: a programmed HTTP listener to a ready backend is still a delivery', () => {
  const r = routeViaGateway(
    cluster('', '{name: http, protocol: HTTP, port: 80}'),
    'http://shop.example.com/',
  );
  assert.equal(r.decision.notServed, undefined);
  assert.equal(routeDelivered(r), true);
});

test('route: a TLS connection through a listener that is not programmed is not a delivery', () => {
  const tls =
    '{name: tls, protocol: TLS, port: 443, tls: {mode: Terminate, certificateRefs: [{name: wildcard, namespace: certs}]}}';
  const { model } = buildFromTexts([{ file: 'in.yaml', text: cluster('', tls) }]);
  const r = compileRouter(model, { via: { kind: 'gateway', namespace: 'default', name: 'gw' } });
  if (typeof r === 'string') throw new Error(r);
  const conn = parseConnection('tls://shop.example.com');
  if (typeof conn !== 'object') throw new Error(String(conn));
  const c = r.connect(conn);
  assert.equal(c.decision.notServed?.listener, 'tls', c.decision.notes.join('\n'));
  assert.ok(c.decision.notes.includes(c.decision.notServed.message), 'the note says it in words too');
  assert.equal(connectionDelivered(c), false);
});

test('rule listener-not-served-typed: the answer names the Gateway, the listener, the condition and the field to fix as data', () => {
  const r = routeViaGateway(cluster('', https), 'https://shop.example.com/');
  const off = r.decision.notServed;
  assert.deepEqual(off && { ...off, message: undefined, fix: undefined }, {
    gateway: 'Gateway/default/gw',
    listener: 'https',
    programmed: 'Invalid',
    condition: {
      type: 'ResolvedRefs',
      status: 'False',
      reason: 'RefNotPermitted',
      message:
        'certificateRef to Secret certs/wildcard crosses namespaces and no ReferenceGrant in certs allows it',
    },
    object: 'Gateway/default/gw',
    path: 'spec.listeners[0].tls.certificateRefs',
    message: undefined,
    fix: undefined,
  });
  assert.match(
    renderRoute(r),
    /^=> not served: LISTENER NOT PROGRAMMED \(Invalid; ResolvedRefs=False\(RefNotPermitted\)/m,
  );
  assert.doesNotMatch(renderRoute(r), /=> not served: .*once the listener is fixed/);
});

test('rule listener-not-served-typed: a note that only reads like a listener that is not programmed changes no verdict', () => {
  const r = routeViaGateway(
    cluster('', '{name: http, protocol: HTTP, port: 80}'),
    'http://shop.example.com/',
  );
  const d = r.decision;
  const lookalike = {
    ...r,
    decision: { ...d, notes: [...d.notes, 'LISTENER NOT PROGRAMMED (Invalid): words'] },
  };
  assert.equal(routeDelivered(lookalike), true);
  assert.doesNotMatch(renderRoute(lookalike), /not served/);
});

/** The not-served data of a listener whose conditions are `conditions` (cert refs `refs`), in Gateway default/gw. */
function offWith(conditions: readonly object[], refs: readonly { name: string; namespace?: string }[] = []) {
  const gw = { key: 'Gateway/default/gw', namespace: 'default', name: 'gw' };
  const listener = {
    name: 'https',
    tls: { certificateRefs: refs },
    source: { path: 'spec.listeners[2]' },
  };
  return listenerNotServedOf(gw as never, listener as never, {
    status: conditions.length ? ({ conditions } as never) : undefined,
    grants: [],
  })!;
}

test('rule listener-fix-by-condition: the fix and the field for a listener that is not programmed follow the condition that keeps it off', () => {
  const programmed = { type: 'Programmed', status: 'False', reason: 'Invalid' };
  const resolved = (reason: string) => [programmed, { type: 'ResolvedRefs', status: 'False', reason }];
  const refused = offWith(resolved('RefNotPermitted'), [{ name: 'c', namespace: 'certs' }]);
  assert.match(refused.fix, /^add a ReferenceGrant in the Secret's namespace/);
  assert.equal(refused.path, 'spec.listeners[2].tls.certificateRefs');
  const missing = offWith(resolved('InvalidCertificateRef'));
  assert.match(missing.fix, /^create the Secret the listener's certificateRefs name/);
  const conflicted = offWith([
    programmed,
    { type: 'Conflicted', status: 'True', reason: 'HostnameConflict' },
  ]);
  assert.match(conflicted.fix, /^give the listener a hostname/);
  assert.equal(conflicted.path, 'spec.listeners[2].hostname');
  const pending = offWith([]);
  assert.match(pending.fix, /Programmed is True/);
  assert.equal(pending.programmed, 'Pending');
  assert.equal(pending.path, 'spec.listeners[2]');
});

test("rule listener-fix-by-condition: a RefNotPermitted of spec.tls.frontend's CA refs (every certificateRef permitted) points at the frontend, not at a Secret", () => {
  const off = offWith(
    [
      { type: 'Programmed', status: 'False', reason: 'Invalid' },
      { type: 'ResolvedRefs', status: 'False', reason: 'RefNotPermitted' },
    ],
    [{ name: 'cert' }],
  );
  assert.equal(off.path, 'spec.tls.frontend');
  assert.equal(off.object, 'Gateway/default/gw');
  assert.match(off.fix, /caCertificateRef of the Gateway's spec\.tls\.frontend/);
  assert.doesNotMatch(off.fix, /Secret/);
});
