import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from './_test-helpers.ts';

const namespaces = `apiVersion: v1
kind: Namespace
metadata: {name: metallb-system}
---
apiVersion: v1
kind: Namespace
metadata: {name: web, labels: {tier: front}}
---
`;

const pool = (name: string, spec: string) => `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: ${name}, namespace: metallb-system}
spec:
  ${spec.trim().split('\n').join('\n  ')}
---
`;

const l2 = `apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: all, namespace: metallb-system}
---
`;

const service = (name: string, extra = '', meta = '') => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: web${meta}}
spec:
  type: LoadBalancer
  selector: {app: ${name}}
  ports: [{port: 80}]
  ${extra}
---
`;

function answer(yaml: string, name: string) {
  const built = buildYaml(namespaces + yaml);
  const svc = built.model.services.find((s) => s.name === name);
  assert.ok(svc, `Service ${name}`);
  const codes = built.diagnostics
    .filter((d) => d.object === svc.key && d.code.startsWith('metallb-'))
    .map((d) => d.code);
  return { addresses: svc.loadBalancerIngress, pending: svc.loadBalancerPending?.reason, codes };
}

test("MetalLB Allocate: a Service gets the first address of the pool, a CIDR's network address included", () => {
  const got = answer(
    pool('p', 'addresses: [192.168.10.0/24, 192.168.9.1-192.168.9.5]') + l2 + service('a'),
    'a',
  );
  assert.deepEqual(got, { addresses: ['192.168.10.0'], pending: undefined, codes: [] });
});

test('MetalLB avoidBuggyIPs: IPv4 addresses ending in .0 or .255 are never given', () => {
  const got = answer(pool('p', 'addresses: [192.168.10.0/24]\navoidBuggyIPs: true') + l2 + service('a'), 'a');
  assert.deepEqual(got.addresses, ['192.168.10.1']);
});

test('MetalLB getDesiredLbIPs: spec.loadBalancerIP outside every pool is refused and the Service stays pending', () => {
  const got = answer(
    pool('p', 'addresses: [192.168.10.0/24]') + l2 + service('a', 'loadBalancerIP: 10.1.1.1'),
    'a',
  );
  assert.deepEqual(got.addresses, []);
  assert.deepEqual(got.codes, ['metallb-address-pending']);
  assert.match(got.pending ?? '', /10\.1\.1\.1 is in no IPAddressPool/);
});

test('MetalLB getDesiredLbIPs: the loadBalancerIPs annotation is given, even from an autoAssign: false pool', () => {
  const yaml =
    pool('manual', 'addresses: [198.51.100.0/28]\nautoAssign: false') +
    l2 +
    service('a', '', ', annotations: {metallb.io/loadBalancerIPs: 198.51.100.7}');
  assert.deepEqual(answer(yaml, 'a').addresses, ['198.51.100.7']);
});

test('MetalLB getDesiredLbIPs: the annotation and spec.loadBalancerIP together are refused', () => {
  const yaml =
    pool('p', 'addresses: [198.51.100.0/28]') +
    l2 +
    service('a', 'loadBalancerIP: 198.51.100.3', ', annotations: {metallb.io/loadBalancerIPs: 198.51.100.7}');
  assert.deepEqual(answer(yaml, 'a').codes, ['metallb-address-pending']);
});

test('MetalLB Allocate: an autoAssign: false pool gives no address unasked; the metallb.io/address-pool annotation asks', () => {
  const manual = pool('manual', 'addresses: [198.51.100.0/28]\nautoAssign: false') + l2;
  assert.deepEqual(answer(manual + service('a'), 'a').codes, ['metallb-address-pending']);
  const asked = manual + service('a', '', ', annotations: {metallb.io/address-pool: manual}');
  assert.deepEqual(answer(asked, 'a').addresses, ['198.51.100.0']);
});

test('MetalLB allocation order: two Services drawing from one pool have undetermined addresses', () => {
  const yaml = pool('p', 'addresses: [192.168.10.0/24]') + l2 + service('a') + service('b');
  const a = answer(yaml, 'a');
  assert.deepEqual([a.addresses, a.codes], [[], ['metallb-address-undetermined']]);
  assert.match(a.pending ?? '', /web\/b draw from IPAddressPool p/);
});

test('MetalLB Allocate: pools without serviceAllocation are walked in no fixed order, so two make the address undetermined', () => {
  const yaml =
    pool('p', 'addresses: [192.168.10.0/24]') + pool('q', 'addresses: [192.168.20.0/24]') + l2 + service('a');
  assert.deepEqual(answer(yaml, 'a').codes, ['metallb-address-undetermined']);
});

test('MetalLB pinnedPoolsForService: serviceAllocation pins a pool to its namespaces, the lower priority first', () => {
  const yaml =
    pool('open', 'addresses: [192.168.10.0/24]') +
    pool(
      'low',
      'addresses: [10.10.0.0/24]\nserviceAllocation: {priority: 50, namespaceSelectors: [{matchLabels: {tier: front}}]}',
    ) +
    pool('high', 'addresses: [10.20.0.0/24]\nserviceAllocation: {priority: 10, namespaces: [web]}') +
    pool('elsewhere', 'addresses: [10.30.0.0/24]\nserviceAllocation: {priority: 1, namespaces: [other]}') +
    l2 +
    service('a');
  assert.deepEqual(answer(yaml, 'a').addresses, ['10.20.0.0']);
});

test('MetalLB loadBalancerClass: a Service with a class is left to another controller, its address undetermined', () => {
  const yaml =
    pool('p', 'addresses: [192.168.10.0/24]') + l2 + service('a', 'loadBalancerClass: example.com/lb');
  assert.deepEqual(answer(yaml, 'a').codes, ['metallb-address-undetermined']);
});

test('MetalLB advertisements: an address from a pool no L2Advertisement or BGPAdvertisement announces is reported', () => {
  const base = pool('p', 'addresses: [192.168.10.0/24]') + service('a');
  assert.deepEqual(answer(base, 'a').codes, ['metallb-address-not-announced']);
  const other = `apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: other, namespace: metallb-system}
spec: {ipAddressPools: [q]}
---
`;
  assert.deepEqual(answer(base + other, 'a').codes, ['metallb-address-not-announced']);
  const byLabel = other.replace(
    '{ipAddressPools: [q]}',
    '{ipAddressPoolSelectors: [{matchLabels: {kind: public}}]}',
  );
  const labelled = base.replace('metadata: {name: p,', 'metadata: {labels: {kind: public}, name: p,');
  assert.deepEqual(answer(labelled + byLabel, 'a').codes, []);
});

test('MetalLB does not touch an observed status.loadBalancer.ingress or a Service without pools in the input', () => {
  const observed = service('a', 'status: {loadBalancer: {ingress: [{ip: 203.0.113.9}]}}').replace(
    '  status:',
    'status:',
  );
  assert.deepEqual(answer(pool('p', 'addresses: [192.168.10.0/24]') + l2 + observed, 'a').addresses, [
    '203.0.113.9',
  ]);
  assert.deepEqual(answer(service('a'), 'a').addresses, []);
});

test('MetalLB poolsFor: an invalid or overlapping pool makes MetalLB refuse the configuration, every address undetermined', () => {
  const bare =
    pool('p', 'addresses: [192.168.10.0/24]') + pool('bad', 'addresses: [192.168.20.1]') + l2 + service('a');
  assert.deepEqual(answer(bare, 'a').codes, ['metallb-address-undetermined']);
  const overlap =
    pool('p', 'addresses: [192.168.10.0/24]') +
    pool('q', 'addresses: [192.168.10.5-192.168.10.9]') +
    l2 +
    service('a');
  const got = answer(overlap, 'a');
  assert.deepEqual(got.codes, ['metallb-address-undetermined']);
  assert.match(got.pending ?? '', /IPAddressPools p and q overlap/);
});

test('MetalLB Assign: a requested address is not reserved, so a Service drawing it first makes both undetermined', () => {
  const yaml =
    pool('p', 'addresses: [192.168.10.0/24]') +
    l2 +
    service('a', '', ', annotations: {metallb.io/loadBalancerIPs: 192.168.10.0}') +
    service('b');
  assert.deepEqual(answer(yaml, 'a').codes, ['metallb-address-undetermined']);
  assert.deepEqual(answer(yaml, 'b').codes, ['metallb-address-undetermined']);
  const later = yaml.replace('loadBalancerIPs: 192.168.10.0', 'loadBalancerIPs: 192.168.10.9');
  assert.deepEqual(
    [answer(later, 'a').addresses, answer(later, 'b').addresses],
    [['192.168.10.9'], ['192.168.10.0']],
  );
});
