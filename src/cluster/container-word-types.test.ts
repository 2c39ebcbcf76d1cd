import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from './_test-helpers.ts';

const pod = (container: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: x\n${container}`;

test('container command, args and env values must be strings: an unquoted y, on or 8080 is invalid-field-type at its word, as the API server refuses it', () => {
  const built = buildYaml(
    pod(
      '    command: [run, on]\n    args: [y, "--port", 8080]\n    env: [{name: A, value: 1}, {name: B, value: "1"}]\n',
    ),
  );
  const said = built.diagnostics.filter((d) => d.code === 'invalid-field-type');
  assert.deepEqual(
    said.map((d) => `${d.source?.line}:${d.source?.column} ${d.message.split(':')[0]}`),
    [
      '8:20 spec.containers[0].command[1]',
      '9:12 spec.containers[0].args[0]',
      '9:25 spec.containers[0].args[2]',
      '10:21 spec.containers[0].env[0].value',
    ],
  );
  assert.match(said[0]!.message, /booleans to kubectl; quote the value as written/);
});

test('string words are not reported, however many there are', () => {
  const words = Array.from({ length: 2000 }, (_, i) => `w${i}`).join(', ');
  const built = buildYaml(pod(`    args: [${words}]\n`));
  assert.deepEqual(
    built.diagnostics.filter((d) => d.code === 'invalid-field-type'),
    [],
  );
});
