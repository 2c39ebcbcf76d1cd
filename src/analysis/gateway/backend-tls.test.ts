/**
 * BackendTLSPolicy, conformance-style from the Gateway API reference (BackendTLSPolicySpec, BackendTLSPolicyValidation;
 * https://gateway-api.sigs.k8s.io/reference/spec/#backendtlspolicy) and the BackendTLSPolicyConflictResolution cases
 * it describes: the older policy wins a target (then the first by name), the loser is Accepted=False(Conflicted); a
 * policy naming a port by sectionName and one naming the whole Service do not conflict, and the port's own applies
 * there; CA refs that do not resolve → ResolvedRefs=False(InvalidCACertificateRef), a kind other than ConfigMap →
 * InvalidKind, all invalid → Accepted=False(NoValidCACertificate) and the client gets a 5xx.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter, parseRequest } from '../route/index.ts';
import { analyzeGateways } from './index.ts';
import { gatewayPreamble, httpListener } from '../../../test/helpers/gateway.ts';
import { caConfigMaps } from './_test-fixtures.ts';

function setup(policies: string) {
  const text = `${gatewayPreamble([httpListener])}${caConfigMaps}---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: default, labels: {app: web}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {selector: {app: web}, ports: [{name: https-1, port: 443}, {name: https-2, port: 8443}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /one}}]
    backendRefs: [{name: web, port: 443}]
  - matches: [{path: {type: PathPrefix, value: /two}}]
    backendRefs: [{name: web, port: 8443}]
---
${policies}`;
  const { model, diagnostics } = buildFromTexts([{ file: 'in.yaml', text }]);
  const statuses = analyzeGateways(model).backendTLS.statuses;
  const status = (name: string) => {
    const s = statuses.find((x) => x.name === name)!;
    const c = (t: string) => s.conditions.find((x) => x.type === t)!;
    return { accepted: c('Accepted'), resolved: c('ResolvedRefs'), status: s };
  };
  const r = compileRouter(model, { via: { kind: 'gateway', namespace: 'default', name: 'gw' } });
  if (typeof r === 'string') throw new Error(r);
  const ask = (path: string) =>
    r.explain(parseRequest({ url: `http://shop.example.com${path}` }) as never).decision;
  return { status, ask, diagnostics, model };
}

const policy = (name: string, target: string, validation: string, created?: string) => `
apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {name: ${name}, namespace: default${created ? `, creationTimestamp: "${created}"` : ''}}
spec:
  targetRefs: [${target}]
  validation: ${validation}
---`;
const goodCa = '{hostname: web.example.com, caCertificateRefs: [{group: "", kind: ConfigMap, name: ca}]}';

describe('BackendTLSPolicy: status and the TLS the gateway originates', () => {
  it('rule backend-tls-applied: a policy on the Service makes the gateway connect over TLS with its SNI and trust', () => {
    const { status, ask } = setup(policy('p', '{group: "", kind: Service, name: web}', goodCa));
    assert.equal(status('p').accepted.status, 'True');
    assert.equal(status('p').resolved.status, 'True');
    const d = ask('/one');
    assert.equal(d.status, 200);
    assert.deepEqual(d.backends[0].tls, {
      policy: 'BackendTLSPolicy/default/p',
      hostname: 'web.example.com',
      subjectAltNames: [],
      trust: ['ConfigMap default/ca'],
    });
    assert.ok(
      d.notes.some((n) => /TLS to default\/web:443 .*SNI web\.example\.com.*ConfigMap default\/ca/.test(n)),
    );
  });
  it('rule backend-tls-conflict-oldest-wins: two policies on the same Service → the older is Accepted, the newer Conflicted', () => {
    const { status, ask } = setup(
      policy('b-old', '{group: "", kind: Service, name: web}', goodCa, '2024-01-01T00:00:00Z') +
        policy(
          'a-new',
          '{group: "", kind: Service, name: web}',
          '{hostname: other.example.com, wellKnownCACertificates: System}',
          '2024-06-01T00:00:00Z',
        ),
    );
    assert.equal(status('b-old').accepted.status, 'True');
    assert.equal(status('a-new').accepted.status, 'False');
    assert.equal(status('a-new').accepted.reason, 'Conflicted');
    assert.equal(ask('/one').backends[0].tls?.hostname, 'web.example.com');
  });
  it('rule backend-tls-conflict-name-tiebreak: without creation timestamps the first by name wins, and the answer says the order is assumed', () => {
    const { status, ask } = setup(
      policy('bar', '{group: "", kind: Service, name: web}', goodCa) +
        policy('baz', '{group: "", kind: Service, name: web}', goodCa),
    );
    assert.equal(status('bar').accepted.status, 'True');
    assert.equal(status('baz').accepted.reason, 'Conflicted');
    assert.ok(ask('/one').notes.some((n) => /creation order unknown/.test(n)));
  });
  it('rule backend-tls-section-name: a sectionName policy and a Service-wide one do not conflict; each applies on its port', () => {
    const { status, ask } = setup(
      policy(
        'section',
        '{group: "", kind: Service, name: web, sectionName: https-1}',
        '{hostname: one.example.com, caCertificateRefs: [{group: "", kind: ConfigMap, name: ca}]}',
        '2024-06-01T00:00:00Z',
      ) + policy('whole', '{group: "", kind: Service, name: web}', goodCa, '2024-01-01T00:00:00Z'),
    );
    assert.equal(status('section').accepted.status, 'True');
    assert.equal(status('whole').accepted.status, 'True');
    assert.equal(ask('/one').backends[0].tls?.hostname, 'one.example.com');
    assert.equal(ask('/two').backends[0].tls?.hostname, 'web.example.com');
  });
  it('rule backend-tls-invalid-ca: a ConfigMap that does not exist → InvalidCACertificateRef, NoValidCACertificate, and a 5xx', () => {
    const { status, ask } = setup(
      policy(
        'p',
        '{group: "", kind: Service, name: web}',
        '{hostname: web.example.com, caCertificateRefs: [{group: "", kind: ConfigMap, name: nope}]}',
      ),
    );
    assert.equal(status('p').resolved.reason, 'InvalidCACertificateRef');
    assert.equal(status('p').accepted.reason, 'NoValidCACertificate');
    const d = ask('/one');
    assert.equal(d.status, 500);
    assert.match(d.backends[0].problem ?? '', /TLS connection to the backend fails/);
  });
  it('rule backend-tls-invalid-kind: a Secret as CA ref → ResolvedRefs=False(InvalidKind)', () => {
    const { status } = setup(
      policy(
        'p',
        '{group: "", kind: Service, name: web}',
        '{hostname: web.example.com, caCertificateRefs: [{group: "", kind: Secret, name: ca}]}',
      ),
    );
    assert.equal(status('p').resolved.reason, 'InvalidKind');
  });
  it('rule backend-tls-no-ca-key: a ConfigMap without ca.crt → InvalidCACertificateRef', () => {
    const { status } = setup(
      policy(
        'p',
        '{group: "", kind: Service, name: web}',
        '{hostname: web.example.com, caCertificateRefs: [{group: "", kind: ConfigMap, name: empty}]}',
      ),
    );
    assert.match(status('p').resolved.message, /has no key ca\.crt/);
  });
  it('rule backend-tls-target-not-found: a Service or port name that does not exist → Accepted=False(TargetNotFound), nothing applied', () => {
    const { status, ask } = setup(
      policy('gone', '{group: "", kind: Service, name: nope}', goodCa) +
        policy('port', '{group: "", kind: Service, name: web, sectionName: grpc}', goodCa),
    );
    assert.equal(status('gone').accepted.reason, 'TargetNotFound');
    assert.equal(status('port').accepted.reason, 'TargetNotFound');
    assert.equal(ask('/one').backends[0].tls, undefined);
  });
  it('rule backend-tls-validation: both or neither of caCertificateRefs and wellKnownCACertificates, or a wildcard hostname, are refused', () => {
    const { diagnostics, model } = setup(
      policy(
        'both',
        '{group: "", kind: Service, name: web}',
        '{hostname: web.example.com, wellKnownCACertificates: System, caCertificateRefs: [{group: "", kind: ConfigMap, name: ca}]}',
      ) +
        policy('neither', '{group: "", kind: Service, name: web}', '{hostname: web.example.com}') +
        policy(
          'wild',
          '{group: "", kind: Service, name: web}',
          '{hostname: "*.example.com", wellKnownCACertificates: System}',
        ),
    );
    const codes = diagnostics.filter((d) => d.code === 'invalid-backend-tls-policy').map((d) => d.message);
    assert.ok(codes.some((m) => /must not set both/.test(m)));
    assert.ok(codes.some((m) => /needs caCertificateRefs or wellKnownCACertificates/.test(m)));
    assert.ok(codes.some((m) => /without a wildcard/.test(m)));
    assert.deepEqual(model.routing?.backendTLSPolicies ?? [], []);
  });
});
