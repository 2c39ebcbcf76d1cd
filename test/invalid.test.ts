/**
 * Negative fixtures: each `testdata/invalid/<code>.yaml` names in its header the diagnostic codes it must
 * produce (`# expect:`), the objects that must still be built despite them (`# keeps:`), and optionally a
 * cluster profile (`# profile:` lines). Every code the builder can emit has a fixture (checked below).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFromTexts } from '../src/api/index.ts';

const dir = 'testdata/invalid';
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

for (const name of files) {
  const path = join(dir, name);
  const text = readFileSync(path, 'utf8');
  const header = (tag: string) => [...text.matchAll(new RegExp(`^# ${tag}: ?(.*)$`, 'gm'))].map((m) => m[1]);
  const profileText = header('profile').join('\n');
  test(`invalid input ${name}: reports ${header('expect').join(', ')} at the YAML line and still builds the rest`, () => {
    const { model, diagnostics } = buildFromTexts([{ file: path, text }], {
      profile: profileText ? { file: 'profile.yaml', text: profileText } : undefined,
    });
    for (const code of header('expect')) {
      const hit = diagnostics.find((d) => d.code === code);
      assert.ok(hit, `expected ${code}, got ${diagnostics.map((d) => d.code).join(', ')}`);
      assert.ok(hit.source && hit.source.line >= 1, `${code} has a position`);
      assert.ok(
        hit.source.file === path || hit.source.file === 'profile.yaml',
        `${code} points at the input file`,
      );
    }
    const keys = new Set<string>(
      [
        ...model.namespaces,
        ...model.nodes,
        ...model.workloads,
        ...model.pods,
        ...model.services,
        ...model.networkPolicies,
        ...model.others,
      ].map((o) => o.key),
    );
    for (const key of header('keeps')) assert.ok(keys.has(key), `${key} is still in the model`);
  });
}

test('every diagnostic code the parser and builder emit has a negative fixture', () => {
  const sources = ['src/parse', 'src/build', 'src/api'].flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => readFileSync(join(d, f), 'utf8')),
  );
  const emitted = new Set<string>();
  for (const src of sources) {
    for (const m of src.matchAll(/code: '([a-z0-9-]+)'/g)) emitted.add(m[1]);
    for (const m of src.matchAll(/report\(\s*'([a-z0-9-]+)'/g)) emitted.add(m[1]);
    for (const m of src.matchAll(/reject\(d, \[[^\]]*\], '([a-z0-9-]+)'/g)) emitted.add(m[1]);
  }
  const covered = new Set(files.map((f) => f.replace(/\.yaml$/, '')));
  const missing = [...emitted].filter((c) => !covered.has(c)).sort();
  assert.deepEqual(missing, []);
});
