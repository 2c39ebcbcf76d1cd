/**
 * The yaml package's warnings (its `doc.warnings` and what it prints itself through `process.emitWarning` while
 * building a value) become kubetwin diagnostics at their line, never text on stderr.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests } from './index.ts';
import { parseManifestsWithPackage } from './yaml.ts';

const next = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: next}\n';

/** Parses `text` with both readers, failing on any process warning, and returns `code@line:col` per diagnostic. */
function read(text: string) {
  const warned: string[] = [];
  const listen = (w: Error) => warned.push(w.message);
  process.on('warning', listen);
  try {
    const fast = parseManifests([{ file: 'w.yaml', text }]);
    const whole = parseManifestsWithPackage([{ file: 'w.yaml', text }]);
    const show = (r: typeof fast) => ({
      names: r.objects.map((o) => (o.body.metadata as { name?: string } | undefined)?.name ?? '?'),
      problems: r.diagnostics.map((d) => `${d.code}@${d.source?.line}:${d.source?.column}`),
      messages: r.diagnostics.map((d) => d.message),
    });
    assert.deepEqual(show(fast), show(whole), 'both readers agree');
    return show(fast);
  } finally {
    process.off('warning', listen);
    assert.deepEqual(warned, [], 'the yaml package printed nothing itself');
  }
}

test('a mapping used as a mapping key is yaml-invalid-key at its line (as sigs.k8s.io/yaml refuses it), never a stderr warning', () => {
  const r = read(
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  ? {x: 1}\n  : y\n---\n${next}`,
  );
  assert.deepEqual(r.names, ['next']);
  assert.deepEqual(r.problems, ['yaml-invalid-key@5:5']);
  assert.match(r.messages[0], /key is a mapping/);
});

test('a sequence key, in block or flow, and an alias to one are yaml-invalid-key', () => {
  for (const [body, at] of [
    ['data:\n  [a, b]: 1\n', 'yaml-invalid-key@5:3'],
    ['data: {x: [[a]: 1]}\n', 'yaml-invalid-key@4:12'],
    ['x: &k [1]\ndata:\n  *k : 2\n', 'yaml-invalid-key@6:3'],
  ] as const) {
    const r = read(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n${body}---\n${next}`);
    assert.deepEqual([r.names, r.problems], [['next'], [at]], body);
  }
});

test('a null mapping key (~, null, an empty key) is yaml-invalid-key: kubectl refuses it rather than reading ""', () => {
  for (const key of ['~', 'null', '']) {
    const r = read(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  ${key}: 1\n---\n${next}`);
    assert.deepEqual(r.names, ['next'], `key ${JSON.stringify(key)}`);
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0], /^yaml-invalid-key@5:/);
    assert.match(r.messages[0], /key is null/);
  }
});

test('numbers and booleans as keys are still read as strings (sigs.k8s.io/yaml converts them)', () => {
  const r = read('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  80: x\n  true: y\n');
  assert.deepEqual([r.names, r.problems], [['a'], []]);
});

test('an unknown tag is a yaml-warning at its line and the document is still read (the scalar as a string)', () => {
  const text =
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: !custom {app: web}\ndata:\n  count: !foo 5\n';
  const r = read(text);
  assert.deepEqual(r.names, ['a']);
  assert.deepEqual(r.problems, ['yaml-warning@5:11', 'yaml-warning@7:10']);
  assert.match(r.messages[1], /^YAML: Unresolved tag: !foo$/);
  const data = parseManifests([{ file: 'w.yaml', text }]).objects[0].body.data as Record<string, unknown>;
  assert.equal(data.count, '5');
});

test('an unknown directive and an alias ending in ":" are yaml-warning diagnostics, not stderr', () => {
  const r = read(`%FOO bar\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n`);
  assert.deepEqual([r.names, r.problems], [['a'], ['yaml-warning@1:1']]);
  assert.match(r.messages[0], /Unknown directive %FOO/);
  const alias = read(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: &n: a}\n`);
  assert.ok(alias.problems.includes('yaml-warning@3:20'), alias.problems.join());
});

test('a file holding only an unknown directive (no document) still says so', () => {
  const r = read('%FOO bar\n');
  assert.deepEqual([r.names, r.problems], [[], ['yaml-warning@1:1']]);
});

test('a standard tag kubectl does not resolve (!!binary, !!timestamp) is named in the short form, the value read as a string', () => {
  const r = read('apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  k: !!binary aGVsbG8=\n');
  assert.deepEqual([r.names, r.problems], [['s'], ['yaml-warning@5:6']]);
  assert.equal(r.messages[0], 'YAML: Unresolved tag: !!binary');
});
