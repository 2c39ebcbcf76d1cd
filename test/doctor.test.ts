/**
 * Every doctor code has a fixture that triggers it (`testdata/doctor/<code>.bad.yaml`) and one that does not
 * (`<code>.good.yaml`, the corrected manifest).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { buildFromTexts } from '../src/api/index.ts';
import { doctorRules, runDoctor } from '../src/analysis/doctor/index.ts';

const codesFor = (file: string, invalidAllowed = false) => {
  const { model, diagnostics } = buildFromTexts([{ file, text: readFileSync(file, 'utf8') }]);
  if (!invalidAllowed)
    assert.deepEqual(
      diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
      [],
      `${file} is valid input`,
    );
  return runDoctor(model, { diagnostics }).map((f) => f.code);
};

for (const rule of doctorRules) {
  const name = rule.fixture ?? rule.code;
  const bad = `testdata/doctor/${name}.bad.yaml`;
  const good = `testdata/doctor/${name}.good.yaml`;
  const codes = rule.emits ?? [rule.code];
  const invalidAllowed = !!rule.emits;
  test(`doctor ${name}: triggered by ${bad}`, () => {
    assert.ok(existsSync(bad), `missing fixture ${bad}`);
    const found = codesFor(bad, invalidAllowed);
    for (const c of codes) assert.ok(found.includes(c), `expected ${c} in ${found.join(', ')}`);
  });
  test(`doctor ${name}: not triggered by the corrected ${good}`, () => {
    assert.ok(existsSync(good), `missing fixture ${good}`);
    const found = codesFor(good);
    for (const c of codes) assert.ok(!found.includes(c), `unexpected ${c}`);
  });
}

test('doctor findings point at the YAML line of the offending field', () => {
  const file = 'testdata/doctor/peer-selects-nothing.bad.yaml';
  const text = readFileSync(file, 'utf8');
  const { model } = buildFromTexts([{ file, text }]);
  const f = runDoctor(model).find((x) => x.code === 'peer-selects-nothing')!;
  const line =
    text.split('\n').findIndex((l) => l.includes('namespaceSelector: {matchLabels: {name: shop}}')) + 1;
  assert.equal(f.objects[0].source?.file, file);
  assert.equal(f.objects[0].source?.line, line);
  assert.match(f.patch ?? '', /kubernetes.io\/metadata.name: shop/);
});
