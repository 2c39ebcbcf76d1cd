/**
 * A `route:` entry whose router cannot decide the request (a Traefik IngressRoute router with a `ClientIP` matcher
 * above the one that answers) is unknown, never a pass: the decision's `unknown` is read, as `route` exits 1 on it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { routeHandler } from './_route.ts';
import { isProblem, type AssertContext } from './types.ts';

const yaml = `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: traefik}
spec: {controller: traefik.io/ingress-controller}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {name: r}
spec:
  routes:
  - {match: "Host(\`a.example.com\`)", services: [{name: web, port: 80}]}
  - {match: "Host(\`a.example.com\`) && ClientIP(\`10.0.0.0/8\`)", services: [{name: web, port: 80}]}
`;

test('rule route-entry-unknown-is-not-a-pass: an undecided Traefik router makes the entry unknown though the modeled answer is as expected', () => {
  const { model } = buildFromTexts([{ file: 'in.yaml', text: yaml }]);
  const memo = new Map<string, unknown>();
  const ctx: AssertContext = {
    model,
    hostNetwork: 'node',
    memo: <T>(k: string, make: () => T) => (memo.has(k) ? memo.get(k) : memo.set(k, make()).get(k)) as T,
  };
  const q = routeHandler.parse(
    { via: 'ingress-class:traefik', host: 'a.example.com', path: '/' },
    { backend: 'default/web' },
  );
  assert.ok(!isProblem(q), JSON.stringify(q));
  const o = routeHandler.evaluate(q, ctx);
  assert.equal(o.passed, false);
  assert.equal(o.unknown, true);
  assert.match(o.message, /^unknown: IngressRoute\/default\/r routes\[1\] .*ClientIP.*, as expected\)$/);
  assert.deepEqual((o.actual as { unknown?: string[] }).unknown, ['IngressRoute/default/r']);
});
