/**
 * A Cilium HTTP rule's `headers` entries as the agent hands them to Envoy (cilium/cilium pkg/envoy, getHTTPRule):
 * split at the first space, trailing colons trimmed from the name, the rest an exact value; no space, a header
 * that must be present. https://docs.cilium.io/en/stable/security/policy/language/#http
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineFor, party } from './_test-helpers.ts';

const profile = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: cilium}\n';

function admits(header: string, request: Record<string, string>): boolean {
  const e = engineFor(
    `apiVersion: v1
kind: Pod
metadata: {name: client, labels: {app: client}}
spec: {containers: [{name: c, image: curl}]}
---
apiVersion: v1
kind: Pod
metadata: {name: api, labels: {app: api}}
spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: l7}
spec:
  endpointSelector: {matchLabels: {app: api}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: client}}]
    toPorts:
    - ports: [{port: "80", protocol: TCP}]
      rules: {http: [{method: GET, path: /public, headers: [${JSON.stringify(header)}]}]}
`,
    { profile },
  );
  const v = e.explain(party(e.model, 'default/client'), party(e.model, 'default/api'), 80, 'TCP', {
    http: { method: 'GET', path: '/public', headers: request },
  });
  return v.allowed;
}

test('rule cilium-http-header-split-at-space: a headers entry is split at its first space, not at its colon', () => {
  // The documented form: name, colon, space, value.
  assert.equal(admits('X-My-Header: true', { 'x-my-header': 'true' }), true);
  assert.equal(admits('X-My-Header: true', { 'X-My-Header': 'false' }), false);
  // No space: a header named "X-My-Header:true" must be present, which no request carries: always 403.
  assert.equal(admits('X-My-Header:true', { 'X-My-Header': 'true' }), false);
  // A space and no colon: the name before it, the value after it.
  assert.equal(admits('X-My-Header true', { 'X-My-Header': 'true' }), true);
  // A bare name: present with any value.
  assert.equal(admits('X-My-Header', { 'X-My-Header': 'anything' }), true);
  assert.equal(admits('X-My-Header', {}), false);
});
