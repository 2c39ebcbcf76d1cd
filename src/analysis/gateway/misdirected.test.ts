/**
 * 421 Misdirected Request, conformance-style, from GEP-3567 (B): a connection whose SNI selected one HTTPS listener
 * carries a request whose Host selects another (HTTP/2 coalescing over a certificate valid for both): the gateway
 * answers 421 so the client opens a new connection. https://gateway-api.sigs.k8s.io/geps/gep-3567/
 * RFC 9110 §15.5.20 https://www.rfc-editor.org/rfc/rfc9110#section-15.5.20
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter, parseRequest } from '../route/index.ts';
import { routeHandler } from '../assert/_route.ts';
import { assertContext, evaluateRouteEntry } from '../../../test/helpers/route-entry.ts';
import { isProblem } from '../assert/types.ts';
import { gatewayPreamble } from '../../../test/helpers/gateway.ts';

const misdirectedYaml = `${gatewayPreamble([
  '{name: foo, port: 443, protocol: HTTPS, hostname: foo.example.com, tls: {certificateRefs: [{name: foo-cert}]}}',
  '{name: wild, port: 443, protocol: HTTPS, hostname: "*.example.com", tls: {certificateRefs: [{name: wild-cert}]}}',
])}${['foo', 'wild']
  .map(
    (n) => `apiVersion: v1
kind: Service
metadata: {name: ${n}, namespace: default}
spec: {selector: {app: ${n}}, ports: [{port: 8080}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${n}, namespace: default}
spec:
  parentRefs: [{name: gw, sectionName: ${n}}]
  rules: [{backendRefs: [{name: ${n}, port: 8080}]}]
---
`,
  )
  .join('')}`;

function go(url: string, sni?: string, headers: string[] = []) {
  const { model } = buildFromTexts([{ file: 'in.yaml', text: misdirectedYaml }]);
  const r = compileRouter(model, { via: { kind: 'gateway', namespace: 'default', name: 'gw' } });
  if (typeof r === 'string') throw new Error(r);
  const req = parseRequest({ url, sni, headers });
  if (typeof req === 'string') throw new Error(req);
  return r.explain(req).decision;
}

describe('421 Misdirected Request (GEP-3567)', () => {
  it('rule misdirected-421: SNI selects the wildcard listener, Host the exact one → 421', () => {
    const d = go('https://foo.example.com/', 'bar.example.com');
    assert.equal(d.status, 421);
    assert.match(
      d.notes[0],
      /SNI bar\.example\.com selected listener wild .* Host foo\.example\.com selects listener foo/,
    );
    assert.deepEqual(d.backends, []);
  });
  it('rule misdirected-same-listener: SNI and Host on one listener → routed', () => {
    assert.deepEqual(
      go('https://foo.example.com/', 'foo.example.com').backends.map((b) => b.name),
      ['foo'],
    );
    assert.deepEqual(
      go('https://a.example.com/', 'b.example.com').backends.map((b) => b.name),
      ['wild'],
      'two names of the wildcard listener share it: no 421',
    );
  });
  it('rule misdirected-sni-unknown: routed by Host alone when the SNI is not given', () => {
    assert.deepEqual(
      go('https://foo.example.com/').backends.map((b) => b.name),
      ['foo'],
    );
  });
  it('rule misdirected-no-listener-for-sni: an SNI no listener accepts fails the handshake (no HTTP answer)', () => {
    const d = go('https://foo.example.com/', 'other.test');
    assert.equal(d.status, 0);
    assert.match(d.notes[0], /no listener on port 443 accepts SNI other\.test/);
  });
  it('rule misdirected-test-entry: a route: test entry takes sni', () => {
    const { model } = buildFromTexts([{ file: 'in.yaml', text: misdirectedYaml }]);
    const ctx = assertContext(model);
    const route = {
      via: 'gateway:default/gw',
      listenerPort: 443,
      sni: 'bar.example.com',
      host: 'foo.example.com',
      path: '/',
    };
    assert.equal(evaluateRouteEntry(ctx, route, { status: 421 }).passed, true);
    const bad = routeHandler.parse({ ...route, listenerPort: 80, sni: 'x' }, { status: 421 });
    assert.ok(isProblem(bad) && /sni needs scheme https/.test(bad.error));
  });
});
