import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { parseManifests } from '../../parse/index.ts';
import { handlers } from './index.ts';
import { runAssertions } from './_runner.ts';

test('an entry kind of the contract without a handler is reported as unsupported, never passed or failed', () => {
  const { model } = buildFromTexts([
    {
      file: 'm.yaml',
      text: 'apiVersion: v1\nkind: Pod\nmetadata: {name: a, labels: {app: a}}\nspec: {containers: [{name: c, ports: [{containerPort: 80}]}]}\n',
    },
  ]);
  const docs = parseManifests([
    {
      file: 't.yaml',
      text: 'tests:\n  - name: future\n    latency: {from: default/a, to: default/a, maxMs: 5}\n    expect: ok\n  - name: reach\n    reach: {from: default/a, to: default/a, port: 80}\n    expect: allowed\n',
    },
  ]).objects;
  const report = runAssertions(model, docs, {
    handlers,
    planned: { latency: 'latency budgets are not built yet' },
  });
  assert.equal(report.problems.length, 0);
  assert.deepEqual([report.passed, report.failed, report.unsupported], [1, 0, 1]);
});
