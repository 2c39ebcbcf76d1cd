import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../src/cli/program.ts';

async function capture(args: string[]): Promise<string> {
  let out = '';
  await run(args, { stdout: (s) => (out += s), stderr: (s) => (out += s), readStdin: async () => '' });
  return out;
}

test('same input, byte-identical output: get all -o json on the e-commerce example, twice', async () => {
  const args = ['get', 'all', '-f', 'examples/e-commerce/as-documented', '-A', '-o', 'json'];
  const first = await capture(args);
  assert.ok(first.length > 10000);
  assert.equal(await capture(args), first);
});
