/**
 * Cilium's DNS proxy answers only lookups of the names a pod's DNS rules match and refuses the others
 * (https://docs.cilium.io/en/stable/security/policy/language/#dns-based, cilium/cilium#6366): a trace whose
 * name the rules do not admit does not resolve, whatever CoreDNS would answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { createDns } from '../dns/index.ts';
import { createTraceContext, queriesBlocked, trace } from './index.ts';

const profile = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: cilium}\n';

const cluster = (dns: string, annotations = '{}') => `apiVersion: v1
kind: Pod
metadata: {name: client, labels: {app: client}, annotations: ${annotations}}
spec: {containers: [{name: c, image: curl}]}
---
apiVersion: v1
kind: Pod
metadata: {name: backend, labels: {app: backend}}
spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: backend}
spec: {selector: {app: backend}, ports: [{port: 80}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: client-egress}
spec:
  endpointSelector: {matchLabels: {app: client}}
  egress:
  - toEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": kube-system, "k8s:k8s-app": kube-dns}}]
    toPorts:
    - ports: [{port: "53", protocol: ANY}]
      rules: {dns: [${dns}]}
  - toEndpoints: [{matchLabels: {app: backend}}]
    toPorts: [{ports: [{port: "80", protocol: TCP}]}]
`;

function traced(yaml: string, url: string) {
  const { model } = buildYaml(yaml, { profile });
  const to = parseFlowTarget(url, undefined, undefined);
  assert.ok(typeof to !== 'string', String(to));
  return trace(createTraceContext(model), { kind: 'ref', namespace: 'default', name: 'client' }, to);
}

test('rule cilium-dns-proxy-refuses-unmatched-names: a name the DNS rules do not match does not resolve', () => {
  const github = traced(
    cluster('{matchPattern: "*.github.com"}'),
    'http://backend.default.svc.cluster.local/',
  );
  assert.equal(github.outcome, 'failed');
  assert.match(
    github.failure?.reason ?? '',
    /Cilium's DNS proxy refuses the lookup of backend\.default\.svc\.cluster\.local\. \(REFUSED\): the pod's DNS rules admit only \*\.github\.com/,
  );
  // One label of `*` does not span dots: *.cluster.local does not admit backend.default.svc.cluster.local.
  assert.equal(traced(cluster('{matchPattern: "*.cluster.local"}'), 'http://backend/').outcome, 'failed');
  // Admitted names resolve: "*", or the exact name the search list answers with first.
  assert.equal(traced(cluster('{matchPattern: "*"}'), 'http://backend/').outcome, 'delivered');
  const exact = '{matchName: backend.default.svc.cluster.local}';
  assert.equal(traced(cluster(exact), 'http://backend/').outcome, 'delivered');
  // The full name is asked with the search domains first (ndots:5): those forms are refused. musl ends the search
  // there; with glibc the outcome depends on whether the resolver goes on after REFUSED: unknown.
  const glibc = traced(cluster(exact), 'http://backend.default.svc.cluster.local/');
  assert.notEqual(glibc.outcome, 'delivered');
  assert.match(glibc.unknown?.join(' ') ?? '', /depends on its libc/);
  const musl = traced(
    cluster(exact, '{kubetwin.dev/libc: musl}'),
    'http://backend.default.svc.cluster.local/',
  );
  assert.equal(musl.outcome, 'failed');
  assert.deepEqual(musl.unknown ?? [], []);
});

test('rule cilium-dns-proxy-refuses-unmatched-names: resolve --from answers REFUSED for a name the proxy refuses', () => {
  const blocked = (dns: string) => {
    const { model } = buildYaml(cluster(dns), { profile });
    const pod = model.pods.find((p) => p.name === 'client')!;
    const res = createDns(model).resolveFrom(pod, { name: 'backend', type: 'A' });
    return queriesBlocked(createTraceContext(model), res);
  };
  assert.equal(blocked('{matchPattern: "*.github.com"}')?.refused, true);
  assert.equal(blocked('{matchPattern: "*"}'), undefined);
});
