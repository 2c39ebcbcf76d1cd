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
import { run } from './program.ts';
import { loadCluster } from './_common.ts';
import { onceEach } from './_reload.ts';
import { loadInputs } from '../sources/files.ts';
import { readCachedCluster } from '../sources/model-cache.ts';
import { buildFromTexts } from '../api/index.ts';
import { withLocatedWords } from '../cluster/index.ts';

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

test('model cache: the model is stored after the answer — no file while the output is written, the file after', async () => {
  const dir = tempDir('kubetwin-cache-');
  const models = () => readdirSync(dir).filter((f) => f.endsWith('.model'));
  let stdout = '';
  let filesWhenFlushed: string[] | undefined;
  const code = await run(['get', 'services', '-A', '-f', example, '--cache', dir], {
    stdout: (s) => (stdout += s),
    stderr: () => undefined,
    readStdin: async () => '',
    flushed: async () => void (filesWhenFlushed = models()),
  });
  assert.equal(code, 0);
  assert.match(stdout, /api-gateway/);
  assert.deepEqual(filesWhenFlushed, [], 'nothing stored before the answer was written');
  assert.equal(models().length, 1, 'stored once the command had answered');
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
    'no temporary file left',
  );
});

test('model cache: what a command stores after answering is the model as built, whatever the command read', async () => {
  const inputs = await loadInputs([example], async () => '');
  const built = buildFromTexts(inputs.texts, { namespace: 'default' });
  const expected = { ...built, model: withLocatedWords(built.model) };
  for (const args of [
    ...commands,
    ['doctor', '-A'],
    ['trace', '--flows', 'examples/e-commerce/flows.yaml'],
  ]) {
    const dir = tempDir('kubetwin-cache-');
    const r = await runCli([...args, '-f', example, '--cache', dir]);
    assert.doesNotMatch(r.stderr, /cache-not-written/, `${args[0]}: stored`);
    const [file] = readdirSync(dir).filter((f) => f.endsWith('.model'));
    const stored = await readCachedCluster(dir, file.replace(/\.model$/, ''));
    assert.deepStrictEqual(stored, expected, `${args[0]}: the stored model`);
  }
});

test('model cache: servers and watches (their io through onceEach) store at once, not after an answer they never end', async () => {
  const dir = tempDir('kubetwin-cache-');
  const deferred: unknown[] = [];
  const io = onceEach({
    stderr: () => undefined,
    readStdin: async () => '',
    afterAnswer: (task: () => Promise<void>) => void deferred.push(task),
  });
  const loaded = await loadCluster({ file: [example], namespace: 'default', cache: dir }, io);
  assert.notEqual(typeof loaded, 'number');
  assert.deepEqual(deferred, [], 'nothing left for later');
  assert.equal(
    readdirSync(dir).filter((f) => f.endsWith('.model')).length,
    1,
    'stored before loadCluster returned',
  );
});
