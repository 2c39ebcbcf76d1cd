import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInputs } from './files.ts';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\n`;
const noStdin = async () => '';

function tree(build: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubetwin-files-'));
  build(dir);
  return dir;
}

test('a symlinked manifest inside a -f directory is read, not skipped', async (t) => {
  const outside = tree((d) => writeFileSync(join(d, 'cm.yaml'), cm('linked')));
  const dir = tree((d) => symlinkSync(join(outside, 'cm.yaml'), join(d, 'link.yaml')));
  t.after(() => [dir, outside].forEach((d) => rmSync(d, { recursive: true })));
  const { texts, diagnostics } = await loadInputs([dir], noStdin);
  assert.deepEqual(
    texts.map((x) => x.text),
    [cm('linked')],
  );
  assert.deepEqual(diagnostics, []);
});

test('a symlinked directory is walked, and a file reached twice through links is read once', async (t) => {
  const outside = tree((d) => writeFileSync(join(d, 'cm.yaml'), cm('shared')));
  const dir = tree((d) => {
    symlinkSync(outside, join(d, 'a'));
    symlinkSync(outside, join(d, 'b'));
  });
  t.after(() => [dir, outside].forEach((d) => rmSync(d, { recursive: true })));
  const { texts } = await loadInputs([dir], noStdin);
  assert.deepEqual(
    texts.map((x) => x.file),
    [join(dir, 'a', 'cm.yaml')],
  );
});

test('a symlink loop is reported as input-symlink and not followed; the other files are read', async (t) => {
  const dir = tree((d) => {
    mkdirSync(join(d, 'sub'));
    writeFileSync(join(d, 'sub', 'cm.yaml'), cm('real'));
    symlinkSync(d, join(d, 'sub', 'up'));
    symlinkSync(join(d, 'self-b'), join(d, 'self-a.yaml'));
    symlinkSync(join(d, 'self-a.yaml'), join(d, 'self-b'));
  });
  t.after(() => rmSync(dir, { recursive: true }));
  const { texts, diagnostics } = await loadInputs([dir], noStdin);
  assert.deepEqual(
    texts.map((x) => x.text),
    [cm('real')],
  );
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.severity, d.source?.file]),
    [
      ['input-symlink', 'error', join(dir, 'self-a.yaml')],
      ['input-symlink', 'error', join(dir, 'self-b')],
      ['input-symlink', 'warning', join(dir, 'sub', 'up')],
    ],
  );
});

test('a dangling symlink to a manifest is an input-symlink error, never a silent skip', async (t) => {
  const dir = tree((d) => symlinkSync(join(d, 'gone.yaml'), join(d, 'dangling.yaml')));
  t.after(() => rmSync(dir, { recursive: true }));
  const { texts, diagnostics } = await loadInputs([dir], noStdin);
  assert.equal(texts.length, 0);
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.severity]),
    [['input-symlink', 'error']],
  );
  assert.match(diagnostics[0].message, /symlink to a missing file/);
});

test('a chart template named with -f is not parsed: the chart is reported with the helm template command', async () => {
  const chart = 'testdata/invalid/helm-chart-not-rendered';
  const { texts, diagnostics } = await loadInputs([join(chart, 'templates/deployment.yaml')], noStdin);
  assert.deepEqual(texts, []);
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.source?.file]),
    [['helm-chart-not-rendered', join(chart, 'Chart.yaml')]],
  );
  assert.match(
    diagnostics[0]!.hint ?? '',
    /^Render it and pipe it in: helm template shop testdata\/invalid\/helm-chart-not-rendered \| kubetwin/,
  );
});

test('Kustomize overlays: patches named by an overlay (even in another folder) are not read; base resources are read once', async () => {
  const root = mkdtempSync(join(tmpdir(), 'kubetwin-kustomize-'));
  try {
    const write = (path: string, text: string) => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write('base/kustomization.yaml', 'resources: [deployment.yaml]\n');
    write('base/deployment.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n');
    write(
      'overlays/prod/kustomization.yaml',
      'resources: [../../base]\npatches:\n  - path: ../../patches/replicas.yaml\n',
    );
    write(
      'patches/replicas.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 5}\n',
    );
    const { texts, diagnostics } = await loadInputs([root, join(root, 'base')], noStdin);
    assert.deepEqual(
      texts.map((t) => t.file.slice(root.length + 1)),
      ['base/deployment.yaml'],
    );
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['kustomization-not-built', 'kustomization-not-built'],
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
