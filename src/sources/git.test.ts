/**
 * `--base git:REF`: manifests read at a ref through git, no checkout. A Helm chart or Kustomize folder at the ref is
 * read as plain files and said so (`input-not-rendered`), never rendered silently wrong.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInputsAtRef } from './git.ts';

test('git base: a chart folder at the ref is read as plain manifests with input-not-rendered; the files are still read', async () => {
  const repo = mkdtempSync(join(tmpdir(), 'kubetwin-git-'));
  const g = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo });
  g('init', '-q');
  mkdirSync(join(repo, 'chart'));
  writeFileSync(join(repo, 'chart', 'Chart.yaml'), 'apiVersion: v2\nname: shop\nversion: 0.1.0\n');
  writeFileSync(
    join(repo, 'chart', 'svc.yaml'),
    'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n',
  );
  g('add', '.');
  g('commit', '-qm', 'base');
  const loaded = await loadInputsAtRef('HEAD', ['chart'], repo);
  assert.deepEqual(
    loaded.diagnostics.map((d) => d.code),
    ['input-not-rendered'],
  );
  assert.ok(loaded.texts.some((t) => t.file === 'HEAD:chart/svc.yaml'));
});
