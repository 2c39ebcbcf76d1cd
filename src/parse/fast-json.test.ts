import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateBodies } from '../../bench/generate.ts';
import type { ManifestText } from './index.ts';
import { readBoth, key, readsAll, tricky } from './_same-as-package.ts';

/** Both readers give the same objects, sources, positions of every field and diagnostics. */
function assertSame(inputs: ManifestText[], label: string): void {
  const { fast, full } = readBoth(inputs);
  assert.deepStrictEqual(fast, full, label);
}

test('JSON reader: a kubectl-style List and generated clusters as JSON give the same objects and positions as the yaml package', () => {
  for (const family of ['realistic', 'random-labels'] as const) {
    const bodies = generateBodies({ family, pods: 400 });
    // `kubectl get -o json`: one List, 4-space indentation.
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: bodies, metadata: {} }, null, 4);
    assert.ok(readsAll(list)); // not vacuous: the JSON reader reads it
    assertSame([{ file: `${family}.json`, text: list }], `${family} List`);
    // One compact JSON document per object, separated as YAML documents.
    const docs = bodies.map((b) => JSON.stringify(b)).join('\n---\n');
    assert.ok(readsAll(docs));
    assertSame([{ file: `${family}-docs.json`, text: docs }], `${family} documents`);
  }
});

test('JSON reader: escapes, numbers and what it leaves to the package match the yaml package', () => {
  const texts = [
    '{"a": "x\\"y\\\\z\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"}',
    '{"n": [0, -0, 1.5, -2.25e3, 1e3, 1E+2, 12345678901234567890, 0.1], "b": [true, false, null]}',
    '{"a": {}, "b": [], "c": [[], [{}]], "d": ""}',
    '{\n    "a": 1,\n    "b": {\n        "c": [\n            1,\n            2\n        ]\n    }\n}\n',
    '{"a": 1, "a": 2}',
    '{"__proto__": 1}',
    '{"a": 01}',
    '{"a": 1,}',
    '{"a": tru}',
    '{"a": 1} x',
    '{"a": 1}\n# c\n',
    '{"a"\n: 1}',
    '{\t"a": 1}',
    '{"a": 1}\r\n',
    '{"a": "x\u0001"}',
    '{"a": "\\x41"}',
    '{"a": "\\u12"}',
    '{"a": .5}',
    '{"a": +1}',
    '{"a": 1.}',
    '{"a": yes}',
    '{a: 1}',
    `{"${'k'.repeat(1100)}": 1}`,
    '{"a": [1 2]}',
    '{"a": "b" "c"}',
    '[{"a": 1}]',
    '{"a": 1',
    '---\n{"a": 1}\n---\n{"b": 2}\n',
  ];
  for (const text of texts) assertSame([{ file: 'j.json', text }], JSON.stringify(text));
});

test('JSON reader: random JSON documents (strings of any characters, edits that break them) match the yaml package', () => {
  const jsonScalar = fc.oneof(
    fc.constantFrom(...tricky),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 6, unit: 'binary' }),
  );
  const { jsonTree } = fc.letrec((tie) => ({
    jsonTree: fc.oneof({ depthSize: 'small' }, jsonScalar, tie('map'), tie('list')),
    map: fc.dictionary(key, tie('jsonTree'), { maxKeys: 4 }),
    list: fc.array(tie('jsonTree'), { maxLength: 3 }),
  }));
  const jsonDoc = fc.dictionary(key, jsonTree, { minKeys: 1, maxKeys: 5 });
  let read = 0;
  fc.assert(
    fc.property(
      jsonDoc,
      fc.constantFrom(0, 2, 4),
      fc.array(
        fc.tuple(
          fc.nat(),
          fc.constantFrom(',', '{', '}', '[', ']', '"', ':', ' ', '\n', '\t', '\\', '#', '-', '1', 'e'),
        ),
        { maxLength: 2 },
      ),
      (d, indent, edits) => {
        let text = JSON.stringify(d, null, indent);
        if (edits.length === 0 && readsAll(text)) read++;
        for (const [at, piece] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + piece + text.slice(i);
        }
        assertSame([{ file: 'r.json', text }], JSON.stringify(text));
      },
    ),
    { numRuns: 1500, seed: Number(process.env.KUBETWIN_PROPERTY_SEED ?? 20261203) },
  );
  // Not vacuous: most unedited documents are read by the JSON reader, not handed to the package.
  assert.ok(read > 300, `only ${read} documents read by the JSON reader`);
});
