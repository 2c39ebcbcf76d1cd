import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serialize, deserialize } from 'node:v8';
import { buildFromTexts } from '../api/index.ts';
import { withLocatedWords } from './index.ts';

const text = `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers:
    - name: c
      image: x
      env: [{name: X, value: cart}]
      command: [run]
      args: [--to, "http://$(X):80", $$(X)]
`;

test('a command or args word is named and located when read, and serialises as a plain setting', () => {
  const [{ settings }] = buildFromTexts([{ file: 'in.yaml', text }]).model.settings!;
  const words = JSON.parse(JSON.stringify(settings.filter((s) => s.kind === 'arg')));
  const at = (path: string, line: number, column: number) => ({
    file: 'in.yaml',
    doc: 0,
    line,
    column,
    path,
  });
  const base = 'spec.containers[0]';
  assert.deepEqual(words, [
    {
      container: 'c',
      kind: 'arg',
      name: 'command[0]',
      value: 'run',
      source: at(`${base}.command[0]`, 9, 17),
    },
    { container: 'c', kind: 'arg', name: 'args[0]', value: '--to', source: at(`${base}.args[0]`, 10, 14) },
    {
      container: 'c',
      kind: 'arg',
      name: 'args[1]',
      value: 'http://cart:80',
      source: at(`${base}.args[1]`, 10, 20),
    },
    { container: 'c', kind: 'arg', name: 'args[2]', value: '$(X)', source: at(`${base}.args[2]`, 10, 38) },
  ]);
});

test('withLocatedWords: the model with its words located is plain data the model cache can store', () => {
  const { model } = buildFromTexts([{ file: 'in.yaml', text }]);
  assert.throws(() => serialize(model), /could not be cloned/);
  const stored = deserialize(serialize(withLocatedWords(model))) as typeof model;
  assert.equal(JSON.stringify(stored.settings), JSON.stringify(model.settings));
  assert.ok(stored.settings![0].settings.every((s) => Object.getPrototypeOf(s) === Object.prototype));
});
