/**
 * A malformed `tests:` entry is an input error (`invalid-test` at file:line:col, exit 2) and an `invalid` result that
 * was not run — and the well-formed entries beside it are still evaluated and reported. A typo in one entry used to
 * hide every other answer in the file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { parseManifests } from '../../parse/index.ts';
import { runTests } from './index.ts';
import { renderJunit } from '../../render/junit.ts';
import { renderTestText } from '../../render/test-text.ts';

const cluster = `apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x, labels: {app: a}}
spec: {containers: [{name: c, image: i, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: x}
spec: {containers: [{name: c, image: i}]}
`;

const file = `tests:
  - name: b reaches a
    reach: {from: x/b, to: x/a, port: 80}
    expect: allowed
  - name: typo
    reach: {from: x/b, to: x/a, prot: 80}
    expect: allowed
  - name: b reaches a
    reach: {from: x/b, to: x/a, port: 80}
    expect: allowed
  - name: wrong
    reach: {from: x/b, to: x/a, port: 80}
    expect: denied
`;

test('test file with malformed entries: each is an invalid result and an error; the others still run', () => {
  const { model } = buildYaml(cluster);
  const docs = parseManifests([{ file: 't.yaml', text: file }]).objects;
  const report = runTests(model, docs);
  assert.deepEqual(
    report.results.map((r) => [r.name, r.key, r.status]),
    [
      ['b reaches a', 'reach', 'passed'],
      ['typo', 'reach', 'invalid'],
      ['b reaches a', 'reach', 'invalid'],
      ['wrong', 'reach', 'failed'],
    ],
  );
  assert.deepEqual([report.passed, report.failed, report.invalid], [1, 1, 2]);
  assert.deepEqual(
    report.problems.map((p) => `${p.source?.line}:${p.source?.column} ${p.message}`),
    [
      '6:33 test "typo": reach.prot is not a field (from, to, port, protocol, http)',
      '8:5 test name "b reaches a" is used twice',
    ],
  );
  const text = renderTestText(report);
  assert.match(text, /^ERR {3}typo — not run: reach\.prot is not a field .*\(t\.yaml:5:5\)$/m);
  assert.match(text, /1 passed, 1 failed, 2 invalid \(not run: see the errors\)/);
  assert.match(
    renderJunit(report),
    /failures="1" errors="2"[^]*<error message="not run: reach\.prot is not a field/,
  );
});
