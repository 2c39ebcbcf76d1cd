/**
 * `internalTrafficPolicy: Local`: kube-proxy sends a pod's connection to the cluster IP only to endpoints on the
 * pod's node and drops it when there is none ("no fallback");
 * https://kubernetes.io/docs/concepts/services-networking/service-traffic-policy/. A headless Service is not
 * handled by kube-proxy: https://kubernetes.io/docs/concepts/services-networking/service/#headless-services.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineFor, np } from '../policy/_test-helpers.ts';
import { reach, type ReachResult } from './index.ts';

const pod = (name: string, node: string, labels: string) => `---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: demo, labels: {${labels}}}
spec: {nodeName: ${node}, containers: [{name: c, image: i, ports: [{containerPort: 8080}]}]}
`;
const service = (spec: string) => `---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: demo}
spec: {${spec || 'clusterIP: 10.96.0.80, '}selector: {app: web}, internalTrafficPolicy: Local, ports: [{port: 80, targetPort: 8080}]}
`;
const cluster =
  'apiVersion: v1\nkind: Namespace\nmetadata: {name: demo}\n' +
  pod('web-1', 'node-1', 'app: web') +
  pod('web-2', 'node-2', 'app: web') +
  pod('client-2', 'node-2', 'app: client') +
  pod('client-3', 'node-3', 'app: client');

function run(yaml: string, from: string, to = 'service:demo/web'): ReachResult {
  const r = reach(engineFor(yaml), { from, to, port: 80, protocol: 'TCP' });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('rule internal-traffic-policy-local: a client on a node without an endpoint is dropped, not ALLOWED', () => {
  const r = run(cluster + service(''), 'demo/client-3');
  assert.equal(r.verdict, 'denied');
  assert.match(
    r.pairs[0]!.problem ?? '',
    /internalTrafficPolicy Local and no ready endpoint on node-3: kube-proxy drops/,
  );
});

test('rule internal-traffic-policy-local: only the endpoint on the client node is judged', () => {
  // web-1 (node-1) refuses client-2: kube-proxy never sends client-2 there, so the answer is the node-2 endpoint's.
  const denyWeb1 = np(
    'deny-web-1',
    'demo',
    '  podSelector: {matchLabels: {app: web}}\n  ingress: []',
  ).replace('app: web}', 'app: web, node: one}');
  const yaml =
    (cluster + service('')).replace(
      'labels: {app: web}}\nspec: {nodeName: node-1',
      'labels: {app: web, node: one}}\nspec: {nodeName: node-1',
    ) +
    '---\n' +
    denyWeb1;
  const r = run(yaml, 'demo/client-2');
  assert.equal(r.verdict, 'allowed');
  assert.deepEqual(
    r.pairs.map((p) => p.to),
    ['demo/web-2'],
  );
  assert.match(r.notes.join(' '), /1 pair\(s\) with an endpoint on another node are never connected/);
});

test('rule internal-traffic-policy-local: a headless Service is not handled by kube-proxy, every endpoint is judged', () => {
  const r = run(cluster + service('clusterIP: None, '), 'demo/client-3');
  assert.equal(r.verdict, 'allowed');
  assert.equal(r.pairs.length, 2);
});

test('rule internal-traffic-policy-local: the cluster IP dialed as ip:ADDRESS is the same kube-proxy path', () => {
  const r = run(cluster + service(''), 'demo/client-3', 'ip:10.96.0.80');
  assert.equal(r.verdict, 'denied');
  assert.match(r.pairs[0]!.problem ?? '', /no ready endpoint on node-3/);
});

test('rule topology-hints: with trafficDistribution PreferClose only the endpoints hinted for the client zone are judged', () => {
  // Default profile: node-1 zone-a, node-2 zone-b; the controller hints each endpoint for its own zone.
  const hinted =
    cluster.replace(/---\napiVersion: v1\nkind: Pod\nmetadata: \{name: client-3[^]*$/, '') +
    service('clusterIP: 10.96.0.81, trafficDistribution: PreferClose, ').replace(
      'internalTrafficPolicy: Local, ',
      '',
    );
  const r = run(hinted, 'demo/client-2');
  assert.deepEqual(
    r.pairs.map((p) => p.to),
    ['demo/web-2'],
  );
  assert.match(
    r.notes.join(' '),
    /topology hints: .* 1 pair\(s\) with an endpoint hinted for another node or zone/,
  );
});
