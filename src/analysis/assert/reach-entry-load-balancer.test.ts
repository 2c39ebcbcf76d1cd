/**
 * A `reach` test entry to a load balancer's own address is answered as `kubetwin reach` answers it (rule
 * reach-through-load-balancer): through the load balancer of an Ingress (its status.loadBalancer) to the pods behind
 * it, judged by their policies — no longer passed as "not a pod, allowed"; unknown (never passed) where the load
 * balancer's routing needs a request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { parseManifests } from '../../parse/index.ts';
import { runTests } from './index.ts';

const cluster = (rules: boolean) => `apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: x, labels: {app: web}}
spec: {nodeName: node-1, containers: [{name: web, image: nginx, ports: [{containerPort: 8080}]}]}
status: {podIP: 10.244.1.5, phase: Running}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: x, annotations: {cloud.google.com/neg: '{"ingress": true}'}}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: x, annotations: {kubernetes.io/ingress.class: gce}}
spec:
${rules ? '  rules: [{host: web.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]' : '  defaultBackend: {service: {name: web, port: {number: 80}}}'}
status: {loadBalancer: {ingress: [{ip: 198.51.100.80}]}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: x}
spec: {podSelector: {}, policyTypes: [Ingress]}
`;
const tests = `tests:
  - name: the internet reaches the Ingress
    reach: {from: internet, to: "ip:198.51.100.80", port: 80}
    expect: allowed
  - name: one request through it
    reach: {from: "ip:203.0.113.7", to: "ip:198.51.100.80", port: 80, http: {method: GET, path: /, headers: {Host: web.example.com}}}
    expect: denied
`;

test('rule reach-through-load-balancer: a reach entry to an Ingress address judges the pods behind it', () => {
  for (const [rules, statuses] of [
    [false, ['failed', 'passed']],
    [true, ['failed unknown', 'passed']],
  ] as const) {
    const report = runTests(
      buildYaml(cluster(rules)).model,
      parseManifests([{ file: 't.yaml', text: tests }]).objects,
    );
    assert.deepEqual(
      report.results.map((r) => `${r.status}${r.unknown ? ' unknown' : ''}`),
      statuses,
      report.results.map((r) => r.message).join('\n'),
    );
  }
});
