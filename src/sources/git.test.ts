/**
 * `--base git:REF`: manifests read at a ref through git, no checkout. A Helm chart or Kustomize folder at the ref is
 * read as plain files and said so (`input-not-rendered`), never rendered silently wrong.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInputsAtRef } from './git.ts';
import { tempDir } from '../../test/helpers/temp-dir.ts';

test('git base: a chart folder at the ref is read as plain manifests with input-not-rendered; the files are still read', async () => {
  const repo = tempDir('kubetwin-git-');
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

test('git base: every file is read at the ref through one cat-file batch, from a subfolder, byte for byte as git show gives it', async () => {
  const repo = tempDir('kubetwin-git-');
  const g = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], {
      cwd,
      encoding: 'utf8',
    });
  g(repo, 'init', '-q');
  const app = join(repo, 'app');
  mkdirSync(join(app, 'k8s', 'sub dir'), { recursive: true });
  const bodies: Record<string, string> = {
    'k8s/a.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n',
    'k8s/sub dir/b é.yml':
      'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n# ünïcode\n',
    'k8s/empty.json': '',
    'k8s/c.yaml': 'a: 1\n'.repeat(5000),
    'k8s/new\nline.yaml': 'b: 2\n',
  };
  for (const [f, text] of Object.entries(bodies)) writeFileSync(join(app, f), text);
  g(repo, 'add', '.');
  g(repo, 'commit', '-qm', 'base');
  // The working tree moves on: the ref's contents are read, not the files on disk.
  writeFileSync(join(app, 'k8s/a.yaml'), 'changed: true\n');
  const loaded = await loadInputsAtRef('HEAD', ['k8s'], app);
  assert.deepEqual(loaded.diagnostics, []);
  assert.deepEqual(
    loaded.texts.map((t) => t.file),
    Object.keys(bodies)
      .sort()
      .map((f) => `HEAD:${f}`),
  );
  for (const t of loaded.texts) {
    const f = t.file.slice('HEAD:'.length);
    assert.equal(t.text, bodies[f], f);
    assert.equal(t.text, g(app, 'show', `HEAD:./${f}`), f);
  }
});
