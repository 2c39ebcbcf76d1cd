import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml, codes } from './_test-helpers.ts';

/** A pod as `kubectl get -o yaml` prints it (status and uid set), owned by `owner` (`Kind/name`). */
const observedPod = (
  ns: string,
  name: string,
  o: {
    owner: string;
    labels: string;
    node: string;
    ip?: string;
    phase?: string;
    deleting?: boolean;
    hostNetwork?: boolean;
  },
) => {
  const [kind, owner] = o.owner.split('/');
  const apiVersion = kind === 'Node' ? 'v1' : kind === 'Job' ? 'batch/v1' : 'apps/v1';
  return `---
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${ns}
  uid: 0d5c7e6a-${name}
  labels: ${o.labels}
  ${o.deleting ? 'deletionTimestamp: "2026-12-01T10:00:00Z"' : ''}
  ownerReferences: [{apiVersion: ${apiVersion}, kind: ${kind}, name: ${owner}, uid: u-${owner}, controller: true}]
spec:
  nodeName: ${o.node}
  ${o.hostNetwork ? 'hostNetwork: true' : ''}
  containers: [{name: c, image: img}]
status:
  phase: ${o.phase ?? 'Running'}
  hostIP: 10.128.0.2
  ${o.ip ? `podIP: ${o.ip}` : ''}
  conditions: [{type: Ready, status: "True"}]
`;
};
const shop = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n';

// GKE serves cluster DNS from the kube-dns Deployment and runs kube-proxy as static pods owned by the Node
// (https://cloud.google.com/kubernetes-engine/docs/concepts/kube-dns); a cluster set up for Cilium's kube-proxy
// replacement runs no kube-proxy at all (https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/).
test('addon stand-ins: beside kube-system pods read from a cluster, no CoreDNS or kube-proxy pods are invented', () => {
  const { model } = buildYaml(
    shop +
      observedPod('kube-system', 'kube-dns-6d8f9-xyz12', {
        owner: 'ReplicaSet/kube-dns-6d8f9',
        labels: '{k8s-app: kube-dns, pod-template-hash: 6d8f9}',
        node: 'gke-pool-1',
        ip: '10.8.0.5',
      }) +
      observedPod('kube-system', 'kube-proxy-gke-pool-1', {
        owner: 'Node/gke-pool-1',
        labels: '{component: kube-proxy}',
        node: 'gke-pool-1',
        ip: '10.128.0.2',
        hostNetwork: true,
      }),
  );
  assert.deepEqual(
    model.pods.filter((p) => p.namespace === 'kube-system').map((p) => p.name),
    ['kube-dns-6d8f9-xyz12', 'kube-proxy-gke-pool-1'],
  );
  // The kube-dns Service is still there (not a pod), its one endpoint the observed pod.
  const dns = model.endpointSlices.filter((s) => s.serviceName === 'kube-dns');
  assert.deepEqual(
    dns.flatMap((s) => s.endpoints.map((e) => e.addresses[0])),
    ['10.8.0.5'],
  );
});

test('addon stand-ins: a dump of one application namespace still gets the stand-in system pods', () => {
  const { model } = buildYaml(
    shop +
      observedPod('shop', 'web-0', {
        owner: 'StatefulSet/web',
        labels: '{app: web}',
        node: 'n1',
        ip: '10.8.0.9',
      }),
  );
  assert.ok(model.pods.some((p) => p.name.startsWith('coredns-')));
  assert.ok(model.pods.some((p) => p.name.startsWith('kube-proxy-')));
});

// IsPodActive, kubernetes/kubernetes pkg/controller/controller_utils.go: the ReplicaSet controller counts
// neither finished (Succeeded, Failed) nor terminating pods in status.replicas.
test('IsPodActive: observed replicas count neither evicted, completed nor terminating pods', () => {
  const web = (name: string, extra: { phase?: string; deleting?: boolean; ip?: string }) =>
    observedPod('shop', name, {
      owner: 'ReplicaSet/web-5d8f7c9b4',
      labels: '{app: web, pod-template-hash: 5d8f7c9b4}',
      node: 'n1',
      ...extra,
    });
  const { model } = buildYaml(
    shop +
      web('web-5d8f7c9b4-aaaaa', { ip: '10.8.0.5' }) +
      web('web-5d8f7c9b4-bbbbb', { ip: '10.8.0.6' }) +
      web('web-5d8f7c9b4-evict', { phase: 'Failed' }) +
      web('web-5d8f7c9b4-old01', { ip: '10.8.0.4', deleting: true }),
  );
  const w = model.workloads.find((x) => x.key === 'Deployment/shop/web');
  assert.deepEqual([w?.replicas, w?.replicasFrom, w?.podKeys.length], [2, 'observed', 4]);
});

// kubernetes/kubernetes#92697 and #98611: a completed pod keeps showing its last IP, which a running pod may hold
// now; Calico treats finished pods as having no IPs (projectcalico/libcalico-go#1047).
test("a finished pod's last IP, held now by a running pod, is no ip-conflict, whichever comes first", () => {
  const job = observedPod('shop', 'aaa-report-zx9cv', {
    owner: 'Job/aaa-report',
    labels: '{app: report}',
    node: 'n1',
    ip: '10.8.0.9',
    phase: 'Succeeded',
  });
  const api = observedPod('shop', 'zzz-api-0', {
    owner: 'StatefulSet/zzz-api',
    labels: '{app: api}',
    node: 'n1',
    ip: '10.8.0.9',
  });
  const { model, diagnostics } = buildYaml(shop + job + api);
  assert.deepEqual(
    codes(diagnostics).filter((c) => c === 'ip-conflict'),
    [],
  );
  const ip = (name: string) => model.pods.find((p) => p.name === name)?.ip;
  assert.deepEqual([ip('zzz-api-0'), ip('aaa-report-zx9cv')], ['10.8.0.9', undefined]);
});
