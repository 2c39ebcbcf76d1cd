/**
 * Name compression (RFC 1035 §4.1.4): a name is written as its labels until a suffix already in the message, which
 * is written as a pointer to where that suffix begins; suffixes compare without regard to case (RFC 4343 §3), and
 * only offsets a 14-bit pointer can hold are remembered. The Writer's encoder is checked against a straightforward
 * one that splits each name into labels and compares every suffix as joined, lower-cased text.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseQuery, Writer } from './_wire.ts';
import { query } from './_test-client.ts';

/** The reference encoder: the message `prefix`, its question named `qname` at offset 12, then each of `names`. */
function referenceEncoding(prefix: Buffer, qname: string | undefined, names: readonly string[]): Buffer {
  const out: number[] = [...prefix];
  const written = new Map<string, number>();
  if (qname !== undefined && qname !== '.') written.set(qname.toLowerCase(), 12);
  for (const name of names) {
    const labels = name === '.' ? [] : name.replace(/\.$/, '').split('.');
    let pointer: number | undefined;
    for (let i = 0; i < labels.length && pointer === undefined; i++) {
      const suffix = `${labels.slice(i).join('.')}.`.toLowerCase();
      pointer = written.get(suffix);
      if (pointer !== undefined) break;
      if (out.length < 0x3fff) written.set(suffix, out.length);
      const label = labels[i].slice(0, 63);
      out.push(label.length, ...[...Buffer.from(label, 'latin1')]);
    }
    if (pointer === undefined) out.push(0);
    else out.push(0xc0 | (pointer >> 8), pointer & 0xff);
  }
  return Buffer.from(out);
}

function writerEncoding(prefix: Buffer, question: Buffer | undefined, names: readonly string[]): Buffer {
  const w = new Writer();
  let qname: string | undefined;
  if (question) {
    const parsed = parseQuery(question);
    assert.ok('query' in parsed);
    qname = parsed.query.qname!;
    w.push(question.subarray(0, 12));
    w.question(parsed.query.questionBytes!, qname);
    w.push(prefix.subarray(question.length));
  } else w.push(prefix);
  for (const n of names) w.name(n);
  return w.toBuffer();
}

// Labels that share suffixes in any letter case, a label longer than 63 characters, empty labels, and characters
// beyond ASCII (whose lower case can depend on the characters before them, or be longer than they are).
const label = fc.oneof(
  fc.constantFrom(
    'svc',
    'SVC',
    'Svc',
    'cluster',
    'Cluster',
    'local',
    'LOCAL',
    'web',
    'shop',
    '10-244-1-5',
    '',
  ),
  fc.constantFrom('x'.repeat(70), 'Σ', 'σς', 'ΑΣ', 'İ', 'é', 'É', '\u0100', '\ud83d\ude00'),
  fc.string({ maxLength: 8 }),
);
const name = fc.oneof(
  fc.constant('.'),
  fc
    .tuple(fc.array(label, { maxLength: 6 }), fc.boolean())
    .map(([ls, dot]) => ls.join('.') + (dot ? '.' : '')),
  fc.string({ maxLength: 20 }),
);

describe('name compression (RFC 1035 §4.1.4)', () => {
  it('writes each name up to the longest suffix already written, in any case, then a pointer to it', () => {
    fc.assert(
      fc.property(
        fc.option(fc.constantFrom('Web.Shop.svc.cluster.local', 'cluster.local', 'A.b', '.', 'x\\y.Σ.local')),
        // Octets before the names: around 0x3fff, names stop being remembered (a pointer could not reach them).
        fc.oneof(fc.nat({ max: 40 }), fc.integer({ min: 0x3fff - 80, max: 0x3fff + 10 })),
        fc.array(name, { maxLength: 12 }),
        (qname, padding, names) => {
          const question = qname === null ? undefined : query(qname, 'A');
          const prefix = Buffer.concat([question ?? Buffer.alloc(0), Buffer.alloc(padding, 0xaa)]);
          const parsedName = question && (parseQuery(question) as { query: { qname: string } }).query.qname;
          assert.deepEqual(
            writerEncoding(prefix, question, names),
            referenceEncoding(prefix, parsedName, names),
          );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('points a record name at the question when it is the question name in another case', () => {
    const q = query('Web.Shop.svc.cluster.local', 'A');
    const out = writerEncoding(q, q, ['web.shop.SVC.cluster.local.']);
    assert.deepEqual([...out.subarray(q.length)], [0xc0, 12]);
  });
});
