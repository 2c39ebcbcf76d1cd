/**
 * Gateway API policy attachment (GEP-713): an implementation's own policy names what it governs in
 * `spec.targetRef(s)`. Envoy Gateway's BackendTrafficPolicy may retry, rate-limit or answer for its target;
 * kubetwin does not model it, so an answer through its target is unknown, never a sure delivery (SecurityPolicy is
 * modeled: src/analysis/gateway/security-policy.test.ts). https://gateway-api.sigs.k8s.io/geps/gep-713/
 * https://gateway.envoyproxy.io/docs/tasks/security/restrict-ip-access/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter } from '../route/index.ts';
import { explainViaGateway, gatewayClass } from '../gateway/_test-fixtures.ts';
import { attachmentTargets } from './index.ts';

const cluster = (extra = '') => `${gatewayClass}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  gatewayClassName: gc
  listeners: [{name: h, protocol: HTTP, port: 80}, {name: pg, protocol: TCP, port: 5432}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: store}
spec:
  parentRefs: [{name: gw, sectionName: h}]
  rules: [{backendRefs: [{name: store, port: 8080}]}]
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: db}
spec:
  parentRefs: [{name: gw, sectionName: pg}]
  rules: [{backendRefs: [{name: db, port: 5432}]}]
---
apiVersion: v1
kind: Service
metadata: {name: store}
spec: {selector: {app: store}, ports: [{port: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {selector: {app: db}, ports: [{port: 5432}]}
${extra}`;

const securityPolicy = (target: string) => `---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: SecurityPolicy
metadata: {name: allow-office}
spec:
  targetRefs: [${target}]
  authorization:
    defaultAction: Deny
    rules: [{action: Allow, principal: {clientCIDRs: [10.0.1.0/24]}}]
`;

test('rule GEP-713 policy attachment: an unmodeled policy targeting the winning HTTPRoute makes the answer unknown', () => {
  assert.deepEqual(explainViaGateway(cluster(), 'http://store.example/').unknown ?? [], []);
  const d = explainViaGateway(
    cluster(
      securityPolicy('{group: gateway.networking.k8s.io, kind: HTTPRoute, name: store}').replace(
        'SecurityPolicy',
        'BackendTrafficPolicy',
      ),
    ),
    'http://store.example/',
  );
  assert.deepEqual(
    (d.unknown ?? []).map((u) => `${u.object} ${u.path}`),
    ['BackendTrafficPolicy.gateway.envoyproxy.io/default/allow-office spec.targetRefs'],
  );
  assert.match(d.unknown![0].text, /attached to HTTPRoute\/default\/store .*may deny/);
});

test('rule GEP-713 policy attachment: a policy on the Gateway, a backend Service or the namespace reaches the answer; one on another object does not', () => {
  const unknownFor = (target: string, kind = 'ClientTrafficPolicy') =>
    (
      explainViaGateway(
        cluster(
          securityPolicy(target)
            .replace('kind: SecurityPolicy', `kind: ${kind}`)
            .replace(/ {2}authorization:[\s\S]*$/, ''),
        ),
        'http://store.example/',
      ).unknown ?? []
    ).length;
  assert.equal(unknownFor('{group: gateway.networking.k8s.io, kind: Gateway, name: gw}'), 1);
  assert.equal(unknownFor('{group: "", kind: Service, name: store}', 'BackendTrafficPolicy'), 1);
  assert.equal(unknownFor('{group: "", kind: Namespace, name: default}', 'BackendTrafficPolicy'), 1);
  assert.equal(unknownFor('{group: gateway.networking.k8s.io, kind: Gateway, name: other}'), 0);
  assert.equal(unknownFor('{group: "", kind: Service, name: db}', 'BackendTrafficPolicy'), 0);
});

test('rule GEP-713 policy attachment: a policy on a TCPRoute makes its connection unknown', () => {
  const { model } = buildFromTexts([
    {
      file: 'in.yaml',
      text: cluster(
        securityPolicy('{group: gateway.networking.k8s.io, kind: TCPRoute, name: db}').replace(
          'SecurityPolicy',
          'BackendTrafficPolicy',
        ),
      ),
    },
  ]);
  const r = compileRouter(model, { via: { kind: 'gateway', namespace: 'default', name: 'gw' } });
  if (typeof r === 'string') throw new Error(r);
  const c = r.connect({ protocol: 'tcp', port: 5432 });
  assert.deepEqual(
    (c.decision.unknown ?? []).map((u) => u.object),
    ['BackendTrafficPolicy.gateway.envoyproxy.io/default/allow-office'],
  );
  assert.match(c.decision.unknown![0].text, /this connection$/);
});

test('rule GEP-713 policy attachment: a policy kind kubetwin models (BackendTLSPolicy) answers for itself and is not an unknown', () => {
  const d = explainViaGateway(
    cluster(`---
apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {name: tls}
spec:
  targetRefs: [{group: "", kind: Service, name: db}]
  validation: {hostname: db.example, wellKnownCACertificates: System}
`),
    'http://store.example/',
  );
  assert.deepEqual(d.unknown ?? [], []);
});

test('rule GEP-713 policy attachment: the reader keeps an unknown kind with targetRefs and says what it does with it', () => {
  const { model, diagnostics } = buildFromTexts([
    {
      file: 'in.yaml',
      text: cluster(
        securityPolicy('{group: gateway.networking.k8s.io, kind: HTTPRoute, name: store}').replace(
          'SecurityPolicy',
          'BackendTrafficPolicy',
        ),
      ),
    },
  ]);
  const o = model.others.find((x) => x.kind === 'BackendTrafficPolicy')!;
  assert.deepEqual(attachmentTargets(o), ['HTTPRoute/default/store']);
  assert.ok(
    diagnostics.some((d) => d.code === 'unknown-kind' && /policy attachment/.test(d.message)),
    JSON.stringify(diagnostics),
  );
});

test('rule Envoy Gateway targetSelectors: a policy selecting the winning HTTPRoute by its labels makes the answer unknown', () => {
  const labelled = (extra: string) =>
    cluster(extra).replace(
      'metadata: {name: store}\nspec:\n  parentRefs',
      'metadata: {name: store, labels: {app: store}}\nspec:\n  parentRefs',
    );
  const bySelector = (selector: string) => `---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: BackendTrafficPolicy
metadata: {name: deny-by-label}
spec:
  targetSelectors: [${selector}]
  faultInjection: {abort: {httpStatus: 503}}
`;
  const unknownOf = (selector: string) =>
    (explainViaGateway(labelled(bySelector(selector)), 'http://store.example/').unknown ?? []).map(
      (u) => `${u.object} ${u.path}`,
    );
  const hit = ['BackendTrafficPolicy.gateway.envoyproxy.io/default/deny-by-label spec.targetSelectors'];
  assert.deepEqual(unknownOf('{kind: HTTPRoute, matchLabels: {app: store}}'), hit);
  assert.deepEqual(
    unknownOf('{kind: HTTPRoute, matchExpressions: [{key: app, operator: In, values: [store]}]}'),
    hit,
  );
  // No requirement selects every HTTPRoute of the namespace, as an empty label selector does.
  assert.deepEqual(unknownOf('{kind: HTTPRoute}'), hit);
  assert.deepEqual(unknownOf('{kind: HTTPRoute, matchLabels: {app: other}}'), []);
  assert.deepEqual(unknownOf('{kind: Gateway, matchLabels: {app: store}}'), []);
  assert.deepEqual(
    unknownOf('{kind: HTTPRoute, matchExpressions: [{key: app, operator: NotIn, values: [store]}]}'),
    [],
  );
});
