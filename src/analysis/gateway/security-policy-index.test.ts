/**
 * The SecurityPolicy index (`_security-index.ts`) is built with the routing tables (route/index.ts `compileRouter`):
 * answers look it up and never re-read the policies or re-evaluate `targetSelectors`; a router compiled again from an
 * edited model (what `serve gateway --watch` does on a reload, and a model edited in place) sees the edit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter, parseRequest } from '../route/index.ts';
import type { ClusterModel, OtherObject } from '../../model/types.ts';
import type { EnvoySecurityPolicy } from '../../model/envoy-security-policy.ts';

const text = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: eg}
spec: {controllerName: gateway.envoyproxy.io/gatewayclass-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: eg, namespace: default}
spec:
  gatewayClassName: eg
  listeners: [{name: http, protocol: HTTP, port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: app, namespace: default}
spec: {selector: {app: app}, ports: [{port: 80}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: app, namespace: default, labels: {exposure: internal}}
spec:
  parentRefs: [{name: eg}]
  rules: [{backendRefs: [{name: app, port: 80}]}]
---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: SecurityPolicy
metadata: {name: internal, namespace: default}
spec:
  targetSelectors: [{kind: HTTPRoute, matchLabels: {exposure: internal}}]
  authorization:
    defaultAction: Deny
    rules: [{action: Allow, principal: {clientCIDRs: ["10.0.0.0/8"]}}]
`;

const via = { kind: 'gateway', namespace: 'default', name: 'eg' } as const;

const request = (client: string) => {
  const r = parseRequest({ url: 'http://app.example.com/', clientAddress: client });
  if (typeof r === 'string') throw new Error(r);
  return r;
};

/** `model` whose SecurityPolicy list and SecurityPolicy objects count every read. */
function counted(model: ClusterModel): { model: ClusterModel; reads: () => number } {
  let reads = 0;
  const policies = model.routing!.envoySecurityPolicies;
  const routing = { ...model.routing! };
  Object.defineProperty(routing, 'envoySecurityPolicies', {
    get: () => (reads++, policies),
    enumerable: true,
  });
  const others = model.others.map((o) => {
    if (o.kind !== 'SecurityPolicy') return o;
    const copy = { ...o } as { body: OtherObject['body'] };
    Object.defineProperty(copy, 'body', { get: () => (reads++, o.body), enumerable: true });
    return copy as OtherObject;
  });
  return { model: { ...model, routing, others }, reads: () => reads };
}

test('rule security-policy-index-built-once: explaining and deciding many requests reads the policies only when the router is compiled', () => {
  const { model, reads } = counted(buildFromTexts([{ file: 'in.yaml', text }]).model);
  const router = compileRouter(model, { via });
  if (typeof router === 'string') throw new Error(router);
  const compiled = reads();
  assert.ok(compiled > 0, 'the index is built from the policies');
  for (let i = 0; i < 50; i++) {
    assert.equal(router.explain(request(`10.0.0.${i}`)).routed.status, 200);
    assert.equal(router.decide(request(`192.0.2.${i}`)).status, 403);
  }
  assert.equal(reads(), compiled, 'no request re-reads the policies or re-evaluates their targetSelectors');
});

test('rule security-policy-index-follows-edits: a router compiled again after the model was edited in place answers with the edit', () => {
  const { model } = buildFromTexts([{ file: 'in.yaml', text }]);
  const before = compileRouter(model, { via });
  if (typeof before === 'string') throw new Error(before);
  assert.equal(before.decide(request('192.0.2.1')).status, 403);
  // An in-place edit, as the incremental model applies a watch event: the policy now allows 192.0.2.0/24 as well.
  const list = model.routing!.envoySecurityPolicies as EnvoySecurityPolicy[];
  const p = list[0];
  list[0] = {
    ...p,
    authorization: {
      ...p.authorization!,
      rules: [{ ...p.authorization!.rules[0], clientCIDRs: ['10.0.0.0/8', '192.0.2.0/24'] }],
    },
  };
  const after = compileRouter(model, { via });
  if (typeof after === 'string') throw new Error(after);
  assert.equal(after.decide(request('192.0.2.1')).status, 200);
  assert.equal(
    before.decide(request('192.0.2.1')).status,
    403,
    'a router keeps the index it was compiled with',
  );
});
