/**
 * An internal cloud load balancer has only private addresses of the VPC or VNet: a client on the internet cannot
 * reach it (AWS https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/how-elastic-load-balancing-works.html#load-balancer-scheme,
 * GKE https://cloud.google.com/kubernetes-engine/docs/how-to/internal-load-balancing,
 * AKS https://learn.microsoft.com/en-us/azure/aks/internal-lb). Rule `load-balancer-scheme`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { PolicyEngine } from '../policy/index.ts';
import { reach } from './index.ts';
import { traceOn, webBehindService } from '../trace/_test-fixtures.ts';
import { discoverFlows } from '../flows/index.ts';

/** `web` behind a LoadBalancer Service with `annotations`, at the address (or hostname) `address`. */
function cloudLb(annotations: string, address = '{ip: 10.128.15.245}', extra = ''): string {
  return webBehindService(8080, {
    spec: `type: LoadBalancer, ${extra}`,
    ports: '[{port: 80, targetPort: 8080}]',
    status: `{loadBalancer: {ingress: [${address}]}}`,
  }).replace(
    'metadata: {name: web}\nspec: {type',
    `metadata: {name: web, annotations: {${annotations}}}\nspec: {type`,
  );
}

function verdict(yaml: string, from: string, to = 'ip:10.128.15.245') {
  const r = reach(new PolicyEngine(buildYaml(yaml).model), { from, to, port: 80, protocol: 'TCP' });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('rule load-balancer-scheme: reach from the internet to an internal load balancer (GKE, AKS, AWS) is denied', () => {
  for (const ann of [
    'networking.gke.io/load-balancer-type: "Internal"',
    'cloud.google.com/load-balancer-type: "internal"',
    'service.beta.kubernetes.io/azure-load-balancer-internal: "true"',
    'service.beta.kubernetes.io/aws-load-balancer-internal: "true"',
    'service.beta.kubernetes.io/aws-load-balancer-type: external, service.beta.kubernetes.io/aws-load-balancer-scheme: internal',
  ]) {
    const r = verdict(cloudLb(ann), 'internet');
    assert.equal(r.verdict, 'denied', ann);
    assert.match(
      r.pairs[0].problem ?? '',
      /has an internal load balancer \(.*\): its address 10\.128\.15\.245 is private/,
    );
    assert.equal(verdict(cloudLb(ann), 'ip:10.128.0.9').verdict, 'allowed', `${ann}: a client of the VPC`);
  }
});

test('rule load-balancer-scheme: an internet-facing or unannotated load balancer is reached from the internet', () => {
  for (const ann of [
    '',
    'service.beta.kubernetes.io/azure-load-balancer-internal: "false"',
    'service.beta.kubernetes.io/aws-load-balancer-internal: "false"',
    'networking.gke.io/load-balancer-type: "External"',
    'service.beta.kubernetes.io/aws-load-balancer-type: external, service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing',
  ])
    assert.equal(verdict(cloudLb(ann), 'ip:192.0.2.1').verdict, 'allowed', ann);
});

test('rule load-balancer-scheme: the AWS Load Balancer Controller without a scheme annotation is unknown from the internet, never ALLOWED', () => {
  const yaml = cloudLb('service.beta.kubernetes.io/aws-load-balancer-type: external');
  const r = verdict(yaml, 'ip:192.0.2.1');
  assert.equal(r.verdict, 'unknown');
  assert.match(r.unknownReasons.join('\n'), /a new NLB is internal, an existing one keeps its scheme/);
  const byClass = verdict(
    cloudLb('', '{ip: 10.128.15.245}', 'loadBalancerClass: service.k8s.aws/nlb, '),
    'ip:192.0.2.1',
  );
  assert.equal(byClass.verdict, 'unknown');
});

test('rule load-balancer-scheme: trace from the internet stops at an internal load balancer named by its hostname', () => {
  const host = 'k8s-shop-apiinter-4b1a2c3d4e.elb.us-west-2.amazonaws.com';
  const yaml = cloudLb(
    'service.beta.kubernetes.io/aws-load-balancer-type: external, service.beta.kubernetes.io/aws-load-balancer-scheme: internal',
    `{hostname: ${host}}`,
  );
  const t = traceOn(yaml, { kind: 'ip', ip: '203.0.113.7' }, `http://${host}/`);
  assert.equal(t.outcome, 'failed');
  assert.match(
    t.failure?.reason ?? '',
    /has an internal load balancer .* the internet client 203\.0\.113\.7 cannot reach it/,
  );
  assert.equal(traceOn(yaml, { kind: 'ip', ip: '10.0.5.5' }, `http://${host}/`).outcome, 'delivered');
  const undetermined = traceOn(
    cloudLb('service.beta.kubernetes.io/aws-load-balancer-type: external', `{hostname: ${host}}`),
    { kind: 'ip', ip: '203.0.113.7' },
    `http://${host}/`,
  );
  assert.equal(undetermined.outcome, 'failed', 'the modeled objects say failed …');
  assert.match(
    undetermined.unknown?.join('\n') ?? '',
    /internal or internet-facing/,
    '… and the answer is unknown',
  );
});

test('rule load-balancer-scheme: reach to the Service by name from outside says the load balancer is internal', () => {
  const r = verdict(
    cloudLb('networking.gke.io/load-balancer-type: "Internal"'),
    'internet',
    'service:default/web',
  );
  assert.match(r.notes.join('\n'), /has an internal load balancer .*reachable only from the cloud network/);
});

test('rule load-balancer-scheme: an internal load balancer invites no flow from the internet (doctor reports no blocked entry point)', () => {
  const flowsOf = (yaml: string) => discoverFlows(buildYaml(yaml).model);
  const internal = flowsOf(cloudLb('networking.gke.io/load-balancer-type: "Internal"'));
  assert.equal(
    internal.flows.find((f) => f.name === 'from the internet'),
    undefined,
  );
  assert.match(
    internal.notes.map((e) => e.text).join('\n'),
    /an internal load balancer .* is reached from the cloud network, not from the internet/,
  );
  assert.ok(flowsOf(cloudLb('')).flows.some((f) => f.name === 'from the internet'));
});
