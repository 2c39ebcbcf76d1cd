import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Document, isMap, isSeq, stringify, visit } from 'yaml';
import { readBoth, readsAll, key, tricky } from './_same-as-package.ts';
import { readFast } from './_fast-yaml.ts';
import { resolveBySchema, resolvePlain } from './_scalars.ts';
import { documentChunks, splitDocuments } from './_yaml-limits.ts';
import { generateBodies } from '../../bench/generate.ts';
import { parseManifests, type ManifestText } from './index.ts';

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

test('fast reader: flow sequences on one line and across lines (args, values, nested) are read by the fast path and match', () => {
  const text =
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, labels: {app: web}}\nspec:\n' +
    "  selector:\n    matchExpressions:\n      - {key: app, operator: In, values: [web, api, \"quoted\", 'it''s']}\n" +
    '  template:\n    spec:\n      containers:\n        - name: app\n' +
    '          command: [ /bin/server ]\n' +
    '          args: [--listen=0.0.0.0:8080, -v, 2, yes, 0755, ~, .5, a:b, ---]\n' +
    '          ports: [{containerPort: 80, protocol: TCP}, {containerPort: 443}]\n' +
    '          env: [\n            {name: A, value: x},\n            {name: B, value: "y"}\n          ]\n' +
    '        - name: side\n          args:\n            [a, [b, []], {}, { }, [ ]]\n' +
    'wrapped: [one,\n  two, three\n  , four]\nclosed: [\n  a\n]\n';
  assert.ok(readsAll(text)); // not vacuous: the fast path reads it
  assertSame([{ file: 'deploy.yaml', text }], 'flow sequences');
  // What it leaves to the package: each still gives the package's result.
  for (const value of [
    '[a, ]',
    '[, a]',
    '[a,,b]',
    '[a b]',
    '[a: b]',
    '[? a]',
    '["a": b]',
    '[a:, b]',
    '[&x a, *x]',
    '[!!str 1]',
    '[a # c\n  , b]',
    '[a,\n\n  b]',
    '[a,\nb]',
    '[a\n  b]',
    '[a,\n\tb]',
    '[a]]',
    '[a',
    '[[[[a]]]]x',
    '["a\\tb"]',
    '[é]',
    '[-]',
    '[a, {b: [c, ]}]',
    '{a: [b], a: [c]}',
    '[a,\n  [b,\n]]',
    '[a]: b',
  ])
    assertSame([{ file: 'f.yaml', text: `k: ${value}\nl:\n  - ${value}\n` }], value);
});

test('fast reader: flow nested deeper than the fast reader goes is left to the package, with its result', () => {
  for (const depth of [10, 63, 64, 65, 200]) {
    const text = `k: ${'['.repeat(depth)}a${']'.repeat(depth)}\n`;
    assertSame([{ file: 'deep.yaml', text }], `depth ${depth}`);
  }
});

/** `docs` written as YAML with the collections `flow` picks (by their order in the text) in flow style. */
function withFlow(docs: Record<string, unknown>[], flow: boolean[], lineWidth: number): string {
  let n = 0;
  return docs
    .map((d) => {
      const doc = new Document(d);
      visit(doc, {
        Collection(_, node) {
          if ((isMap(node) || isSeq(node)) && node !== doc.contents && flow[n++ % flow.length])
            node.flow = true;
        },
      });
      return doc.toString({ lineWidth });
    })
    .join('---\n');
}

const flowEdits = fc.constantFrom(
  ',',
  '[',
  ']',
  '{',
  '}',
  ': ',
  ':',
  ' ',
  '  ',
  '#',
  '\n',
  '\n ',
  '- ',
  '"',
  '&x ',
  '*x',
);

test('fast reader: random documents with flow sequences (one line or wrapped) and edits match the yaml package', () => {
  fc.assert(
    fc.property(
      fc.array(doc, { minLength: 1, maxLength: 2 }),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
      fc.constantFrom(0, 20, 40),
      fc.array(fc.tuple(fc.nat(), flowEdits), { maxLength: 2 }),
      (docs, flow, lineWidth, edits) => {
        let text = withFlow(docs, flow, lineWidth);
        for (const [at, piece] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + piece + text.slice(i);
        }
        assertSame([{ file: 'r.yaml', text }], JSON.stringify(text));
      },
    ),
    { numRuns: 1500, seed: Number(process.env.KUBETWIN_PROPERTY_SEED ?? 20261204) },
  );
});

/** Words, numbers, booleans and plain quoted strings: what manifests hold in flow sequences. */
const plainWord = fc.stringMatching(/^[a-z][a-z0-9./=:-]{0,8}$/).filter((w) => !w.endsWith(':'));
const simpleScalar = fc.oneof(plainWord, fc.integer(), fc.boolean(), fc.stringMatching(/^[a-z ]{0,6}$/));
const simpleKey = fc.stringMatching(/^[a-z][a-zA-Z]{5,8}$/);
const { simpleTree } = fc.letrec((tie) => ({
  simpleTree: fc.oneof({ depthSize: 'small' }, simpleScalar, tie('simpleMap'), tie('simpleList')),
  simpleMap: fc.dictionary(simpleKey, tie('simpleTree'), { maxKeys: 3 }),
  // Lists of scalars and mappings, as manifests hold (a block list directly in a list, `- - x`, is not read).
  simpleList: fc.array(fc.oneof(simpleScalar, tie('simpleMap')), { maxLength: 6 }),
}));
const simpleDoc = fc.dictionary(simpleKey, simpleTree, { minKeys: 1, maxKeys: 4 });

test('fast reader: the fast path reads most unedited documents with flow sequences (it cannot pass by deferring)', (t) => {
  let read = 0;
  let total = 0;
  let withItems = 0;
  fc.assert(
    fc.property(
      fc.array(simpleDoc, { minLength: 1, maxLength: 2 }),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }),
      fc.constantFrom(0, 30),
      (docs, flow, lineWidth) => {
        const text = withFlow(docs, flow, lineWidth);
        total++;
        if (/\[ [^\]]/.test(text)) withItems++;
        if (readsAll(text)) read++;
        assertSame([{ file: 's.yaml', text }], JSON.stringify(text));
      },
    ),
    { numRuns: 500, seed: Number(process.env.KUBETWIN_PROPERTY_SEED ?? 20261205) },
  );
  t.diagnostic(`the fast path read ${read} of ${total} (${withItems} with a non-empty flow sequence)`);
  assert.ok(withItems >= total * 0.3, `only ${withItems} of ${total} hold a non-empty flow sequence`);
  assert.ok(read >= total * 0.9, `the fast path read ${read} of ${total}`);
});

test('fast reader: a long flow sequence is read in linear time (doubling its items does not come near quadrupling the CPU time)', (t) => {
  const textOf = (n: number) =>
    `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      args: [${Array.from({ length: n }, (_, i) => 'abc'[i % 3]).join(',')}]\n`;
  /** CPU time of one read by the fast path (it must not leave the text to the package). */
  const cpuOf = (text: string): number => {
    const chunk = documentChunks(text)[0];
    const start = process.cpuUsage();
    assert.ok(readFast(text, chunk.start, chunk.end));
    const used = process.cpuUsage(start);
    return used.user + used.system;
  };
  cpuOf(textOf(50_000)); // warm-up: the reader compiled before either is timed
  // The least of five reads of each, taken in turn (the machine is shared and the suite runs two files at once:
  // the least is the least disturbed, and alternating keeps a slow phase from landing on one size only).
  const [smallText, largeText] = [textOf(200_000), textOf(400_000)];
  let [small, large] = [Infinity, Infinity];
  for (let run = 0; run < 5; run++) {
    small = Math.min(small, cpuOf(smallText));
    large = Math.min(large, cpuOf(largeText));
  }
  t.diagnostic(`200k items: ${small} µs, 400k items: ${large} µs`);
  assert.ok(large <= small * 3.5, `200k items: ${small} µs, 400k items: ${large} µs`);
});

test('fast reader: documents given up part-way leave no position entries in the file’s table (one table per file)', () => {
  // Each given-up document adds entries before the reader gives up: a block scalar, a tag, a JSON document with
  // a tab in a string, a flow collection it leaves to the package. The documents after them must still point
  // at their own keys, and the given-up documents (read by the package) at theirs.
  const fast = (n: number) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${n}\n  labels:\n    app: a${n}\ndata:\n  k: v${n}\n  list:\n    - x\n    - name: z\n`;
  const text = [
    fast(0),
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b1\ndata:\n  a: 1\n  script: |\n    echo hi\n`,
    fast(2),
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b3\n  labels:\n    x: !tag y\n`,
    `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b4", "labels": {"a": "b\tc"}}}\n`,
    fast(5),
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b6\ndata:\n  a: [x, {y: [1, &z 2]}]\n`,
    fast(7),
  ].join('---\n');
  const chunks = documentChunks(text);
  assert.deepEqual(
    chunks.map((c) => readFast(text, c.start, c.end) !== undefined),
    [true, false, true, false, false, true, false, true],
  );
  // Not read whole by the package (a syntax error in a given-up document would make it so): the fast path's own.
  assert.ok(
    !parseManifests([{ file: 'mixed.yaml', text }]).diagnostics.some((d) => d.code === 'yaml-syntax'),
  );
  assertSame([{ file: 'mixed.yaml', text }], 'mixed');
});
