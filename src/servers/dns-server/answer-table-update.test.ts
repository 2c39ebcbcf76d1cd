import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AnswerTable, questionPacket } from './_answer-table.ts';

/** A reply to `packet`'s question: NOERROR (or NXDOMAIN when `rcode`), one answer of `records` octets of `fill`. */
function replyTo(packet: Uint8Array, records: number, fill: number, rcode = 0): Uint8Array {
  const r = new Uint8Array(packet.length + records);
  r.set(packet);
  r[2] = 0x84;
  r[3] = rcode;
  r[7] = rcode ? 0 : 1;
  r.fill(fill, packet.length);
  return r;
}

const lookup = (t: AnswerTable, packet: Uint8Array): number[] | undefined => {
  const at = t.find(packet, 12, packet.length);
  if (at < 0) return undefined;
  const out = new Uint8Array(t.recordsLength(at));
  t.copyRecords(at, out, 0);
  return [...out];
};

test('per-name updates of a compiled table answer as a table compiled afresh (set, replace, remove, compaction)', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          name: fc.integer({ min: 0, max: 60 }),
          records: fc.integer({ min: 1, max: 40_000 }),
          fill: fc.integer({ min: 0, max: 255 }),
          positive: fc.boolean(),
        }),
        { maxLength: 200 },
      ),
      (ops) => {
        const packetOf = (i: number) =>
          Uint8Array.from(questionPacket({ name: `n${i}.ns.svc.cluster.local`, type: 'A' })!);
        const t = AnswerTable.compile({ answer: () => ({}) as never }, []);
        const oracle = new Map<number, number[]>();
        for (const op of ops) {
          const p = packetOf(op.name);
          t.update(p, replyTo(p, op.records, op.fill, op.positive ? 0 : 3));
          if (op.positive) oracle.set(op.name, new Array<number>(op.records).fill(op.fill));
          else oracle.delete(op.name);
        }
        const again = AnswerTable.fromBytes(t.toBytes())!;
        assert.equal(t.size, oracle.size);
        assert.equal(again.size, oracle.size);
        for (let i = 0; i <= 60; i++) {
          assert.deepEqual(lookup(t, packetOf(i)), oracle.get(i));
          assert.deepEqual(lookup(again, packetOf(i)), oracle.get(i));
        }
      },
    ),
    { numRuns: 40 },
  );
});
