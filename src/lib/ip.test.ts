import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import {
  canonicalIP,
  cidrContains,
  cidrsOverlap,
  isPublicAddress,
  parseCidr,
  parseIP,
  subnet,
} from './ip.ts';

test('IPv4 and IPv6 parse and format canonically', () => {
  assert.equal(canonicalIP('10.0.0.1'), '10.0.0.1');
  assert.equal(canonicalIP('FD00:0:0::1'), 'fd00::1');
  assert.equal(canonicalIP('10.0.0'), undefined);
  assert.equal(canonicalIP('010.0.0.1'), undefined);
});

test('an IPv4 address is a dotted quad: four decimal octets up to 255, no leading zeros (as ipaddr.js reads one)', () => {
  // Octets of up to four digits (so empty ones, leading zeros and values past 255), sometimes three or five of
  // them, and sometimes another character among them.
  const octet = fc.oneof(
    fc.nat(300).map(String),
    fc.stringMatching(/^[0-9]{1,4}$/),
    fc.constantFrom('', '0', '00', '01', '255', '256', '1000'),
  );
  const text = fc.oneof(
    fc.array(octet, { minLength: 3, maxLength: 5 }).map((os) => os.join('.')),
    fc
      .tuple(
        fc.array(octet, { minLength: 4, maxLength: 4 }),
        fc.nat(20),
        fc.constantFrom('x', ' ', '.', ':', '/', '', '0x1', '\n', '٣'),
      )
      .map(([os, at, c]) => {
        const t = os.join('.');
        return t.slice(0, at) + c + t.slice(at);
      }),
  );
  fc.assert(
    fc.property(text, (t) => {
      const valid = ipaddr.IPv4.isValidFourPartDecimal(t);
      const ip = parseIP(t);
      assert.equal(ip?.family === 4, valid, t);
      if (valid) {
        const b = ipaddr.IPv4.parse(t).toByteArray();
        assert.equal(ip!.value, BigInt(((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0), t);
      }
    }),
    { numRuns: 5000 },
  );
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

test('isPublicAddress: IPv4 outside the special-purpose ranges, IPv6 in global unicast 2000::/3', () => {
  for (const a of ['203.0.113.7', '1.1.1.1', '2001:db8::1']) assert.equal(isPublicAddress(a), true, a);
  for (const a of [
    '10.128.0.9',
    '172.16.5.5',
    '192.168.1.1',
    '100.64.0.1',
    '169.254.1.1',
    'fd00::1',
    'fe80::1',
    'nope',
  ])
    assert.equal(isPublicAddress(a), false, a);
});
