import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { analyseCluster } from '../../pipeline/index.ts';
import type { Flow } from '../flows/index.ts';

const app = (name: string, port: number) => `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: sock-shop}
spec:
  replicas: 1
  selector: {matchLabels: {name: ${name}}}
  template:
    metadata: {labels: {name: ${name}}}
    spec: {containers: [{name: c, image: x, ports: [{containerPort: ${port}}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: sock-shop}
spec: {selector: {name: ${name}}, ports: [{port: ${port}}]}
`;
const policy = (name: string, spec: string) => `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: sock-shop}
spec: ${spec}
`;
const base = `apiVersion: v1
kind: Namespace
metadata: {name: sock-shop}
${app('orders', 80)}${app('carts', 80)}${policy('default-deny', '{podSelector: {}, policyTypes: [Ingress]}')}${policy(
  'allow-monitoring-scraping',
  '{podSelector: {}, policyTypes: [Ingress], ingress: [{from: [{namespaceSelector: {matchLabels: {name: monitoring}}}], ports: [{port: 9090}]}]}',
)}`;
const flows: Flow[] = [
  {
    name: 'orders to carts',
    origin: 'flows-file',
    steps: [
      {
        from: { kind: 'ref', namespace: 'sock-shop', name: 'orders' },
        to: { kind: 'url', scheme: 'tcp', host: 'carts', port: 80, path: '/', protocol: 'TCP' },
        text: 'orders → carts:80',
      },
    ],
  },
];
const brokenStep = (yaml: string) => {
  const a = analyseCluster(buildFromTexts([{ file: 'shop.yaml', text: yaml }]), { flows, discover: false });
  const t = a.traces[0].steps[0].trace;
  assert.equal(t.outcome, 'failed');
  return t;
};

test('why names the rule meant to admit it: a podSelector typo (cart-access selects name=cart, the pods are name=carts), before the first isolating policy', () => {
  const t = brokenStep(
    base +
      policy(
        'cart-access',
        '{podSelector: {matchLabels: {name: cart}}, policyTypes: [Ingress], ingress: [{from: [{podSelector: {matchLabels: {name: orders}}}], ports: [{port: 80}]}]}',
      ),
  );
  assert.match(
    t.failure!.reason,
    /^ingress denied at sock-shop\/carts: the rule meant to admit it, cart-access ingress\[0\] \(shop\.yaml:\d+\) admits sock-shop\/orders on 80\/TCP, but cart-access's podSelector name=cart does not select sock-shop\/carts \(labels name=carts\)/,
  );
  assert.doesNotMatch(t.failure!.reason.split(';')[0], /allow-monitoring-scraping/);
});

test('fix points at the doctor finding on the culprit: the selector typo found by policy-selects-no-pods, with its patch', () => {
  const t = brokenStep(
    base +
      policy(
        'cart-access',
        '{podSelector: {matchLabels: {name: cart}}, policyTypes: [Ingress], ingress: [{from: [{podSelector: {matchLabels: {name: orders}}}], ports: [{port: 80}]}]}',
      ),
  );
  assert.equal(t.fix?.culprit, 'NetworkPolicy/sock-shop/cart-access');
  assert.equal(t.fix?.finding?.code, 'policy-selects-no-pods');
  assert.match(
    t.fix!.summary,
    /^doctor policy-selects-no-pods on NetworkPolicy\/sock-shop\/cart-access \(shop\.yaml:\d+\): /,
  );
  assert.match(
    t.fix!.patch!,
    /\n {2}name: cart-access\n {2}namespace: sock-shop\nspec:\n {2}podSelector: \{matchLabels: \{name: "carts"\}\}/,
  );
});

test('why names the rule meant to admit it: a rule that admits the peer but not the port, and the fix adds the port to it', () => {
  const t = brokenStep(
    base +
      policy(
        'carts-from-orders',
        '{podSelector: {matchLabels: {name: carts}}, policyTypes: [Ingress], ingress: [{from: [{podSelector: {matchLabels: {name: orders}}}], ports: [{port: 8080}]}]}',
      ),
  );
  assert.match(
    t.failure!.reason,
    /the rule meant to admit it, carts-from-orders ingress\[0\] \(shop\.yaml:\d+\) admits sock-shop\/orders but not 80\/TCP \(its ports: 8080\/TCP\)/,
  );
  assert.match(
    t.fix!.summary,
    /add 80\/TCP to the ports of NetworkPolicy\/sock-shop\/carts-from-orders ingress\[0\]/,
  );
});

test('why without a rule meant to admit it: the isolating policies are named, and the fix is a new policy', () => {
  const t = brokenStep(base);
  assert.doesNotMatch(t.failure!.reason, /meant to admit/);
  assert.match(t.failure!.reason, /isolated by/);
  assert.match(t.fix!.summary, /^allow ingress to sock-shop\/carts on 80\/TCP from sock-shop\/orders/);
});

/**
 * A policy whose podSelector selects other running pods is theirs: "podSelector: Each NetworkPolicy includes a
 * podSelector which selects the grouping of pods to which the policy applies"
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource). Pointing its
 * selector at the denied pod would take their access away (a k3s dump: web-from-traefik admits Traefik for the web
 * pods, and the fix offered for a denied Traefik → api was to re-point it at api).
 */
test('rule intended-selector-is-a-typo: a policy selecting other pods is not the rule meant to admit it, and the fix is a new policy', () => {
  const t = brokenStep(
    base +
      policy(
        'orders-from-carts',
        '{podSelector: {matchLabels: {name: orders}}, policyTypes: [Ingress], ingress: [{from: [{podSelector: {matchLabels: {name: orders}}}], ports: [{port: 80}]}]}',
      ),
  );
  assert.doesNotMatch(t.failure!.reason, /the rule meant to admit it, orders-from-carts/);
  assert.doesNotMatch(t.fix?.summary ?? '', /correct the podSelector/);
  assert.match(t.fix?.summary ?? '', /^allow ingress to sock-shop\/carts on 80\/TCP from sock-shop\/orders/);
});
