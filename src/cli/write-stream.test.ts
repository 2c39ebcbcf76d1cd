import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { writeStream } from './io.ts';

/**
 * Node's stream backpressure (https://nodejs.org/api/stream.html#event-drain): once `write` reports a full buffer,
 * a writer waits for 'drain'. A matrix answer at 30k random-label pods queued 2 GB before the first byte left.
 */
test('writeStream computes no further chunk while standard output has no room', async () => {
  const written: string[] = [];
  let pulled = 0;
  let release: (() => void) | undefined;
  function* chunks() {
    for (let i = 0; i < 3; i++) {
      pulled++;
      yield `chunk ${i}\n`;
    }
  }
  const io = {
    stdout: (s: string) => void written.push(s),
    // Full after every chunk until released.
    stdoutRoom: () => new Promise<void>((room) => (release = room)),
  };
  const done = writeStream(io, chunks());
  await new Promise((tick) => setImmediate(tick));
  assert.deepEqual([pulled, written], [1, ['chunk 0\n']]);
  release!();
  await new Promise((tick) => setImmediate(tick));
  assert.deepEqual([pulled, written.length], [2, 2]);
  release!();
  await new Promise((tick) => setImmediate(tick));
  release!();
  await done;
  assert.deepEqual(written, ['chunk 0\n', 'chunk 1\n', 'chunk 2\n']);
});

test('writeStream writes every chunk at once where output never fills', async () => {
  const written: string[] = [];
  await writeStream({ stdout: (s) => void written.push(s) }, ['a', 'b', 'c']);
  assert.deepEqual(written, ['a', 'b', 'c']);
});

test('a write error on standard output is one line and exit 3, not a stack trace', () => {
  const out = openSync('/dev/full', 'w');
  try {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'matrix', '-q', '-f', 'examples/e-commerce/fixed'],
      { stdio: ['ignore', out, 'pipe'], encoding: 'utf8' },
    );
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /^kubetwin: cannot write the answer to standard output: ENOSPC/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  } finally {
    closeSync(out);
  }
});
