import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Document, isMap, stringify, visit } from 'yaml';
import { readBoth, key, tricky } from './_same-as-package.ts';
import { readFast } from './_fast-yaml.ts';
import { resolveBySchema, resolvePlain } from './_scalars.ts';
import { documentChunks, splitDocuments } from './_yaml-limits.ts';
import { generateBodies } from '../../bench/generate.ts';
import type { ManifestText } from './index.ts';

/** Both readers give the same objects, sources, positions of every field and diagnostics. */
function assertSame(inputs: ManifestText[], label: string): void {
  const { fast, full } = readBoth(inputs);
  assert.deepStrictEqual(fast, full, label);
}

function manifestFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const info = statSync(path, { throwIfNoEntry: false }); // a dangling symlink fixture has none
    if (info?.isDirectory()) manifestFiles(path, out);
    else if (info && /\.(ya?ml|json)$/.test(name)) out.push(path);
  }
  return out;
}

test('fast reader: the same objects, positions and diagnostics as the yaml package on every fixture and example', () => {
  const files = [...manifestFiles('testdata'), ...manifestFiles('examples')];
  assert.ok(files.length > 300);
  for (const file of files) assertSame([{ file, text: readFileSync(file, 'utf8') }], file);
});

test('fast reader: generated clusters (anchors and aliases included) are read by the fast path and match', () => {
  for (const family of ['realistic', 'random-labels'] as const) {
    const text = generateBodies({ family, pods: 400 })
      .map((b) => stringify(b))
      .join('---\n');
    const chunks = documentChunks(text);
    // Not a vacuous comparison: the fast path reads every one of these documents.
    assert.ok(chunks.every((c) => readFast(text, c.start, c.end)));
    assertSame([{ file: `${family}.yaml`, text }], family);
  }
});

test('fast reader: a List of many items (positions looked up by key past 32 siblings) matches', () => {
  const items = generateBodies({ family: 'realistic', pods: 300 });
  const text = stringify({ apiVersion: 'v1', kind: 'List', items });
  const chunk = documentChunks(text)[0];
  assert.ok(readFast(text, chunk.start, chunk.end));
  assertSame([{ file: 'list.yaml', text }], 'List');
});

test('fast reader: edge texts (a key past 1024 characters, control and Unicode line-break characters) match', () => {
  const texts = [
    'k'.repeat(1100) + ': 1\n',
    `"${'k'.repeat(1100)}": 1\n`,
    'a: x\u2028y\n',
    'a: x\u0085y\n',
    'a: x\u0000y\n',
    "a: 'x\u0085y'\n",
    'a: \uFEFFx\n',
    '\u00a0a: 1\n',
    'a: x\vy\n',
  ];
  for (const text of texts) assertSame([{ file: 'e.yaml', text }], JSON.stringify(text));
});

test('fast reader: documentChunks cuts where splitDocuments cuts', () => {
  const texts = [
    '',
    'a: 1',
    '# c\n---\na: 1\n---\n---\nb: 2\n',
    'a: 1\n---\n',
    '---\n# x\n--- \nb: 1',
    '\n\n---\n',
  ];
  for (const text of texts)
    assert.deepStrictEqual(
      documentChunks(text).map((c) => ({ text: text.slice(c.start, c.end), line: c.line })),
      splitDocuments(text),
    );
});

test('fast reader: the plain-scalar shortcut resolves as the yaml package schema does', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 12 }), (s) => {
      assert.deepStrictEqual(resolvePlain(s), resolveBySchema(s));
    }),
    { numRuns: 3000 },
  );
  for (const s of [
    'yes',
    'No',
    'ON',
    'false',
    'FALSE',
    'null',
    'Nullx',
    'y',
    'abcdef',
    'True1',
    '0755',
    '12:30',
  ])
    assert.deepStrictEqual(resolvePlain(s), resolveBySchema(s));
});

const scalar = fc.oneof(
  fc.constantFrom(...tricky),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.double({ noNaN: true }),
  fc.string({ maxLength: 6 }),
  fc.string({ maxLength: 4, unit: 'binary' }),
);
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: 'small' }, scalar, tie('map'), tie('list')),
  map: fc.dictionary(key, tie('tree'), { maxKeys: 4 }),
  list: fc.array(tie('tree'), { maxLength: 3 }),
}));
const doc = fc.dictionary(key, tree, { minKeys: 1, maxKeys: 5 });

/** Edits that make the text unusual or broken: both readers must still agree. */
const edit = fc.tuple(
  fc.nat(),
  fc.constantFrom(
    '# c\n',
    '\n',
    '  ',
    ' ',
    '\t',
    '\r',
    '---\n',
    '- ',
    ': ',
    '#',
    '"',
    "'",
    '&x ',
    '*x',
    '...\n',
    'a: 1\n',
  ),
);

test('fast reader: random documents (quoting, anchors, edits that break them) match the yaml package', () => {
  fc.assert(
    fc.property(
      fc.array(doc, { minLength: 1, maxLength: 3 }),
      fc.boolean(),
      fc.array(edit, { maxLength: 3 }),
      (docs, share, edits) => {
        // Shared values become anchors and aliases when stringified.
        if (share && docs[0]) docs[0] = { ...docs[0], shared1: docs[0], shared2: { again: docs[0] } };
        let text = docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
        for (const [at, piece] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + piece + text.slice(i);
        }
        assertSame([{ file: 'r.yaml', text }], JSON.stringify(text));
      },
    ),
    { numRuns: 1500, seed: Number(process.env.KUBETWIN_PROPERTY_SEED ?? 20261202) },
  );
});

/** `docs` written as YAML with the mappings `flow` picks (by their order in the text) in flow style. */
function withFlowMaps(docs: Record<string, unknown>[], flow: boolean[]): string {
  let n = 0;
  return docs
    .map((d) => {
      const doc = new Document(d);
      visit(doc, {
        Map(_, node) {
          if (isMap(node) && node !== doc.contents && flow[n++ % flow.length]) node.flow = true;
        },
      });
      return doc.toString({ lineWidth: 0 });
    })
    .join('---\n');
}

test('fast reader: one-line flow mappings (kubetwin.yaml nodes) are read by the fast path and match', () => {
  const text =
    'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\npodCIDR: 10.0.0.0/8\nnodes:\n' +
    '  - {name: node-1, zone: zone-a, internalIP: 10.0.0.1}\n' +
    '  - { name: node-2 , zone: zone-b,internalIP: 10.0.0.2 }   # a comment\n' +
    'spec: {replicas: 3, enabled: yes, mode: 0755, empty: ~}\n' +
    'anchored: &a {x: 1}\nagain: *a\n';
  const chunk = documentChunks(text)[0];
  assert.ok(readFast(text, chunk.start, chunk.end)); // not vacuous: the fast path reads it
  assertSame([{ file: 'kubetwin.yaml', text }], 'flow mappings');
  // What it leaves to the package: each still gives the package's result.
  for (const line of [
    '{a: 1, }',
    '{a: "q"}',
    '{a: [1]}',
    '{a: {b: 1}}',
    '{a: 1',
    '{a: 1,\n  b: 2}',
    '{a:1}',
    '{a: 1, a: 2}',
    '{a: ::1}',
    '{a: x y}',
    '{a: 1} # c',
    '{a: 1}x',
    '{-: 1}',
    '{yes: 1}',
    '{a: }',
    '{__proto__: 1}',
    '{a: \u00e9}',
  ])
    assertSame([{ file: 'f.yaml', text: `k: ${line}\nl:\n  - ${line}\n` }], line);
});

test('fast reader: random documents with flow mappings and edits match the yaml package', () => {
  fc.assert(
    fc.property(
      fc.array(doc, { minLength: 1, maxLength: 2 }),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
      fc.array(
        fc.tuple(fc.nat(), fc.constantFrom(',', '{', '}', ': ', ':', ' ', '#', '\n', '- ', '&x ', '*x')),
        { maxLength: 2 },
      ),
      (docs, flow, edits) => {
        let text = withFlowMaps(docs, flow);
        for (const [at, piece] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + piece + text.slice(i);
        }
        assertSame([{ file: 'r.yaml', text }], JSON.stringify(text));
      },
    ),
    { numRuns: 1500, seed: Number(process.env.KUBETWIN_PROPERTY_SEED ?? 20261203) },
  );
});
