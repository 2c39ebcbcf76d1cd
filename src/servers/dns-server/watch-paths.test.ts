/**
 * `watchPaths` (the --watch of serve dns, serve gateway and ui): a watched file replaced by a rename — how editors and
 * `sed -i` save — keeps being watched, every save is seen, and other files of its directory are not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchPaths } from './index.ts';

const settle = () => new Promise((r) => setTimeout(r, 250));

test('rule watch-file-replaced-by-rename: each save that renames a new file over the watched one is seen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubetwin-watch-'));
  const file = join(dir, 'in.yaml');
  writeFileSync(file, 'a: 1\n');
  let changes = 0;
  const w = watchPaths([file], () => changes++, 20);
  try {
    for (let i = 2; i <= 4; i++) {
      writeFileSync(join(dir, `.in.yaml.tmp${i}`), `a: ${i}\n`);
      renameSync(join(dir, `.in.yaml.tmp${i}`), file);
      await settle();
      assert.equal(changes, i - 1, `save ${i - 1} (a rename over the file) is seen`);
    }
    writeFileSync(join(dir, 'other.yaml'), 'b: 1\n');
    await settle();
    assert.equal(changes, 3, 'another file of the directory is not the watched one');
  } finally {
    w.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
