import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serialize, deserialize } from 'node:v8';
import { buildFromTexts } from '../api/index.ts';
import { withLocatedWords } from './index.ts';
import { wordName, wordSource } from '../model/container-words.ts';

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

test('command and args are one list each, a word named and located only when cited', () => {
  const [{ words }] = buildFromTexts([{ file: 'in.yaml', text }]).model.settings!;
  const cited = words.flatMap((l) =>
    l.values.map((value, i) => ({
      container: l.container,
      name: wordName(l, i),
      value,
      source: wordSource(l, i),
    })),
  );
  const at = (path: string, line: number, column: number) => ({
    file: 'in.yaml',
    doc: 0,
    line,
    column,
    path,
  });
  const base = 'spec.containers[0]';
  // As printed: JSON drops a source's unset origin.
  assert.deepEqual(JSON.parse(JSON.stringify(cited)), [
    { container: 'c', name: 'command[0]', value: 'run', source: at(`${base}.command[0]`, 9, 17) },
    { container: 'c', name: 'args[0]', value: '--to', source: at(`${base}.args[0]`, 10, 14) },
    { container: 'c', name: 'args[1]', value: 'http://cart:80', source: at(`${base}.args[1]`, 10, 20) },
    { container: 'c', name: 'args[2]', value: '$(X)', source: at(`${base}.args[2]`, 10, 38) },
  ]);
});

test('withLocatedWords: the model with its words located is plain data the model cache can store', () => {
  const { model } = buildFromTexts([{ file: 'in.yaml', text }]);
  assert.throws(() => serialize(model), /could not be cloned/);
  const stored = deserialize(serialize(withLocatedWords(model))) as typeof model;
  const cite = (m: typeof model) =>
    m.settings![0].words.flatMap((l) => l.values.map((v, i) => [wordName(l, i), v, wordSource(l, i)]));
  assert.deepEqual(cite(stored), cite(model));
  assert.ok(
    stored.settings![0].words.every((l) => l.locate === undefined && l.sources!.length === l.values.length),
  );
});
