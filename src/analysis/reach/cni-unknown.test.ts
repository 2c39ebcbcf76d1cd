/**
 * "Network policies are implemented by the network plugin … Creating a NetworkPolicy resource without a controller
 * that implements it will have no effect" (https://kubernetes.io/docs/concepts/services-networking/network-policies/#prerequisites).
 * A dump whose kube-system holds no node agent kubetwin knows (minikube's bridge CNI runs none) says nothing of
 * whether the policies are enforced: what they deny is unknown, what they allow stays allowed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { PolicyEngine } from '../policy/index.ts';
import { reach, type ReachResult } from './index.ts';
import { traceOn } from '../trace/_test-fixtures.ts';

/** A minikube-shaped `kubectl get all -A -o yaml`: kube-proxy and CoreDNS pods, no CNI DaemonSet. */
const pod = (ns: string, name: string, ip: string, labels: string, extra = '') =>
  `- apiVersion: v1\n  kind: Pod\n  metadata: {name: ${name}, namespace: ${ns}, uid: u-${name}, resourceVersion: "1", labels: {${labels}}}\n  spec: {nodeName: minikube${extra}, containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}\n  status: {phase: Running, hostIP: 192.168.49.2, podIP: ${ip}, podIPs: [{ip: ${ip}}], conditions: [{type: Ready, status: "True"}]}\n`;
const dump =
  'apiVersion: v1\nkind: List\nitems:\n' +
  pod('kube-system', 'kube-proxy-n29nc', '192.168.49.2', 'k8s-app: kube-proxy', ', hostNetwork: true') +
  pod('kube-system', 'coredns-5d78c9869d-hn7kp', '10.244.0.2', 'k8s-app: kube-dns') +
  pod('default', 'client', '10.244.0.30', 'app: client') +
  pod('default', 'web', '10.244.0.17', 'app: web');
const policies =
  'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web-from-nobody, namespace: default}\nspec: {podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress]}\n---\n' +
  'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: client-from-web, namespace: default}\nspec:\n  podSelector: {matchLabels: {app: client}}\n  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]\n';

function build(profile = '') {
  const texts = [
    { file: 'dump.yaml', text: dump },
    { file: 'policies.yaml', text: policies },
    ...(profile ? [{ file: 'kubetwin.yaml', text: profile }] : []),
  ];
  return new PolicyEngine(buildFromTexts(texts).model);
}

function run(engine: PolicyEngine, from: string, to: string): ReachResult {
  const r = reach(engine, { from, to, port: 80, protocol: 'TCP' });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('rule cni-unknown: a dump whose kube-system runs no known CNI agent infers cni unknown; what the policies deny is unknown', () => {
  const engine = build();
  assert.equal(engine.model.profile.cni.name, 'unknown');
  const denied = run(engine, 'default/client', 'default/web');
  assert.equal(denied.outcome, 'denied');
  assert.equal(denied.verdict, 'unknown');
  assert.match(
    denied.unknownReasons.join('\n'),
    /CNI is unknown .* a CNI that does not enforce them lets it through/,
  );
});

test('rule cni-unknown: what the policies allow stays allowed, whether or not the CNI enforces them', () => {
  const allowed = run(build(), 'default/web', 'default/client');
  assert.equal(allowed.verdict, 'allowed');
  assert.deepEqual(allowed.unknownReasons, []);
});

test('rule cni-unknown: a profile naming the CNI makes the answer sure again', () => {
  const profile = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: calico}\n';
  const denied = run(build(profile), 'default/client', 'default/web');
  assert.equal(denied.verdict, 'denied');
  const bridge = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: bridge}\n';
  assert.equal(run(build(bridge), 'default/client', 'default/web').verdict, 'allowed');
});

test('rule cni-unknown: manifests without kube-system keep the default CNI (calico, enforcing)', () => {
  const app =
    'apiVersion: v1\nkind: List\nitems:\n' +
    pod('default', 'client', '10.244.0.30', 'app: client') +
    pod('default', 'web', '10.244.0.17', 'app: web');
  assert.equal(buildFromTexts([{ file: 'app.yaml', text: app }]).model.profile.cni.name, 'calico');
});

test('rule cni-unknown: trace names the unknown enforcement at the policy hop', () => {
  const t = traceOn(
    `${dump}---\n${policies}`,
    { kind: 'ref', namespace: 'default', name: 'client' },
    'ip:10.244.0.17:80',
  );
  assert.equal(t.outcome, 'failed');
  assert.match((t.unknown ?? []).join('\n'), /CNI is unknown/);
});
