/**
 * Client certificate validation (Gateway `spec.tls.frontend`), conformance-style from the FrontendTLSValidation
 * text (https://gateway-api.sigs.k8s.io/reference/spec/#frontendtlsvalidation): a CA ref that does not resolve or
 * has no `ca.crt` → InvalidCACertificateRef; an unsupported kind → InvalidCACertificateKind; another namespace
 * without a ReferenceGrant → RefNotPermitted; all refs invalid → Accepted=False(NoValidCACertificate); perPort
 * overrides default; AllowValidOnly refuses a client without a certificate.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter, parseRequest } from '../route/index.ts';
import { analyzeGateways } from './index.ts';
import { readFileSync } from 'node:fs';
import { gatewayPreamble, httpListener } from '../../../test/helpers/gateway.ts';
import { caConfigMaps, pemLike } from './_test-fixtures.ts';

// A real certificate and key (the route-gateway scenario's), renamed into this namespace.
const secret = readFileSync('testdata/scenarios/route-gateway/input/tls.yaml', 'utf8').replace(
  'name: wildcard-example-com, namespace: infra',
  'name: cert, namespace: default',
);

function setup(frontend: string, extra = '') {
  const listeners = ['https', 'alt'].map(
    (name, i) =>
      `{name: ${name}, port: ${[443, 8443][i]}, protocol: HTTPS, tls: {certificateRefs: [{name: cert}]}}`,
  );
  const text = `${gatewayPreamble([...listeners, httpListener], { spec: `  tls:\n    frontend:\n${frontend}\n` })}${caConfigMaps}---
${secret}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: default, labels: {app: web}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {selector: {app: web}, ports: [{port: 8080}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules: [{backendRefs: [{name: web, port: 8080}]}]
${extra}`;
  const { model } = buildFromTexts([{ file: 'in.yaml', text }]);
  const status = analyzeGateways(model).gateways[0];
  const listener = (name: string) => {
    const l = status.listeners.find((x) => x.name === name)!;
    const c = (t: string) => l.conditions.find((x) => x.type === t)!;
    return { accepted: c('Accepted'), resolved: c('ResolvedRefs') };
  };
  return { model, listener };
}

describe('spec.tls.frontend: caCertificateRefs and their status reasons', () => {
  it('rule frontend-ca-missing: a ConfigMap that does not exist → ResolvedRefs=False(InvalidCACertificateRef), all invalid → Accepted=False(NoValidCACertificate)', () => {
    const { listener } = setup(
      '      default: {validation: {caCertificateRefs: [{kind: ConfigMap, group: "", name: nope}]}}',
    );
    const l = listener('https');
    assert.equal(l.resolved.reason, 'InvalidCACertificateRef');
    assert.match(l.resolved.message ?? '', /ConfigMap default\/nope not found/);
    assert.equal(l.accepted.status, 'False');
    assert.equal(l.accepted.reason, 'NoValidCACertificate');
    assert.equal(
      listener('http').resolved.status,
      'True',
      'plain HTTP listeners validate no client certificates',
    );
  });
  it('rule frontend-ca-no-key: a ConfigMap without ca.crt → InvalidCACertificateRef', () => {
    const { listener } = setup(
      '      default: {validation: {caCertificateRefs: [{kind: ConfigMap, group: "", name: empty}]}}',
    );
    assert.match(listener('https').resolved.message ?? '', /has no key ca\.crt/);
  });
  it('rule frontend-ca-kind: a Secret as CA ref → InvalidCACertificateKind', () => {
    const { listener } = setup(
      '      default: {validation: {caCertificateRefs: [{kind: Secret, group: "", name: ca}]}}',
    );
    assert.equal(listener('https').resolved.reason, 'InvalidCACertificateKind');
  });
  it('rule frontend-ca-cross-namespace: another namespace without a ReferenceGrant → RefNotPermitted', () => {
    const { listener } = setup(
      '      default: {validation: {caCertificateRefs: [{kind: ConfigMap, group: "", name: ca, namespace: other}]}}',
    );
    assert.equal(listener('https').resolved.reason, 'RefNotPermitted');
  });
  it('rule frontend-ca-one-valid: one valid ref among invalid ones → ResolvedRefs=False but Accepted stays True', () => {
    const { listener } = setup(
      '      default: {validation: {caCertificateRefs: [{kind: ConfigMap, group: "", name: ca}, {kind: ConfigMap, group: "", name: nope}]}}',
    );
    assert.equal(listener('https').resolved.status, 'False');
    assert.equal(listener('https').accepted.status, 'True');
  });
  it('rule frontend-perport-overrides-default: perPort on 8443 replaces the default there only', () => {
    const { listener } =
      setup(`      default: {validation: {caCertificateRefs: [{kind: ConfigMap, group: "", name: ca}]}}
      perPort: [{port: 8443, tls: {validation: {caCertificateRefs: [{kind: ConfigMap, group: "", name: nope}]}}}]`);
    assert.equal(listener('https').resolved.status, 'True');
    assert.equal(listener('alt').resolved.reason, 'InvalidCACertificateRef');
  });
  it('rule frontend-allow-valid-only: a client without a certificate fails the handshake; with one (or unsaid) it is routed with a note', () => {
    const { model } = setup(
      '      default: {validation: {caCertificateRefs: [{kind: ConfigMap, group: "", name: ca}]}}',
    );
    const r = compileRouter(model, { via: { kind: 'gateway', namespace: 'default', name: 'gw' } });
    if (typeof r === 'string') throw new Error(r);
    const ask = (clientCertificate?: 'valid' | 'none') =>
      r.explain(parseRequest({ url: 'https://shop.example.com/', clientCertificate }) as never).decision;
    const none = ask('none');
    assert.equal(none.status, 0);
    assert.match(none.notes[0], /requires a client certificate .* presents none/);
    const assumed = ask();
    assert.deepEqual(
      assumed.backends.map((b) => b.name),
      ['web'],
    );
    assert.ok(
      assumed.notes.some((n) =>
        /client certificate required .*AllowValidOnly.*ConfigMap default\/ca/.test(n),
      ),
    );
    assert.equal(ask('valid').status, 200);
  });
  it('rule frontend-insecure-fallback: AllowInsecureFallback admits a client without a certificate', () => {
    const { model } = setup(
      '      default: {validation: {mode: AllowInsecureFallback, caCertificateRefs: [{kind: ConfigMap, group: "", name: ca}]}}',
    );
    const r = compileRouter(model, { via: { kind: 'gateway', namespace: 'default', name: 'gw' } });
    if (typeof r === 'string') throw new Error(r);
    const d = r.explain(
      parseRequest({ url: 'https://shop.example.com/', clientCertificate: 'none' }) as never,
    ).decision;
    assert.equal(d.status, 200);
    assert.ok(d.notes.some((n) => /AllowInsecureFallback/.test(n)));
  });
  it('rule frontend-trust-anchors: the listener an SNI selects gives the mode and the ca.crt of its valid refs only (what serve gateway verifies against)', () => {
    const { model } =
      setup(`      default: {validation: {caCertificateRefs: [{kind: ConfigMap, group: "", name: ca}, {kind: ConfigMap, group: "", name: nope}]}}
      perPort: [{port: 8443, tls: {validation: {mode: AllowInsecureFallback, caCertificateRefs: [{kind: ConfigMap, group: "", name: nope}]}}}]`);
    const r = compileRouter(model, { via: { kind: 'gateway', namespace: 'default', name: 'gw' } });
    if (typeof r === 'string') throw new Error(r);
    const v = r.clientValidation(443, 'shop.example.com');
    assert.equal(v?.listener, 'Gateway/default/gw listener https');
    assert.equal(v?.mode, 'AllowValidOnly');
    assert.deepEqual(v?.trustAnchors, [pemLike.replace(/\\n/g, '\n')]);
    assert.deepEqual(r.clientValidation(8443, 'shop.example.com')?.trustAnchors, []);
    assert.equal(r.clientValidation(80, 'shop.example.com'), undefined, 'no TLS listener on port 80');
  });
});
