import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameWithoutPositions as same } from './_same.ts';
import { sideFrom, shop } from './_fixture.ts';

const at = (file: string, line: number) => ({ file, doc: 0, line, column: 3 });

test('policies read from other files and lines are the same: positions decide no verdict', () => {
  const p = {
    key: 'NetworkPolicy/shop/api',
    source: at('a.yaml', 1),
    ingress: [{ index: 0, source: at('a.yaml', 4) }],
  };
  const q = {
    key: 'NetworkPolicy/shop/api',
    source: at('base/a.yaml', 9),
    ingress: [{ index: 0, source: at('b', 2) }],
  };
  assert.ok(same(p, q));
  assert.ok(same({ a: 1, source: at('x', 1) }, { a: 1 }), 'a position on one side only');
  assert.ok(same({ a: 1, b: undefined }, { a: 1 }), 'undefined is absent, as JSON writes it');
  assert.ok(same({ a: 1, b: 2 }, { b: 2, a: 1 }), 'key order is not data');
});

test('anything else that differs is a difference: a port, a peer, an array length, a source that is not a position', () => {
  assert.ok(!same({ ports: [{ port: 80 }] }, { ports: [{ port: 81 }] }));
  assert.ok(!same({ peers: [1, 2] }, { peers: [1] }));
  assert.ok(!same({ peers: [] }, { peers: {} }));
  assert.ok(
    !same(
      { source: { file: 'a', doc: 0, line: 1, column: 1, extra: 1 } },
      { source: { file: 'a', doc: 0, line: 1, column: 1 } },
    ),
  );
  assert.ok(!same({ source: 'a' }, {}));
  assert.ok(!same({ a: null }, { a: 0 }));
  assert.ok(!same({ m: new Date(0) }, { m: new Date(1) }));
});

test('the same manifests read twice give policies that are the same, positions aside; an edited port does not', () => {
  const a = sideFrom(shop).analysed.model.networkPolicies;
  const moved = Object.fromEntries(Object.entries(shop).map(([f, t]) => [`base/${f}`, `\n\n${t}`]));
  const b = sideFrom(moved).analysed.model.networkPolicies;
  assert.ok(a.length > 0 && a.length === b.length);
  a.forEach((p, i) => assert.ok(same(p, b[i]), p.key));
  const edited = sideFrom({
    ...shop,
    'policies.yaml': shop['policies.yaml'].replace('- port: 8000', '- port: 8001'),
  });
  const c = edited.analysed.model.networkPolicies;
  assert.ok(a.some((p, i) => !same(p, c[i])));
});
