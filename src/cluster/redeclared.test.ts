import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../api/index.ts';

const ns = (labels: string) =>
  `apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {${labels}}}\n`;

test('a Namespace declared in two files with the same content is a note, not an error (kubectl apply accepts it)', () => {
  const { model, diagnostics } = buildFromTexts([
    { file: 'a.yaml', text: ns('team: a') },
    { file: 'b.yaml', text: ns('team: a') },
  ]);
  const d = diagnostics.filter((x) => x.code === 'duplicate-object');
  assert.deepEqual(
    d.map((x) => [x.severity, x.source?.file]),
    [['info', 'b.yaml']],
  );
  assert.ok(!diagnostics.some((x) => x.severity === 'error'));
  assert.equal(model.namespaces.filter((n) => n.name === 'shop').length, 1);
});

test('a differing redeclaration is a warning naming both places and the fields; the last one wins, as kubectl apply', () => {
  const { model, diagnostics } = buildFromTexts([
    { file: 'a.yaml', text: ns('team: a') },
    { file: 'b.yaml', text: '# the platform team\n' + ns('team: b, tier: web') },
  ]);
  const d = diagnostics.find((x) => x.code === 'duplicate-object');
  assert.equal(d?.severity, 'warning');
  assert.equal(d?.source?.file, 'b.yaml');
  assert.match(
    d?.message ?? '',
    /Namespace\/shop .*different metadata\.labels: at a\.yaml:1 and here; this last one wins/,
  );
  assert.equal(model.namespaces.find((n) => n.name === 'shop')?.labels.team, 'b');
});

test('fields the API server writes (resourceVersion, uid, managedFields) and status do not make a redeclaration differ', () => {
  const dumped = `apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, uid: x-1, resourceVersion: "77", labels: {team: a}}\nstatus: {phase: Active}\n`;
  const { diagnostics } = buildFromTexts([
    { file: 'a.yaml', text: ns('team: a') },
    { file: 'dump.yaml', text: dumped },
  ]);
  assert.equal(diagnostics.find((x) => x.code === 'duplicate-object')?.severity, 'info');
});

test('a redeclaration the API server would refuse leaves the earlier declaration in place', () => {
  const { model } = buildFromTexts([
    { file: 'a.yaml', text: ns('team: a') },
    { file: 'b.yaml', text: ns('"team": "not valid!"') },
  ]);
  assert.equal(model.namespaces.find((n) => n.name === 'shop')?.labels.team, 'a');
});
