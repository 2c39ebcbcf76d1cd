/**
 * The compiled answer table is a contract with `reply()`: for every question it holds, and for any query asking it
 * (any ID, RD and CD bits, letter case of the name — RFC 4343 §3 —, EDNS0 UDP size, UDP or TCP), the table's
 * reply is byte for byte the reply the answerer path computes; everything else is left to that path.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { buildFromTexts } from '../../api/index.ts';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import {
  buildDnsData,
  createDnsFromData,
  zoneQuestions,
  type DnsQuestion,
} from '../../analysis/dns/index.ts';
import { fixtureProfile, fixtureYaml } from '../../analysis/dns/_fixture.ts';
import type { ClusterModel } from '../../model/types.ts';
import { AnswerTable, questionPacket } from './_answer-table.ts';
import { newServerStats as stats, reply, replyFromTable } from './_respond.ts';
import { typeCode } from './_wire.ts';
import { query } from './_test-client.ts';

function compiled(model: ClusterModel) {
  const data = buildDnsData(model);
  const dns = createDnsFromData(data);
  const questions = [...zoneQuestions(data, model.pods)];
  return { dns, questions, table: AnswerTable.compile(dns, questions) };
}

const exampleDir = 'examples/e-commerce/fixed';
const example = compiled(
  buildFromTexts(
    readdirSync(exampleDir)
      .sort()
      .map((f) => ({ file: join(exampleDir, f), text: readFileSync(join(exampleDir, f), 'utf8') })),
  ).model,
);
// A headless Service with 60 ready endpoints: its A answer does not fit 512 octets.
const many = Array.from(
  { length: 60 },
  (_, i) =>
    `---\napiVersion: v1\nkind: Pod\nmetadata: {name: big-${i}, namespace: shop, labels: {app: big}}\nspec: {containers: [{name: c, image: x}]}\nstatus: {phase: Running, podIP: 10.244.9.${i + 1}}\n`,
).join('');
const fixture = compiled(
  buildYaml(
    `${fixtureYaml}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: big, namespace: shop}\nspec: {clusterIP: None, selector: {app: big}, ports: [{port: 80}]}\n${many}`,
    { profile: fixtureProfile },
  ).model,
);

const mixCase = (name: string, mask: readonly boolean[]) =>
  [...name].map((c, i) => (mask[i % mask.length] ? c.toUpperCase() : c)).join('');

describe('compiled answer table (contract with reply())', () => {
  it('holds the positive answers of the zone: Service, SRV, endpoint, pod and reverse names', () => {
    const has = (name: string, type: string) =>
      !!replyFromTable(query(name, type), example.table, 'udp', stats());
    assert.ok(example.table.size > 50, `${example.table.size} entries`);
    assert.ok(has('auth-service.e-commerce.svc.cluster.local', 'A'));
    assert.ok(has('rabbitmq-cluster-1.rabbitmq-cluster-nodes.e-commerce-messaging.svc.cluster.local', 'A'));
    assert.ok(has('10.1.96.10.in-addr.arpa', 'PTR'));
    // Denials are not compiled: they are answered (and cached, bounded) on demand.
    assert.ok(!has('nope.e-commerce.svc.cluster.local', 'A'));
    assert.ok(!has('auth-service.e-commerce.svc.cluster.local', 'AAAA'));
  });

  it('gives, for every compiled question, the bytes reply() gives, whatever the ID, flags, case and EDNS', () => {
    for (const { questions, table, dns } of [example, fixture]) {
      const asked = questions.filter((q) => replyFromTable(query(q.name, q.type), table, 'tcp', stats()));
      assert.ok(asked.length > 10);
      fc.assert(
        fc.property(
          fc.constantFrom(...asked),
          fc.integer({ min: 0, max: 65535 }),
          fc.boolean(),
          fc.boolean(),
          fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }),
          fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
          fc.constantFrom('udp' as const, 'tcp' as const),
          (q, id, rd, cd, mask, edns, transport) => {
            const packet = query(mixCase(q.name, mask), q.type, { id, rd, cd, ...(edns ? { edns } : {}) });
            const fromTable = replyFromTable(packet, table, transport, stats());
            const computed = reply(packet, dns, transport, stats())!.bytes;
            if (!fromTable) {
              // Only a reply too large for the transport is left to reply(), which truncates it.
              assert.equal(transport, 'udp');
              assert.ok(computed.readUInt16BE(2) & 0x200, 'the computed reply is truncated');
              return;
            }
            assert.equal(fromTable.toString('hex'), computed.toString('hex'));
          },
        ),
        { numRuns: 400, seed: 4343 },
      );
    }
  });

  it('leaves to reply() a reply larger than the UDP size, which it truncates (RFC 1035 §4.2.1)', () => {
    const big = query('big.shop.svc.cluster.local', 'A');
    assert.equal(replyFromTable(big, fixture.table, 'udp', stats()), undefined);
    assert.ok(replyFromTable(big, fixture.table, 'tcp', stats()));
    assert.ok(
      replyFromTable(query('big.shop.svc.cluster.local', 'A', { edns: 4096 }), fixture.table, 'udp', stats()),
    );
  });

  it('leaves to reply() anything but a plain query: other opcodes, classes, EDNS versions, extra records', () => {
    const base = query('web.shop.svc.cluster.local', 'A', { edns: 1232 });
    assert.ok(replyFromTable(base, fixture.table, 'udp', stats()));
    const edit = (f: (b: Buffer) => void) => {
      const b = Buffer.from(base);
      f(b);
      return replyFromTable(b, fixture.table, 'udp', stats());
    };
    assert.equal(
      edit((b) => (b[2] |= 0x10)),
      undefined,
      'opcode 2 (STATUS)',
    );
    assert.equal(
      edit((b) => (b[2] |= 0x80)),
      undefined,
      'a response',
    );
    assert.equal(
      edit((b) => b.writeUInt16BE(3, b.length - 11 - 2)),
      undefined,
      'class CH',
    );
    assert.equal(
      edit((b) => (b[b.length - 5] = 1)),
      undefined,
      'EDNS version 1 (BADVERS)',
    );
    assert.equal(
      edit((b) => (b[11] = 2)),
      undefined,
      'ARCOUNT 2',
    );
    assert.equal(replyFromTable(base.subarray(0, base.length - 1), fixture.table, 'udp', stats()), undefined);
  });

  it('writes each question as the plain query a client sends for it: printable ASCII, no empty label, labels up to 63', () => {
    // The straightforward encoding: the name without its trailing dot, checked as text, written label by label.
    const reference = (q: DnsQuestion) => {
      const type = typeCode(q.type.toUpperCase());
      const name = q.name.endsWith('.') ? q.name.slice(0, -1) : q.name;
      if (!type || name.length > 253 || /[^\x21-\x7e]|\.\.|^\./.test(name)) return undefined;
      const labels = name ? name.split('.') : [];
      if (labels.some((l) => l.length > 63)) return undefined;
      return Buffer.concat([
        Buffer.from([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
        ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')])),
        Buffer.from([0, type >> 8, type & 0xff, 0, 1]),
      ]);
    };
    const label = fc.oneof(
      fc.constantFrom('web', 'Shop', 'svc', 'cluster', 'local', '', 'x'.repeat(63), 'x'.repeat(64)),
      fc.string({ maxLength: 6, unit: fc.constantFrom(...'aZ09-_*. \\\u00e9\u007f') }),
    );
    const name = fc.oneof(
      fc.array(label, { maxLength: 6 }).map((ls) => ls.join('.')),
      fc.array(label, { maxLength: 6 }).map((ls) => `${ls.join('.')}.`),
      fc.constantFrom(
        '',
        '.',
        '..',
        'a..',
        `${'abcdefghi.'.repeat(25)}abc`,
        `${'abcdefghi.'.repeat(25)}abcd`,
      ),
    );
    fc.assert(
      fc.property(name, fc.constantFrom('A', 'aaaa', 'SRV', 'PTR', 'MX'), (n, type) => {
        const packet = questionPacket({ name: n, type });
        assert.deepEqual(packet && Buffer.from(packet), reference({ name: n, type }));
      }),
      { numRuns: 3000 },
    );
  });

  it('survives its byte form (toBytes, fromBytes) and rejects bytes that are not one', () => {
    const copy = AnswerTable.fromBytes(example.table.toBytes())!;
    assert.equal(copy.size, example.table.size);
    for (const q of example.questions.slice(0, 200)) {
      const a = replyFromTable(query(q.name, q.type), example.table, 'tcp', stats());
      const b = replyFromTable(query(q.name, q.type), copy, 'tcp', stats());
      assert.equal(a?.toString('hex'), b?.toString('hex'));
    }
    assert.equal(AnswerTable.fromBytes(new Uint8Array(3)), undefined);
    assert.equal(AnswerTable.fromBytes(new Uint8Array([0, 0, 0, 3, 0, 0, 0, 0])), undefined);
    const broken = example.table.toBytes().slice(0, 400);
    assert.equal(AnswerTable.fromBytes(broken), undefined);
  });
});
