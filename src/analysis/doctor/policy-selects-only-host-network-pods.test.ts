/**
 * Rule policy-selects-only-host-network-pods: NetworkPolicy for hostNetwork pods is undefined upstream, and the most
 * common implementation ignores them when matching podSelector, so a policy that selects only such pods decides
 * nothing. https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-and-hostnetwork-pods
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { PolicyEngine } from '../policy/index.ts';
import { runDoctor } from './index.ts';

const bad = readFileSync('testdata/doctor/policy-selects-only-host-network-pods.bad.yaml', 'utf8');
const codes = (yaml: string, hostNetwork?: 'node' | 'pod') => {
  const { model } = buildYaml(yaml);
  const engine = new PolicyEngine(model, hostNetwork ? { hostNetwork } : {});
  return runDoctor(model, { engine }).filter((f) => f.code === 'policy-selects-only-host-network-pods');
};

test('policy-selects-only-host-network-pods: a policy over hostNetwork pods only is reported, with the host ports it does not protect', () => {
  const [f] = codes(bad);
  assert.match(
    f.message,
    /^NetworkPolicy monitoring\/node-exporter selects .* matches only hostNetwork pods \(DaemonSet\/monitoring\/node-exporter\)/,
  );
  assert.match(f.breaks, /9100\/TCP/);
});

test('policy-selects-only-host-network-pods: not under --host-network pod, where the policy applies to them', () => {
  assert.deepEqual(codes(bad, 'pod'), []);
});

test('policy-selects-only-host-network-pods: not when the selector also matches pods on the pod network', () => {
  const mixed = `${bad}
---
apiVersion: v1
kind: Pod
metadata: {name: exporter-on-pod-network, namespace: monitoring, labels: {app.kubernetes.io/name: node-exporter}}
spec: {containers: [{name: c}]}
`;
  assert.deepEqual(codes(mixed), []);
});
