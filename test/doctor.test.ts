/**
 * Every doctor code has a fixture that triggers it (`testdata/doctor/<code>.bad.yaml`) and one that does not
 * (`<code>.good.yaml`, the corrected manifest).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { buildFromTexts } from '../src/api/index.ts';
import { doctorRules, runDoctor } from '../src/analysis/doctor/index.ts';

const codesFor = (file: string) => {
  const { model, diagnostics } = buildFromTexts([{ file, text: readFileSync(file, 'utf8') }]);
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
    `${file} is valid input`,
  );
  return runDoctor(model).map((f) => f.code);
};

for (const rule of doctorRules) {
  const bad = `testdata/doctor/${rule.code}.bad.yaml`;
  const good = `testdata/doctor/${rule.code}.good.yaml`;
  test(`doctor ${rule.code}: triggered by ${bad}`, () => {
    assert.ok(existsSync(bad), `missing fixture ${bad}`);
    assert.ok(codesFor(bad).includes(rule.code));
  });
  test(`doctor ${rule.code}: not triggered by the corrected ${good}`, () => {
    assert.ok(existsSync(good), `missing fixture ${good}`);
    assert.ok(!codesFor(good).includes(rule.code), `unexpected ${rule.code}`);
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
