/**
 * DestinationRule `workloadSelector` (https://istio.io/latest/docs/reference/config/networking/destination-rule/):
 * a rule with one applies only to the client proxies of its own namespace whose labels it selects, and istiod's
 * SidecarScope.DestinationRule (istio/istio pilot/pkg/model/sidecar.go) prefers it to the rule without one for
 * them; mergeDestinationRule (pilot/pkg/model/destination_rule.go) keeps the two apart while merging the selective
 * rule's new subsets into the other. kubetwin merged every rule of the host alike, whoever the client.
 * Fixture: shop/web (app=web) and shop/canary-web (app=web, track=canary) call Service backend (v1, v2 pods).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { compileMesh, meshActual, plaintextToStrict } from './index.ts';
import { routeWith, routingFixture, vs } from '../../../test/helpers/istio-routing.ts';
import { PolicyEngine } from '../policy/index.ts';
import { reach } from '../reach/index.ts';

/** For canary clients only: subset v1 means the version-2 pods, and the load balancer is RANDOM. */
const canaryClients = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: backend-for-canary-clients, namespace: shop}
spec:
  host: backend
  workloadSelector: {matchLabels: {track: canary}}
  trafficPolicy: {loadBalancer: {simple: RANDOM}}
  subsets:
  - {name: v1, labels: {version: v2}}
  - {name: only-canary, labels: {version: v2}}
---
`;
const toSubset = (s: string) => vs(`  - route: [{destination: {host: backend, subset: ${s}}}]\n`);

test('destination-rule-workload-selector: the rule selecting the client pod applies to it, before the rule without a selector', () => {
  const { d } = routeWith(canaryClients + toSubset('v1'), 'shop/canary-web', 'http://backend/');
  assert.deepEqual(meshActual(d).workloads, ['shop/backend-v2'], d.notes.join('\n'));
  assert.ok(
    d.notes.some((n) => n.includes('loadBalancer RANDOM')),
    d.notes.join('\n'),
  );
  assert.ok(
    d.notes.some((n) =>
      n.includes(
        'DestinationRule/shop/backend-for-canary-clients (workloadSelector track=canary) selects the client: it applies instead of DestinationRule/shop/backend',
      ),
    ),
    d.notes.join('\n'),
  );
});

test('destination-rule-workload-selector: a client the selector does not pick keeps the rule without one', () => {
  const { d } = routeWith(canaryClients + toSubset('v1'), 'shop/web', 'http://backend/');
  assert.deepEqual(meshActual(d).workloads, ['shop/backend-v1'], d.notes.join('\n'));
  assert.ok(
    d.notes.some((n) => n.includes('does not select the client: DestinationRule/shop/backend applies')),
  );
});

test("destination-rule-workload-selector: a selective rule's new subsets are merged into the rule without a selector (mergeDestinationRule)", () => {
  const { d } = routeWith(canaryClients + toSubset('only-canary'), 'shop/web', 'http://backend/');
  assert.equal(d.status, 200, d.notes.join('\n'));
  assert.deepEqual(meshActual(d).workloads, ['shop/backend-v2']);
});

const plaintextForCanary = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec: {mtls: {mode: STRICT}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: plaintext-for-canary-clients, namespace: shop}
spec:
  host: backend
  workloadSelector: {matchLabels: {track: canary}}
  trafficPolicy: {tls: {mode: DISABLE}}
`;
const build = (extra: string) =>
  buildFromTexts(
    [
      { file: 'app.yaml', text: routingFixture.text },
      { file: 'extra.yaml', text: extra },
    ],
    { profile: routingFixture.profile },
  ).model;

test('destination-rule-workload-selector: reach applies the rule to the client pod it selects only (STRICT refuses its plaintext)', () => {
  const engine = new PolicyEngine(build(plaintextForCanary));
  const from = (pod: string) => {
    const r = reach(engine, { from: pod, to: 'service:shop/backend', port: 80, protocol: 'TCP' });
    assert.ok(typeof r !== 'string', String(r));
    return r;
  };
  assert.equal(from('shop/canary-web').verdict, 'denied');
  assert.match(
    from('shop/canary-web').pairs[0].mesh!.mtls.why,
    /plaintext-for-canary-clients trafficPolicy\.tls\.mode DISABLE/,
  );
  assert.equal(from('shop/web').verdict, 'allowed', 'web is not selected: auto mTLS');
});

test('destination-rule-workload-selector: with no client pod (doctor), each group of clients is judged with its own rule', () => {
  const model = build(plaintextForCanary);
  const mesh = compileMesh(model);
  assert.deepEqual(
    plaintextToStrict(model, (p) => mesh.sidecar(p)).map((f) => `${f.rule.key} ${f.clients}`),
    ['DestinationRule/shop/plaintext-for-canary-clients clients in shop labelled track=canary'],
  );
});
