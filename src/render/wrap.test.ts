import { test } from 'node:test';
import assert from 'node:assert/strict';
import { textWidth, wrapText } from './wrap.ts';

test('text wraps to the width at spaces, continuation lines indented, nothing cut', () => {
  const text =
    'ingress denied at shop/carts: the rule meant to admit it, cart-access ingress[0] (shop.yaml:48) admits shop/orders on 80/TCP';
  const lines = wrapText(`   why: ${text}`, 40, '        ');
  assert.ok(
    lines.every((l) => l.length <= 40),
    lines.join('\n'),
  );
  assert.equal(lines.map((l) => l.trim()).join(' '), `why: ${text}`);
  assert.ok(lines[0].startsWith('   why: '));
  assert.ok(lines.slice(1).every((l) => l.startsWith('        ')));
});

test('a word longer than the width stays whole on its own line', () => {
  const long = 'x'.repeat(60);
  assert.deepEqual(wrapText(`a ${long} b`, 20), ['a', long, 'b']);
});

test('width: COLUMNS when set, else the terminal, else 100 when not a terminal', () => {
  assert.equal(textWidth({ COLUMNS: '132' }, 80), 132);
  assert.equal(textWidth({}, 80), 80);
  assert.equal(textWidth({}, undefined), 100);
  assert.equal(textWidth({ COLUMNS: 'wide' }, undefined), 100);
});
