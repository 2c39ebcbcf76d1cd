/**
 * `namespace-without-default-deny` says what a namespace without a default deny leaves open now: policies isolate
 * only the pods they select ("By default, a pod is non-isolated for ingress … once there is any NetworkPolicy in a
 * namespace selecting a particular pod, that pod will reject any connections not allowed by it",
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#isolated-and-non-isolated-pods), so a
 * namespace with some policies but no default deny is told apart from one with none, and the pods open are counted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { runDoctor } from './index.ts';

const pod = (name: string, app: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: shop, labels: {app: ${app}}}\nspec: {containers: [{name: c, image: x}]}\n---\n`;
const policy = (name: string, spec: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: shop}\nspec: ${spec}\n---\n`;
const finding = (yaml: string) =>
  runDoctor(buildYaml(yaml).model, {}).find((f) => f.code === 'namespace-without-default-deny');
const pods = pod('web', 'web') + pod('api', 'api');

test('rule namespace-without-default-deny: a namespace with some policies but no default deny counts the pods no policy isolates', () => {
  const f = finding(
    pods +
      policy('deny-in', '{podSelector: {}, policyTypes: [Ingress]}') +
      policy('api-out', '{podSelector: {matchLabels: {app: api}}, policyTypes: [Egress], egress: [{}]}'),
  );
  assert.equal(
    f?.message,
    'namespace shop has 2 NetworkPolicies but no default deny for Egress: no policy isolates 1 of its 2 pods for Egress',
  );
  assert.equal(f?.breaks, 'pod shop/web may connect anywhere');
});

test('rule namespace-without-default-deny: policies that select every pod still leave a new pod open, and say so', () => {
  const f = finding(
    pods +
      policy('deny-in', '{podSelector: {}, policyTypes: [Ingress]}') +
      policy(
        'out',
        '{podSelector: {matchExpressions: [{key: app, operator: Exists}]}, policyTypes: [Egress], egress: [{}]}',
      ),
  );
  assert.equal(
    f?.message,
    'namespace shop has 2 NetworkPolicies but no default deny for Egress: the policies select every pod for Egress, but a new pod none selects is not isolated',
  );
  assert.match(
    f?.breaks ?? '',
    /every pod in shop is isolated for Egress today by a policy that selects it, but a new pod none selects may connect anywhere/,
  );
});

test('rule namespace-without-default-deny: a namespace without any policy says so, and how many pods are open both ways', () => {
  const f = finding(pods);
  assert.equal(
    f?.message,
    'namespace shop has no NetworkPolicy at all: no default deny for Ingress or Egress, and nothing isolates its 2 pods',
  );
  assert.equal(f?.breaks, '2 pods (e.g. shop/api) accept connections from anywhere and may connect anywhere');
});

/**
 * Under an unknown CNI, findings about what the policies deny hold only if it enforces them: "Creating a
 * NetworkPolicy resource without a controller that implements it will have no effect"
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#prerequisites).
 */
test('rule cni-enforcement-unknown: policies under an unknown CNI are a warning, and denial findings are conditional', () => {
  const profile = (cni: string) =>
    `apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: ${cni}}\n---\n`;
  const deny = policy('deny', '{podSelector: {}, policyTypes: [Ingress, Egress]}');
  const dns =
    'apiVersion: v1\nkind: Service\nmetadata: {name: kube-dns, namespace: kube-system}\nspec: {clusterIP: 10.96.0.10, selector: {k8s-app: kube-dns}, ports: [{port: 53, protocol: UDP}]}\n---\n' +
    'apiVersion: v1\nkind: Pod\nmetadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}\nspec: {containers: [{name: c, image: x, ports: [{containerPort: 53, protocol: UDP}]}]}\n';
  const findings = (cni: string) => runDoctor(buildYaml(profile(cni) + pods + deny + dns).model, {});
  const unknown = findings('unknown');
  const warning = unknown.find((f) => f.code === 'cni-enforcement-unknown');
  assert.match(warning?.message ?? '', /1 NetworkPolicy exists, but the cluster's CNI is unknown/);
  const noDns = unknown.find((f) => f.code === 'egress-without-dns');
  assert.match(
    noDns?.breaks ?? '',
    /^if the CNI enforces NetworkPolicy \(unknown: see cni-enforcement-unknown\), every DNS lookup/,
  );
  const calico = findings('calico');
  assert.equal(
    calico.find((f) => f.code === 'cni-enforcement-unknown'),
    undefined,
  );
  assert.match(calico.find((f) => f.code === 'egress-without-dns')?.breaks ?? '', /^every DNS lookup/);
});
