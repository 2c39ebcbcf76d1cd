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
import { loadInputs } from '../src/sources/files.ts';

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

/**
 * Folder fixtures, for what only a folder shows (a Helm chart, a Kustomize folder): `testdata/invalid/<code>/`
 * is read as `-f` reads a directory; its `fixture.txt` holds the `# expect:`, `# absent:` and `# keeps:` lines, and `# inputs:` (paths in the
 * folder) when `-f` is not the folder itself.
 */
const folders = readdirSync(dir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

for (const name of folders) {
  const path = join(dir, name);
  const text = readFileSync(join(path, 'fixture.txt'), 'utf8');
  const header = (tag: string) =>
    [...text.matchAll(new RegExp(`^# ${tag}: ?(.*)$`, 'gm'))].flatMap((m) => m[1].split(/,\s*/));
  test(`invalid input folder ${name}/: reports ${header('expect').join(', ')} and reads the rest`, async () => {
    const given = header('inputs').map((p) => join(path, p));
    const inputs = await loadInputs(given.length ? given : [path], async () => '');
    const built = buildFromTexts(inputs.texts);
    const diagnostics = [...inputs.diagnostics, ...built.diagnostics];
    for (const code of header('expect')) {
      const hit = diagnostics.find((d) => d.code === code);
      assert.ok(hit, `expected ${code}, got ${diagnostics.map((d) => d.code).join(', ')}`);
      assert.ok(hit.source?.file.startsWith(path), `${code} points into the fixture`);
    }
    for (const code of header('absent'))
      assert.deepEqual(
        diagnostics.filter((d) => d.code === code).map((d) => `${d.source?.file}: ${d.message}`),
        [],
      );
    const keys = new Set<string>(
      [...built.model.workloads, ...built.model.services, ...built.model.others].map((o) => o.key),
    );
    for (const key of header('keeps')) assert.ok(keys.has(key), `${key} is in the model`);
  });
}

test('every diagnostic code the parser and builder emit has a negative fixture', () => {
  const sources = ['src/parse', 'src/cluster', 'src/api', 'src/sources'].flatMap((d) =>
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
  // Codes only a git repository can show are covered by the test that builds one (named here, checked to exist).
  const coveredByTests: Record<string, string> = { 'input-not-rendered': 'src/sources/git.test.ts' };
  for (const [code, file] of Object.entries(coveredByTests))
    assert.match(readFileSync(file, 'utf8'), new RegExp(code), `${file} tests ${code}`);
  const covered = new Set([
    ...files.map((f) => f.replace(/\.yaml$/, '')),
    ...folders,
    ...Object.keys(coveredByTests),
  ]);
  const missing = [...emitted].filter((c) => !covered.has(c)).sort();
  assert.deepEqual(missing, []);
});
