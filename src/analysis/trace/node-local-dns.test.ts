/**
 * NodeLocal DNSCache (https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/): a pod's DNS queries go to
 * node-local-dns on its node, not to the kube-dns Service's endpoints, so an egress policy that admits DNS only to the
 * CoreDNS pods does not decide them; kubetwin does not model how a CNI applies policy there, so the trace is unknown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceOn, webBehindService } from './_test-fixtures.ts';

const nodeLocal = `---
apiVersion: v1
kind: ConfigMap
metadata: {name: node-local-dns, namespace: kube-system}
data:
  Corefile: |
    cluster.local:53 {
        bind __PILLAR__LOCAL__DNS__ __PILLAR__DNS__SERVER__
        forward . __PILLAR__CLUSTER__DNS__
    }
    .:53 {
        bind __PILLAR__LOCAL__DNS__ __PILLAR__DNS__SERVER__
        forward . __PILLAR__UPSTREAM__SERVERS__
    }
`;
const cluster = `${webBehindService(8080, { spec: '', ports: '[{port: 80, targetPort: 8080}]' })}---
apiVersion: v1
kind: Pod
metadata: {name: client, labels: {app: client}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: client-egress}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
  egress:
    - to: [{namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
      ports: [{port: 53, protocol: UDP}]
    - to: [{podSelector: {matchLabels: {app: web}}}]
`;
const traceWeb = (yaml: string) =>
  traceOn(
    yaml,
    { kind: 'ref', namespace: 'default', name: 'client' },
    'http://web.default.svc.cluster.local/',
  );

test('nodelocaldns: egress admitted only to the CoreDNS pods does not decide queries to node-local-dns: unknown', () => {
  assert.equal(traceWeb(cluster).outcome, 'delivered', 'without node-local-dns the policy admits DNS');
  const t = traceWeb(cluster + nodeLocal);
  assert.match(t.unknown?.[0] ?? '', /node-local-dns at 10\.96\.0\.10 on the pod's node/);
  assert.equal(t.hops[0]?.undecided, t.unknown?.[0]);
});

test('nodelocaldns: a pod without egress policies reaches node-local-dns', () => {
  const open = cluster.replace(/---\napiVersion: networking[\s\S]*$/, '');
  assert.equal(traceWeb(open + nodeLocal).outcome, 'delivered');
});
