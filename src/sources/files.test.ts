import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInputs } from './files.ts';

const noStdin = async () => '';

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
