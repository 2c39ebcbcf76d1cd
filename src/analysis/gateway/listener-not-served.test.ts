/**
 * A listener that is not programmed (ResolvedRefs=False: a missing certificate Secret, or one of another namespace
 * that no ReferenceGrant allows) is not served by a conformant gateway: `route` shows the routing it would apply
 * once fixed, names the condition, and never counts the answer as a delivery; the certificate of a ref that is not
 * permitted is not "ok" whatever the Secret holds.
 * https://gateway-api.sigs.k8s.io/reference/spec/#gatewaytlsconfig,
 * https://gateway-api.sigs.k8s.io/reference/spec/#listenerconditionreason
 */
import { listenerFix, listenerNotProgrammedNote } from './_not-programmed.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter, connectionDelivered, parseConnection, routeDelivered } from '../route/index.ts';
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
  const note = r.decision.notes.find((n) => n.startsWith('LISTENER NOT PROGRAMMED'));
  assert.match(note ?? '', /ResolvedRefs=False\(RefNotPermitted\): certificateRef to Secret certs\/wildcard/);
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
  assert.match(
    r.decision.notes.find((n) => n.startsWith('LISTENER NOT PROGRAMMED')) ?? '',
    /InvalidCertificateRef/,
  );
  assert.equal(routeDelivered(r), false);
});

test('route: a programmed HTTP listener to a ready backend is still a delivery', () => {
  const r = routeViaGateway(
    cluster('', '{name: http, protocol: HTTP, port: 80}'),
    'http://shop.example.com/',
  );
  assert.ok(!r.decision.notes.some((n) => n.startsWith('LISTENER NOT PROGRAMMED')));
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
  assert.ok(
    c.decision.notes.some((n) => n.startsWith('LISTENER NOT PROGRAMMED')),
    c.decision.notes.join('\n'),
  );
  assert.equal(connectionDelivered(c), false);
});

test('rule listener-fix-by-condition: the fix for a listener that is not programmed follows the condition its note names', () => {
  const note = (cond: string) =>
    listenerNotProgrammedNote({
      conditions: [
        { type: 'Programmed', status: 'False', reason: 'Invalid' },
        cond === 'Conflicted'
          ? { type: 'Conflicted', status: 'True', reason: 'HostnameConflict' }
          : { type: 'ResolvedRefs', status: 'False', reason: cond },
      ],
    } as never)!;
  assert.match(listenerFix(note('RefNotPermitted')), /^add a ReferenceGrant in the Secret's namespace/);
  assert.match(
    listenerFix(note('InvalidCertificateRef')),
    /^create the Secret the listener's certificateRefs name/,
  );
  assert.match(listenerFix(note('Conflicted')), /^give the listener a hostname/);
  assert.match(listenerFix(listenerNotProgrammedNote(undefined)!), /Programmed is True/);
});
