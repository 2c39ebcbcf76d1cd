import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHeapPercent, parseHeapRange, withParseHeap } from './_load-heap.ts';

/** Runs `withParseHeap` with a recorder for the flags it sets; returns them with what the parse saw set. */
function run(chars: number, execArgv: string[] = [], fail = false) {
  const set: string[] = [];
  let during: string[] = [];
  const parse = () => {
    during = [...set];
    if (fail) throw new Error('parse failed');
    return 'parsed';
  };
  let result: string | Error;
  try {
    result = withParseHeap(chars, parse, { execArgv, setFlags: (f) => set.push(f), heapUsed: () => 20e6 });
  } catch (e) {
    result = e as Error;
  }
  return { set, during, result };
}

const raised = (chars: number) => `--heap-growing-percent=${parseHeapPercent(chars, 20e6)}`;
const restored = '--heap-growing-percent=0';

test('withParseHeap raises the heap growing factor for the parse of a 4–24 MB input and restores the default after', () => {
  for (const chars of [parseHeapRange.min, 17_641_259, parseHeapRange.max]) {
    const { set, during, result } = run(chars);
    assert.equal(result, 'parsed');
    assert.deepEqual(during, [raised(chars)], `${chars}: raised while parsing`);
    assert.deepEqual(set, [raised(chars), restored], `${chars}: restored after`);
  }
});

test('withParseHeap leaves small and huge inputs to V8', () => {
  for (const chars of [0, 1_200_000, parseHeapRange.min - 1, parseHeapRange.max + 1, 49_000_000]) {
    const { set, result } = run(chars);
    assert.equal(result, 'parsed');
    assert.deepEqual(set, [], `${chars}`);
  }
});

test('withParseHeap restores the default when the parse throws', () => {
  const { set, result } = run(10_000_000, [], true);
  assert.ok(result instanceof Error);
  assert.deepEqual(set, [raised(10_000_000), restored]);
});

test('withParseHeap leaves the flag alone when node was started with it', () => {
  for (const arg of ['--heap-growing-percent=50', '--heap_growing_percent=50']) {
    const { set } = run(10_000_000, ['--max-semi-space-size=32', arg]);
    assert.deepEqual(set, [], arg);
  }
});

test('parseHeapPercent aims the limit at 24 bytes a character of input from the heap in use, within 2× and 51×', () => {
  // realistic 150k: 17.6M characters; 20 MB in use → factor 21.2, a limit of ~423 MB past the load's ~320 MB peak.
  assert.equal(parseHeapPercent(17_641_259, 20e6), 2017);
  assert.equal(parseHeapPercent(17_641_259, 10e6), 4134);
  assert.equal(parseHeapPercent(24_000_000, 1e6), 5000, 'at most 51×');
  assert.equal(parseHeapPercent(4_000_000, 90e6), 100, 'at least 2×');
});
