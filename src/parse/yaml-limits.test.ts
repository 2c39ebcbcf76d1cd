import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests } from './index.ts';
import { splitDocuments } from './_yaml-limits.ts';

const next = 'apiVersion: v1\nkind: Next\n';
const one = (text: string) => parseManifests([{ file: 'm.yaml', text }]);
/** The diagnostics as `code@line: message` and the kinds still read. */
const read = (text: string) => {
  const { objects, diagnostics } = one(text);
  return {
    kinds: objects.map((o) => o.body.kind),
    problems: diagnostics.map((d) => `${d.code}@${d.source?.line}: ${d.message}`),
  };
};
const blockNest = (levels: number) =>
  Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n';

test('an unresolved alias is a yaml-syntax error at the alias, and the next document is still read', () => {
  const r = read(`kind: A\ndata: *missing\n---\n${next}`);
  assert.deepEqual(r.kinds, ['Next']);
  assert.deepEqual(r.problems, [
    'yaml-syntax@2: YAML alias *missing has no anchor &missing before it in this document',
  ]);
});

test('a merge key with a scalar source (<<: y) is a yaml-syntax error at the merge key, not an abort', () => {
  const r = read(`kind: A\nspec:\n  <<: y\n---\n${next}`);
  assert.deepEqual(r.kinds, ['Next']);
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0], /^yaml-syntax@3: YAML merge key "<<" must merge a mapping/);
});

test('a merge key over an aliased mapping still merges (YAML 1.1 merge, as go-yaml v2 reads it)', () => {
  const { objects } = one('base: &b {x: 1}\nkind: A\nspec:\n  <<: *b\n  z: 2\n');
  assert.deepEqual(objects[0].body.spec, { x: 1, z: 2 });
});

test('more than 1,000 alias expansions (an alias bomb) is a yaml-syntax error, the other documents still read', () => {
  const bomb = [
    'a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]',
    `b: &b [${Array(10).fill('*a').join(', ')}]`,
    `c: &c [${Array(10).fill('*b').join(', ')}]`,
    `d: &d [${Array(10).fill('*c').join(', ')}]`,
  ].join('\n');
  const r = read(`${next}---\n${bomb}\n---\n${next}`);
  assert.deepEqual(r.kinds, ['Next', 'Next']);
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0], /^yaml-syntax@\d+: YAML aliases in this document expand more than 1000 times/);
});

test('block nesting past the stack (3,000 levels) is a plain yaml-syntax error and the documents around it are read', () => {
  const r = read(`kind: Before\n---\n${blockNest(3000)}---\n${next}`);
  assert.deepEqual(r.kinds, ['Before', 'Next']);
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0], /^yaml-syntax@\d+: YAML nesting too deep/);
  assert.doesNotMatch(r.problems[0], /call stack/);
});

test('the documents after a too-deep one keep their own document index and line', () => {
  const { objects } = one(`kind: Before\n---\n${blockNest(3000)}---\n${next}`);
  assert.deepEqual(
    objects.map((o) => [o.body.kind, o.source.doc, o.source.line]),
    [
      ['Before', 0, 1],
      ['Next', 2, 3004],
    ],
  );
});

test('flow nesting past 800 levels is a yaml-syntax error in plain words, never a JavaScript error text', () => {
  for (const deep of [
    `a: ${'['.repeat(1000)}${']'.repeat(1000)}`,
    `a: ${'{a: '.repeat(1000)}1${'}'.repeat(1000)}`,
  ]) {
    const r = read(`${deep}\n---\n${next}`);
    assert.deepEqual(r.kinds, ['Next']);
    assert.deepEqual(r.problems.length, 1);
    assert.match(r.problems[0], /^yaml-syntax@1: YAML nesting too deep: .* more than 500 levels/);
  }
});

test('nesting just past the 500-level bound is refused at the line where it passes it; 499 levels are read', () => {
  const r = read(`kind: A\nx:\n${blockNest(600).replace(/^/gm, ' ')}`);
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0], /^yaml-syntax@501: YAML nesting too deep/);
  const ok = read(`kind: A\nx: ${'['.repeat(498)}${']'.repeat(498)}\n`);
  assert.deepEqual([ok.kinds, ok.problems], [['A'], []]);
});

test('splitDocuments cuts at column-0 --- markers and keeps a leading comment with the first document', () => {
  const parts = splitDocuments('# head\n---\na: 1\n---\n---\nb: |\n  ---\n');
  assert.deepEqual(
    parts.map((p) => [p.line, p.text]),
    [
      [0, '# head\n---\na: 1'],
      [3, '---'],
      [4, '---\nb: |\n  ---\n'],
    ],
  );
});

test('an alias inside the node its anchor names (a recursive structure) is a yaml-syntax error at the alias, on both readers', () => {
  for (const text of [
    // Plain block YAML: the fast reader's document.
    'apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: x\n  labels:\n    again: *m\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: after}\n',
    // A flow collection: the yaml package's document.
    'apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: x, labels: {again: *m}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: after}\n',
  ]) {
    const r = parseManifests([{ file: 'c.yaml', text }]);
    assert.deepEqual(
      r.objects.map((o) => (o.body.metadata as { name: string }).name),
      ['after'],
    );
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0].code, 'yaml-syntax');
    assert.match(
      r.diagnostics[0].message,
      /^metadata\.labels\.again: an alias refers to a node that contains it/,
    );
    assert.equal(
      r.diagnostics[0].source?.line,
      text.startsWith('apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n') ? 6 : 3,
    );
  }
});
