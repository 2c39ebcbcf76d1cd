/**
 * `--cache DIR`: a second run over the same inputs reads the built model back instead of building it, and every
 * answer is byte-identical to the uncached run; a changed input, a corrupt file and an unwritable directory are
 * misses or warnings, never wrong answers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './_test-run.ts';
import { tempDir } from '../../test/helpers/temp-dir.ts';

const example = 'examples/e-commerce/fixed';
const commands = [
  ['report', '--flows', 'examples/e-commerce/flows.yaml', '--at', '2026-11-01T00:00:00Z'],
  ['matrix', '-A'],
  ['get', 'all', '-A', '-o', 'wide'],
  ['reach', '--from', 'internet', '--to', 'service:shop/api-gateway', '--port', '8000'],
];

test('model cache: a cached run answers byte for byte as an uncached one, and reads the stored model', async () => {
  const dir = tempDir('kubetwin-cache-');
  for (const args of commands) {
    const plain = await runCli([...args, '-f', example]);
    const cold = await runCli([...args, '-f', example, '--cache', dir]);
    const warm = await runCli([...args, '-f', example, '--cache', dir]);
    assert.deepEqual(cold, plain, `${args[0]}: first cached run`);
    assert.deepEqual(warm, plain, `${args[0]}: run from the cache`);
  }
  // One model for one set of inputs and options, whichever command asked.
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.model')).length, 1);
});

test('model cache: a changed input is a new key; a corrupt stored model is a miss, not an error', async () => {
  const dir = tempDir('kubetwin-cache-');
  const input = tempDir('kubetwin-input-');
  cpSync(example, input, { recursive: true });
  const args = ['get', 'services', '-A', '-f', input, '--cache', dir];
  const before = await runCli(args);
  const file = join(
    input,
    readdirSync(input).find((f) => f.endsWith('.yaml') && f !== 'kubetwin.yaml')!,
  );
  writeFileSync(
    file,
    readFileSync(file, 'utf8') +
      '\n---\napiVersion: v1\nkind: Service\nmetadata: {name: added, namespace: shop}\nspec: {ports: [{port: 81}]}\n',
  );
  const after = await runCli(args);
  assert.ok(!before.stdout.includes('added') && after.stdout.includes('added'), 'the edit is seen');
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.model')).length, 2);
  for (const f of readdirSync(dir)) writeFileSync(join(dir, f), 'not a model');
  assert.deepEqual(await runCli(args), after);
});

test('model cache: a directory that cannot be written is a warning, and the answer is still given', async () => {
  const blocker = join(tempDir('kubetwin-cache-'), 'file');
  writeFileSync(blocker, 'a file where the cache directory should be');
  const r = await runCli(['get', 'services', '-A', '-f', example, '--cache', join(blocker, 'sub')]);
  assert.match(r.stderr, /warning cache-not-written/);
  assert.match(r.stdout, /api-gateway/);
});
