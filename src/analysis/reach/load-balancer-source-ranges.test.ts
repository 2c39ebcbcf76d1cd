/**
 * spec.loadBalancerSourceRanges: kube-proxy lets only those sources reach a LoadBalancer Service's load-balancer
 * address and drops the rest (KUBE-PROXY-FIREWALL, kubernetes/kubernetes pkg/proxy/iptables/proxier.go;
 * https://kubernetes.io/docs/tasks/access-application-cluster/configure-cloud-provider-firewall/#restrict-access-for-loadbalancer-service).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { PolicyEngine } from '../policy/index.ts';
import { reach } from './index.ts';
import { loadBalancedWebAndClient, traceOn } from '../trace/_test-fixtures.ts';

const yaml = loadBalancedWebAndClient('loadBalancerSourceRanges: [198.51.100.0/24], ');

function verdict(cluster: string, from: string, to = 'ip:203.0.113.10') {
  const r = reach(new PolicyEngine(buildYaml(cluster).model), { from, to, port: 80, protocol: 'TCP' });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('rule load-balancer-source-ranges: reach to the load-balancer address drops sources outside the ranges', () => {
  assert.equal(verdict(yaml, 'ip:198.51.100.7').verdict, 'allowed');
  const out = verdict(yaml, 'ip:192.0.2.1');
  assert.equal(out.verdict, 'denied');
  assert.match(
    out.pairs[0].problem ?? '',
    /admits only spec\.loadBalancerSourceRanges \[198\.51\.100\.0\/24\] to its load-balancer address 203\.0\.113\.10: the source 192\.0\.2\.1 is outside them/,
  );
  assert.equal(verdict(yaml, 'default/client').verdict, 'denied', 'a pod dials it from its own address');
  assert.equal(verdict(loadBalancedWebAndClient(), 'ip:192.0.2.1').verdict, 'allowed', 'no ranges');
  assert.equal(
    verdict(loadBalancedWebAndClient('loadBalancerSourceRanges: ["2001:db8::/32"], '), 'ip:192.0.2.1')
      .verdict,
    'allowed',
    'no range of the source family',
  );
});

test('rule load-balancer-source-ranges: reach to the Service by name from outside notes the ranges and where they apply', () => {
  const r = verdict(yaml, 'internet', 'service:default/web');
  assert.match(
    r.notes.join('\n'),
    /has spec\.loadBalancerSourceRanges \[198\.51\.100\.0\/24\]: through its load-balancer address only those sources pass \(reach --to ip:203\.0\.113\.10 judges that path\)/,
  );
});

test('rule load-balancer-source-ranges: trace from outside and from a pod fails at the load balancer, naming the fix', () => {
  const outside = traceOn(yaml, { kind: 'ip', ip: '192.0.2.1' }, 'ip:203.0.113.10:80');
  assert.equal(outside.outcome, 'failed');
  assert.match(outside.failure?.reason ?? '', /the source 192\.0\.2\.1 is outside them/);
  assert.match(
    outside.fix?.summary ?? '',
    /add 192\.0\.2\.1 \(or its range\) to spec\.loadBalancerSourceRanges/,
  );
  assert.equal(traceOn(yaml, { kind: 'ip', ip: '198.51.100.7' }, 'ip:203.0.113.10:80').outcome, 'delivered');
  const pod = traceOn(yaml, { kind: 'ref', namespace: 'default', name: 'client' }, 'ip:203.0.113.10:80');
  assert.equal(pod.outcome, 'failed');
  assert.match(pod.failure?.reason ?? '', /loadBalancerSourceRanges/);
});

test('rule load-balancer-source-ranges: an entry that is not a CIDR is an invalid-field error at its line', () => {
  const built = buildYaml(loadBalancedWebAndClient('loadBalancerSourceRanges: [not-a-range], '));
  const d = built.diagnostics.find((x) => x.code === 'invalid-field');
  assert.match(d?.message ?? '', /loadBalancerSourceRanges\[0\] "not-a-range" must be a CIDR/);
  assert.ok(d?.source?.line);
});

test('rule load-balancer-source-ranges: the cloud controller reads the load-balancer-source-ranges annotation when the field is empty; kube-proxy does not', () => {
  const annotated = loadBalancedWebAndClient().replace(
    'metadata: {name: web}\nspec: {type',
    'metadata: {name: web, annotations: {service.beta.kubernetes.io/load-balancer-source-ranges: "198.51.100.0/24, 192.0.2.128/25"}}\nspec: {type',
  );
  assert.equal(verdict(annotated, 'ip:198.51.100.7').verdict, 'allowed');
  const out = verdict(annotated, 'ip:192.0.2.1');
  assert.equal(out.verdict, 'denied');
  assert.match(
    out.pairs[0].problem ?? '',
    /annotation service\.beta\.kubernetes\.io\/load-balancer-source-ranges .*\[198\.51\.100\.0\/24, 192\.0\.2\.128\/25\]/,
  );
  assert.equal(
    verdict(annotated, 'default/client').verdict,
    'allowed',
    'a pod is taken by kube-proxy, which reads the field only',
  );
  const outside = traceOn(annotated, { kind: 'ip', ip: '192.0.2.1' }, 'ip:203.0.113.10:80');
  assert.equal(outside.outcome, 'failed');
  assert.match(
    outside.fix?.summary ?? '',
    /to the annotation service\.beta\.kubernetes\.io\/load-balancer-source-ranges/,
  );
  // The field wins over the annotation, as GetLoadBalancerSourceRanges reads it first.
  const both = annotated.replace(
    'type: LoadBalancer, ',
    'type: LoadBalancer, loadBalancerSourceRanges: [192.0.2.0/24], ',
  );
  assert.equal(verdict(both, 'ip:192.0.2.1').verdict, 'allowed');
  const bad = buildYaml(annotated.replace('192.0.2.128/25', 'nope'));
  assert.match(
    bad.diagnostics.find((d) => d.code === 'invalid-field')?.message ?? '',
    /load-balancer-source-ranges entry 1 "nope" must be a CIDR/,
  );
});
