/**
 * An endpoint with no hostname is named by its dashed address (`10-244-1-5`, `fd00--5`), the label CoreDNS's
 * kubernetes plugin gives it; a query names it in that text or in lower case.
 * https://github.com/kubernetes/dns/blob/master/docs/specification.md (§2.4.1) · https://coredns.io/plugins/kubernetes/
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dashedIP, isDashedIP } from './_names.ts';

const ip = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV6().map((s) => s.toUpperCase()),
  fc.constantFrom('FD00::5', '::ffff:10.0.0.1', '', 'x', 'İ.1', 'Σ:Σ'),
  fc.string({ maxLength: 12 }),
);
/** Labels that are an address's dashed text in some case, with an octet changed, cut or lengthened, or any text. */
const labelFor = (address: string) =>
  fc.oneof(
    fc.constant(dashedIP(address)),
    fc.constant(dashedIP(address).toLowerCase()),
    fc.constant(dashedIP(address).toUpperCase()),
    fc.constant(dashedIP(address).slice(0, -1)),
    fc.constant(`${dashedIP(address)}0`),
    fc.nat().map((n) => {
      const d = dashedIP(address);
      const i = d.length ? n % d.length : 0;
      return `${d.slice(0, i)}${d[i] === '-' ? '.' : '-'}${d.slice(i + 1)}`;
    }),
    fc.string({ maxLength: 12 }),
  );

describe('dashed addresses', () => {
  it('a label names an address when it is its dashed text or that text lower-cased', () => {
    fc.assert(
      fc.property(
        ip.chain((address) => fc.tuple(fc.constant(address), labelFor(address))),
        ([address, label]) => {
          const dashed = dashedIP(address);
          assert.equal(isDashedIP(label, address), label === dashed || label === dashed.toLowerCase());
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('names IPv4 addresses with dashes for dots and IPv6 addresses with dashes for colons', () => {
    assert.ok(isDashedIP('10-244-1-5', '10.244.1.5'));
    assert.ok(isDashedIP('fd00--5', 'fd00::5'));
    assert.ok(isDashedIP('fd00--5', 'FD00::5'));
    assert.ok(isDashedIP('FD00--5', 'FD00::5'));
    assert.ok(!isDashedIP('Fd00--5', 'FD00::5'));
    assert.ok(!isDashedIP('10-244-1-50', '10.244.1.5'));
    assert.ok(!isDashedIP('10.244.1.5', '10.244.1.5'));
  });
});
