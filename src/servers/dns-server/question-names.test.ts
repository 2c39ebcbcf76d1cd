/**
 * A question's name is read as text (RFC 1035 §5.1): printable ASCII as itself, every other octet, and a dot or
 * backslash inside a label, as `\DDD` (its value in three decimal digits); labels joined by dots, with a trailing
 * dot, and the root as `.`. Checked against a straightforward reading, label by label.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseQuery } from './_wire.ts';

function referenceName(labels: readonly Uint8Array[]): string {
  const text = (label: Uint8Array) =>
    [...label]
      .map((c) =>
        c <= 0x20 || c >= 0x7f || c === 0x2e || c === 0x5c
          ? `\\${String(c).padStart(3, '0')}`
          : String.fromCharCode(c),
      )
      .join('');
  return labels.length ? `${labels.map(text).join('.')}.` : '.';
}

function queryFor(labels: readonly Uint8Array[]): Buffer {
  const name = Buffer.concat([...labels.flatMap((l) => [Buffer.from([l.length]), l]), Buffer.from([0])]);
  return Buffer.concat([Buffer.from([0, 7, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), name, Buffer.from([0, 1, 0, 1])]);
}

// Labels of any octets (a name of at most 255 octets), printable ones most often.
const label = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 63 }),
  fc
    .string({ minLength: 1, maxLength: 20, unit: fc.constantFrom(...'abcXYZ-09.\\ _') })
    .map((s) => Buffer.from(s)),
);
const labels = fc
  .array(label, { maxLength: 8 })
  .filter((ls) => ls.reduce((n, l) => n + l.length + 1, 1) <= 255);

describe('question names (RFC 1035 §5.1)', () => {
  it('reads printable ASCII as itself and every other octet, dot and backslash of a label as \\DDD', () => {
    fc.assert(
      fc.property(labels, (ls) => {
        const parsed = parseQuery(queryFor(ls));
        assert.ok('query' in parsed);
        assert.equal(parsed.query.qname, referenceName(ls));
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses names longer than 255 octets', () => {
    const long = Array.from({ length: 5 }, () => new Uint8Array(63).fill(0x61));
    assert.deepEqual(parseQuery(queryFor(long)), { malformed: 'name longer than 255 octets' });
  });
});
