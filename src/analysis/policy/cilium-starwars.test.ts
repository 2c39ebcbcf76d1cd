/**
 * Cilium's getting-started demo, "Star Wars": the deathstar admits only `org: empire` ships, first at L3/L4,
 * then with an L7 HTTP rule. https://docs.cilium.io/en/stable/gettingstarted/demo/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeSide } from './_describe.ts';
import { engineFor, expectTable, party } from './_test-helpers.ts';

export const ciliumProfile = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: cilium}';

// examples/minikube/http-sw-app.yaml (Service and Deployment shortened to what the twin reads).
export const starWars = `apiVersion: v1
kind: Service
metadata: {name: deathstar, labels: {app.kubernetes.io/name: deathstar}}
spec:
  type: ClusterIP
  ports: [{port: 80}]
  selector: {org: empire, class: deathstar}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: deathstar}
spec:
  replicas: 2
  selector: {matchLabels: {org: empire, class: deathstar}}
  template:
    metadata: {labels: {org: empire, class: deathstar, app.kubernetes.io/name: deathstar}}
    spec:
      containers: [{name: deathstar, image: quay.io/cilium/starwars, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: tiefighter, labels: {org: empire, class: tiefighter, app.kubernetes.io/name: tiefighter}}
spec: {containers: [{name: spaceship, image: quay.io/cilium/json-mock}]}
---
apiVersion: v1
kind: Pod
metadata: {name: xwing, labels: {org: alliance, class: xwing, app.kubernetes.io/name: xwing}}
spec: {containers: [{name: spaceship, image: quay.io/cilium/json-mock}]}
`;

// examples/minikube/sw_l3_l4_policy.yaml
export const rule1 = `apiVersion: "cilium.io/v2"
kind: CiliumNetworkPolicy
metadata:
  name: "rule1"
spec:
  description: "L3-L4 policy to restrict deathstar access to empire ships only"
  endpointSelector:
    matchLabels:
      org: empire
      class: deathstar
  ingress:
  - fromEndpoints:
    - matchLabels:
        org: empire
    toPorts:
    - ports:
      - port: "80"
        protocol: TCP
`;

// examples/minikube/sw_l3_l4_l7_policy.yaml
export const rule1L7 = `${rule1}      rules:
        http:
        - method: "POST"
          path: "/v1/request-landing"
`;

const deathstar = (e: ReturnType<typeof engineFor>) =>
  e.model.pods.filter((p) => p.labels.class === 'deathstar').map((p) => `default/${p.name}`);

test('cilium star wars, L3/L4: xwing → deathstar:80 is dropped, tiefighter is admitted', () => {
  const e = engineFor(`${starWars}---\n${rule1}`, { profile: ciliumProfile });
  for (const d of deathstar(e))
    expectTable(
      e,
      `default/xwing -> ${d} 80/TCP deny\ndefault/tiefighter -> ${d} 80/TCP allow\ndefault/tiefighter -> ${d} 81/TCP deny`,
    );
  const v = e.explain(party(e.model, 'default/xwing'), party(e.model, deathstar(e)[0]), 80, 'TCP');
  assert.equal(v.ingress.reason, 'no-rule-matched');
  assert.deepEqual(
    v.ingress.isolatedBy.map((i) => i.policy),
    ['CiliumNetworkPolicy/default/rule1'],
  );
  assert.equal(v.ingress.misses[0].path, 'ingress[0]');
  const ok = e.explain(party(e.model, 'default/tiefighter'), party(e.model, deathstar(e)[0]), 80, 'TCP');
  assert.equal(ok.ingress.match?.tier, 'cilium');
  assert.equal(ok.ingress.match?.path, 'ingress[0].fromEndpoints[0]');
  assert.match(
    describeSide(ok.ingress, 'deathstar')[0],
    /CiliumNetworkPolicy\/default\/rule1 ingress\[0\]\.fromEndpoints\[0\] \(test\.yaml:\d+:\d+\)/,
  );
});

test('cilium star wars, L7: POST /v1/request-landing is admitted, PUT /v1/exhaust-port is answered 403', () => {
  const e = engineFor(`${starWars}---\n${rule1L7}`, { profile: ciliumProfile });
  const [d] = deathstar(e);
  const from = party(e.model, 'default/tiefighter');
  const to = party(e.model, d);
  const landing = e.explain(from, to, 80, 'TCP', { http: { method: 'POST', path: '/v1/request-landing' } });
  assert.equal(landing.allowed, true);
  assert.equal(landing.ingress.l7?.match?.path, 'ingress[0].toPorts[0].rules.http[0]');
  const exhaust = e.explain(from, to, 80, 'TCP', { http: { method: 'PUT', path: '/v1/exhaust-port' } });
  assert.equal(exhaust.allowed, false);
  assert.equal(exhaust.httpStatus, 403);
  assert.equal(exhaust.ingress.reason, 'l7-denied');
  const l4 = e.explain(from, to, 80, 'TCP');
  assert.equal(l4.allowed, true);
  assert.equal(l4.ingress.l7?.rules.length, 1);
  assert.match(l4.ingress.notes.join('\n'), /L7 HTTP rules apply/);
  expectTable(e, `default/xwing -> ${d} 80/TCP deny`);
});

test('cilium policies are not enforced when the CNI is not Cilium, and every verdict they touch says so', () => {
  // A profile naming another CNI (without one, Cilium policies in the input infer cni cilium).
  const e = engineFor(`${starWars}---\n${rule1}`, {
    profile: 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: calico}\n',
  });
  const [d] = deathstar(e);
  const v = e.explain(party(e.model, 'default/xwing'), party(e.model, d), 80, 'TCP');
  assert.equal(v.allowed, true);
  assert.match(
    v.warnings.join('\n'),
    /CiliumNetworkPolicy\/default\/rule1 selects default\/deathstar-.* not enforced/,
  );
});
