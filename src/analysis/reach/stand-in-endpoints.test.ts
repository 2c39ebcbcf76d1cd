/**
 * Every cluster runs DNS behind kube-system/kube-dns (https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/).
 * kubetwin stands the Service in where the input lacks it; beside a dump's own kube-system pods it adds no stand-in
 * DNS pods, so when none of the input backs it, what answers cluster DNS is unknown — not a rejection.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { servicePath } from '../service-path/index.ts';
import { traceOn } from '../trace/_test-fixtures.ts';
import { runDoctor } from '../doctor/index.ts';

const pod = (ns: string, name: string, ip: string, labels: string, extra = '') =>
  `---\napiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${ns}, uid: u-${name}, resourceVersion: "1", labels: {${labels}}}\nspec: {nodeName: n1${extra}, containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}\nstatus: {phase: Running, hostIP: 10.0.0.1, podIP: ${ip}, podIPs: [{ip: ${ip}}], conditions: [{type: Ready, status: "True"}]}\n`;
const web =
  'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop, uid: s1, resourceVersion: "1"}\nspec: {clusterIP: 10.96.5.5, clusterIPs: [10.96.5.5], selector: {app: web}, ports: [{port: 80}]}\n' +
  pod('shop', 'web-1', '10.244.0.17', 'app: web') +
  pod('shop', 'client', '10.244.0.30', 'app: client');
const kubeProxy = pod(
  'kube-system',
  'kube-proxy-x',
  '10.0.0.1',
  'k8s-app: kube-proxy',
  ', hostNetwork: true',
);
const coredns = pod('kube-system', 'coredns-a', '10.244.0.2', 'k8s-app: kube-dns');

const dnsPath = (yaml: string) => {
  const r = servicePath(buildYaml(yaml).model, {
    service: 'kube-system/kube-dns',
    port: 'dns',
    client: { kind: 'unspecified' },
  });
  assert.ok(typeof r !== 'string', String(r));
  return r;
};

test('rule stand-in-endpoints-unknown: a dump with kube-system pods but no DNS pods: the stand-in kube-dns is unknown, not rejected', () => {
  const yaml = web + kubeProxy;
  const r = dnsPath(yaml);
  assert.equal(r.verdict, 'rejected');
  assert.match(
    r.unknown ?? '',
    /kube-dns is not in the input .* no pod of the input carries k8s-app=kube-dns/,
  );
  const t = traceOn(yaml, { kind: 'ref', namespace: 'shop', name: 'client' }, 'http://web:80/');
  assert.equal(t.outcome, 'failed');
  assert.match((t.unknown ?? []).join('\n'), /what serves it in the cluster is unknown/);
  const findings = runDoctor(buildYaml(yaml).model).map((f) => f.code);
  assert.ok(!findings.includes('service-selects-no-pods'), findings.join(', '));
});

test('rule stand-in-endpoints-unknown: backed by the dump’s DNS pods, or by stand-in pods for manifests, the path is sure', () => {
  const dumped = dnsPath(web + kubeProxy + coredns);
  assert.equal(dumped.verdict, 'routed');
  assert.equal(dumped.unknown, undefined);
  const manifests = dnsPath(web);
  assert.equal(manifests.verdict, 'routed');
  assert.equal(manifests.unknown, undefined);
});
