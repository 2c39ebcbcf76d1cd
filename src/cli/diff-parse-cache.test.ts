import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests } from '../parse/index.ts';
import { parseThrough, type ParseCache } from './_diff-load.ts';

const a = {
  file: 'k8s/a.yaml',
  text: 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 80}]}\n',
};
const b = {
  file: 'k8s/b.yaml',
  text: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n---\nkind: [broken\n',
};
const plain = (r: ReturnType<typeof parseManifests>) => ({
  objects: r.objects.map((o) => ({ body: o.body, source: o.source })),
  diagnostics: r.diagnostics,
});

test('diff parse cache: files parsed one by one through the cache equal the whole list parsed at once', () => {
  const cache: ParseCache = new Map();
  assert.deepEqual(plain(parseThrough([a, b], cache)), plain(parseManifests([a, b])));
  assert.deepEqual(plain(parseThrough([b, a], cache)), plain(parseManifests([b, a])));
});

test('diff parse cache: a file the other side holds byte for byte is parsed once; under another name its positions name that file; a changed byte, or a file with a diagnostic under another name, is parsed anew', () => {
  const cache: ParseCache = new Map();
  const base = parseThrough([a, b], cache);
  const same = parseThrough([a, b], cache);
  assert.equal(same.objects[0], base.objects[0], 'the unchanged file’s objects are reused');
  const edited = parseThrough([{ ...a, text: a.text.replace('80', '81') }], cache);
  assert.notEqual(edited.objects[0], base.objects[0]);
  assert.equal((edited.objects[0].body.spec as { ports: { port: number }[] }).ports[0].port, 81);
  const moved = parseThrough([{ ...a, file: 'HEAD:k8s/a.yaml' }], cache);
  assert.equal(
    moved.objects[0].body,
    base.objects[0].body,
    'the same bytes under another name: the same body',
  );
  const fresh = parseManifests([{ ...a, file: 'HEAD:k8s/a.yaml' }]).objects[0];
  assert.deepEqual(moved.objects[0].source, fresh.source, 'positions name the file this side read');
  assert.deepEqual(
    moved.objects[0].locate(['spec', 'ports', 0, 'port']),
    fresh.locate(['spec', 'ports', 0, 'port']),
  );
  const brokenElsewhere = parseThrough([{ ...b, file: 'HEAD:k8s/b.yaml' }], cache);
  assert.deepEqual(plain(brokenElsewhere), plain(parseManifests([{ ...b, file: 'HEAD:k8s/b.yaml' }])));
});
