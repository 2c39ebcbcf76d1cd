/**
 * The matrix says where Cilium L7 HTTP rules apply: a cell is about the L4 connection, and the proxy answers 403
 * to the requests no HTTP rule admits. https://docs.cilium.io/en/stable/security/policy/language/#layer-7-examples
 * (the star wars demo: https://docs.cilium.io/en/stable/gettingstarted/demo/).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineFor } from '../policy/_test-helpers.ts';
import { computeMatrix } from './index.ts';

const profile = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: cilium}';
const pods = `apiVersion: apps/v1
kind: Deployment
metadata: {name: deathstar}
spec:
  replicas: 2
  selector: {matchLabels: {org: empire, class: deathstar}}
  template:
    metadata: {labels: {org: empire, class: deathstar}}
    spec: {containers: [{name: d, image: x, ports: [{name: http, containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: tiefighter, labels: {org: empire, class: tiefighter}}
spec: {containers: [{name: s, image: x}]}
`;
const policy = (toPorts: string, section = 'ingress', peer = 'fromEndpoints') => `---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: rule1}
spec:
  endpointSelector: {matchLabels: {${section === 'ingress' ? 'class: deathstar' : 'class: tiefighter'}}}
  ${section}:
  - ${peer}: [{matchLabels: {org: empire}}]
    toPorts: ${toPorts}
`;
const l7 = (port: string) =>
  `[{ports: [{port: "${port}", protocol: TCP}], rules: {http: [{method: POST, path: /v1/request-landing}]}}]`;
const warnings = (yaml: string, ports?: { port: number; protocol: 'TCP' }[]) =>
  computeMatrix(engineFor(pods + yaml, { profile }), { by: 'workload', ports }).warnings.filter((w) =>
    w.startsWith('L7'),
  );

test('matrix L7 warning: ingress HTTP rules on the destination port are named with the destination group', () => {
  assert.deepEqual(warnings(policy(l7('80'))), [
    'L7 HTTP rules apply on 80/TCP (to default/deathstar): cells show the L4 connection; requests may still be answered 403',
  ]);
  // A named port resolves at the destination pods.
  assert.equal(warnings(policy(l7('http'))).length, 1);
});

test('matrix L7 warning: egress HTTP rules are named with the source group', () => {
  assert.deepEqual(warnings(policy(l7('80'), 'egress', 'toEndpoints')), [
    'L7 HTTP rules apply on 80/TCP (from default/tiefighter): cells show the L4 connection; requests may still be answered 403',
  ]);
});

test('matrix L7 warning: none without HTTP rules, nor on a matrix port the rule does not cover', () => {
  assert.deepEqual(warnings(policy('[{ports: [{port: "80", protocol: TCP}]}]')), []);
  assert.deepEqual(warnings(policy(l7('80')), [{ port: 81, protocol: 'TCP' }]), []);
  assert.deepEqual(
    computeMatrix(engineFor(pods + policy(l7('80')), { profile: profile.replace('cilium', 'calico') }), {
      by: 'workload',
    }).warnings.filter((w) => w.startsWith('L7')),
    [],
    'not enforced when the CNI is not Cilium',
  );
});
