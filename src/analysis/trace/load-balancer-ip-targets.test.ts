/**
 * An NLB of the AWS Load Balancer Controller with target type ip registers the pod addresses and connects to them
 * itself: no node port, no kube-proxy, externalTrafficPolicy does not apply, and with client IP preservation off (the
 * default for ip targets over TCP) the pod sees the NLB's own private address
 * (https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/nlb/,
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation).
 * Rule `nlb-ip-targets`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceOn, webBehindService } from './_test-fixtures.ts';

const host = 'k8s-default-web-0123456789.elb.us-west-2.amazonaws.com';
const nlb = (annotations: string, policy = '') =>
  webBehindService(8080, {
    spec: 'type: LoadBalancer, ',
    ports: '[{port: 80, targetPort: 8080}]',
    status: `{loadBalancer: {ingress: [{hostname: ${host}}]}}`,
  }).replace(
    'metadata: {name: web}\nspec: {type',
    `metadata: {name: web, annotations: {service.beta.kubernetes.io/aws-load-balancer-type: external, service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing, ${annotations}}}\nspec: {type`,
  ) + policy;

const onlyFromClients = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-clients}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{ipBlock: {cidr: 198.51.100.0/24}}]}]
`;

const details = (t: ReturnType<typeof traceOn>) => t.hops.flatMap((h) => [h.title, ...h.details]).join('\n');

test('rule nlb-ip-targets: the NLB connects to the pods itself, with its own address: no kube-proxy masquerade', () => {
  const t = traceOn(
    nlb('service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip'),
    { kind: 'ip', ip: '198.51.100.9' },
    `http://${host}/`,
  );
  assert.equal(t.outcome, 'delivered');
  assert.equal(t.unknown, undefined, 'no policy isolates the pods: any source address is admitted');
  const text = details(t);
  assert.match(text, /target type ip .*no node port, no kube-proxy/);
  assert.match(text, /source address seen by the endpoint: the load balancer's own private address/);
  assert.doesNotMatch(text, /masquerades/);
});

test("rule nlb-ip-targets: pods whose ingress policies decide by source are unknown, since the NLB's address is not in the input", () => {
  const t = traceOn(
    nlb('service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip', onlyFromClients),
    { kind: 'ip', ip: '198.51.100.9' },
    `http://${host}/`,
  );
  assert.match(
    (t.unknown ?? []).join('\n'),
    /from its own private address in the VPC \(target type ip, client IP preservation off\)/,
  );
  const kept = traceOn(
    nlb(
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip, service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: preserve_client_ip.enabled=true',
      onlyFromClients,
    ),
    { kind: 'ip', ip: '198.51.100.9' },
    `http://${host}/`,
  );
  assert.equal(kept.outcome, 'delivered');
  assert.equal(kept.unknown, undefined, 'the client address is kept: the ipBlock admits it');
  assert.equal(
    traceOn(
      nlb(
        'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip, service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: preserve_client_ip.enabled=true',
        onlyFromClients,
      ),
      { kind: 'ip', ip: '192.0.2.1' },
      `http://${host}/`,
    ).outcome,
    'failed',
  );
});

test('rule nlb-ip-targets: instance targets (the default) go through the node port and kube-proxy as before', () => {
  const t = traceOn(nlb(''), { kind: 'ip', ip: '198.51.100.9' }, `http://${host}/`);
  assert.match(details(t), /externalTrafficPolicy: Cluster — any node accepts, and kube-proxy masquerades/);
});
