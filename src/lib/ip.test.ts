import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalIP, cidrContains, cidrsOverlap, parseCidr, parseIP, subnet } from './ip.ts';

test('IPv4 and IPv6 parse and format canonically', () => {
  assert.equal(canonicalIP('10.0.0.1'), '10.0.0.1');
  assert.equal(canonicalIP('FD00:0:0::1'), 'fd00::1');
  assert.equal(canonicalIP('10.0.0'), undefined);
  assert.equal(canonicalIP('010.0.0.1'), undefined);
});

test('CIDR containment and host bits', () => {
  const c = parseCidr('10.244.1.7/24')!;
  assert.equal(c.hostBitsSet, true);
  assert.equal(cidrContains(c, parseIP('10.244.1.200')!), true);
  assert.equal(cidrContains(c, parseIP('10.244.2.1')!), false);
});

test('subnets of a pod CIDR, as the node range allocator hands them out', () => {
  const pods = parseCidr('10.244.0.0/16')!;
  assert.equal(subnet(pods, 24, 3)?.text, '10.244.3.0/24');
  assert.equal(subnet(pods, 24, 256), undefined);
  assert.equal(cidrsOverlap(parseCidr('10.0.0.0/8')!, parseCidr('10.1.0.0/16')!), true);
});
