/**
 * The model cache's encoding (`_model-codec.ts`): every built model reads back deep-equal, with the same objects
 * shared where the model shares them; edge values round-trip; what it cannot store is refused, and a damaged
 * token stream is an error, never a different value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeValue, encodeValue } from './_model-codec.ts';
import { loadInputs } from './files.ts';
import { buildFromTexts } from '../api/index.ts';
import { withLocatedWords } from '../cluster/index.ts';
import { generateBodies } from '../../bench/generate.ts';
import { stringify } from 'yaml';

const roundTrip = (v: unknown) => decodeValue(encodeValue(v));

/** Walks `a` and `b` together: where `a` reaches an object it reached before, `b` must reach the same one. */
function assertSameSharing(a: unknown, b: unknown): void {
  const seen = new Map<object, unknown>();
  const walk = (x: unknown, y: unknown, path: string): void => {
    if (typeof x !== 'object' || x === null) return;
    if (seen.has(x)) {
      assert.equal(seen.get(x), y, `${path}: shared in the model, not when read back`);
      return;
    }
    seen.set(x, y);
    for (const k of Object.keys(x)) walk((x as never)[k], (y as never)[k], `${path}.${k}`);
  };
  walk(a, b, '$');
}

function modelDirs(): string[] {
  const dirs: string[] = [];
  const scan = (dir: string, depth: number) => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (!statSync(p).isDirectory()) continue;
      if (readdirSync(p).some((f) => /\.ya?ml$/.test(f))) dirs.push(p);
      if (depth > 0) scan(p, depth - 1);
    }
  };
  scan('examples', 1);
  scan('testdata/scenarios', 1);
  return dirs;
}

test('model codec: every example and scenario model reads back deep-equal, sharing what it shared', async () => {
  const dirs = modelDirs();
  assert.ok(dirs.length > 50, `found ${dirs.length} input folders`);
  for (const dir of dirs) {
    const inputs = await loadInputs([dir], () => Promise.resolve(''));
    const built = buildFromTexts(inputs.texts);
    const value = { ...built, model: withLocatedWords(built.model) };
    const back = roundTrip(value);
    assert.deepStrictEqual(back, value, dir);
    assert.equal(JSON.stringify(back), JSON.stringify(value), `${dir}: key order`);
    assertSameSharing(value, back);
  }
});

test('model codec: a generated cluster model reads back deep-equal, its replicas sharing their labels', () => {
  const texts = [
    {
      file: 'c.yaml',
      text: generateBodies({ family: 'realistic', pods: 3000 })
        .map((b) => stringify(b))
        .join('---\n'),
    },
  ];
  const built = buildFromTexts(texts);
  const back = roundTrip(built) as typeof built;
  assert.deepStrictEqual(back, built);
  assertSameSharing(built, back);
  const [a, b] = built.model.pods.filter((p) => p.owner === built.model.pods[0].owner);
  assert.equal(a.labels, b.labels, 'the model shares a workload labels object between its pods');
  const [x, y] = back.model.pods.filter((p) => p.owner === back.model.pods[0].owner);
  assert.equal(x.labels, y.labels, 'and so does the model read back');
});

test('model codec: numbers, strings, undefined values, key order and own __proto__ keys round-trip', () => {
  const weird = JSON.parse('{"__proto__": {"x": 1}, "b": 2}') as Record<string, unknown>;
  const value = {
    numbers: [
      0,
      -0,
      1,
      -1,
      2 ** 27 - 1,
      2 ** 27,
      -(2 ** 27),
      -(2 ** 27) - 1,
      2 ** 53,
      0.1,
      -1.5e-300,
      NaN,
      Infinity,
      -Infinity,
    ],
    strings: ['', 'a', 'ü', '"quoted"', 'line\nbreak', '\u2028', '\\'],
    undefinedValue: undefined,
    nothing: null,
    flags: [true, false],
    order: { z: 1, 10: 'ten', a: 2, 2: 'two', 'b"c': 3, '\u2028': 4 },
    weird,
    empty: [{}, []],
    nested: [[[1]], { a: { b: { c: [] } } }],
  };
  const back = roundTrip(value) as typeof value;
  assert.deepStrictEqual(back, value);
  assert.ok(Object.is(back.numbers[1], -0));
  assert.deepEqual(Object.keys(back.order), Object.keys(value.order));
  assert.ok('undefinedValue' in back);
  const w = back.weird;
  assert.equal(Object.getPrototypeOf(w), Object.prototype, 'an own __proto__ key does not set the prototype');
  assert.deepEqual(Object.getOwnPropertyDescriptor(w, '__proto__')?.value, { x: 1 });
  assert.deepEqual(Object.keys(w), ['__proto__', 'b']);
});

test('model codec: what it cannot store is refused with its path, not stored as something else', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = { back: cyclic };
  const cases: [unknown, RegExp][] = [
    [{ a: [1, () => 1] }, /\$\.a\[1\] is a function/],
    [{ m: new Map() }, /\$\.m is not plain data/],
    [{ d: new Date(0) }, /\$\.d is not plain data/],
    [{ n: Object.create(null) as object }, /\$\.n is not plain data/],
    [{ b: 1n }, /\$\.b is a bigint/],
    [{ s: Symbol('s') }, /\$\.s is a symbol/],
    [{ k: { [Symbol('k')]: 1 } }, /\$\.k is not plain data/],
    // eslint-disable-next-line no-sparse-arrays -- a hole, on purpose
    [{ h: [1, , 3] }, /\$\.h\[1\] is a hole/],
    [cyclic, /\$\.self\.back holds itself/],
  ];
  for (const [value, message] of cases) assert.throws(() => encodeValue(value), message);
});

test("model codec: a non-enumerable symbol-keyed property (a reader's mark, as the policy engine's pod slot) is left out", () => {
  const pod = { name: 'a' };
  Object.defineProperty(pod, Symbol('slot'), { value: { list: [pod] }, writable: true });
  const back = decodeValue(encodeValue({ pods: [pod] })) as { pods: object[] };
  assert.deepStrictEqual(back, { pods: [{ name: 'a' }] });
  assert.equal(Object.getOwnPropertySymbols(back.pods[0]).length, 0);
});

test('model codec: damaged tokens are an error, never a different value', () => {
  const good = encodeValue({ a: ['x', 'y'], b: { c: 1.5 } });
  const damaged = (edit: (t: Int32Array) => Int32Array) => ({ ...good, tokens: edit(good.tokens.slice()) });
  assert.throws(() => decodeValue(damaged((t) => t.subarray(0, t.length - 1))), /truncated/);
  assert.throws(() => decodeValue(damaged((t) => Int32Array.from([...t, 0]))), /left over/);
  assert.throws(
    () => decodeValue(damaged((t) => t.map((x) => ((x & 15) === 6 ? (99 << 4) | 6 : x)))),
    /out of range/,
  );
  assert.throws(
    () => decodeValue(damaged((t) => t.map((x) => ((x & 15) === 5 ? (7 << 4) | 5 : x)))),
    /out of range/,
  );
  assert.throws(
    () => decodeValue(damaged((t) => t.map((x) => ((x & 15) === 8 ? (42 << 4) | 8 : x)))),
    /out of range/,
  );
  assert.throws(() => decodeValue(damaged((t) => t.map((x, i) => (i === 0 ? 15 : x)))), /unknown token/);
  assert.throws(
    () => decodeValue(damaged((t) => t.map((x, i) => (i === 0 ? (9 << 4) | 9 : x)))),
    /out of range/,
  );
});
