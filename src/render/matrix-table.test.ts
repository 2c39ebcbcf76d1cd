import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeMatrix, matrixEntries } from '../analysis/matrix/index.ts';
import { engineFor, e2eTopology, np } from '../analysis/policy/_test-helpers.ts';
import { renderMatrixJson } from './matrix-table.ts';

const engine = engineFor(
  e2eTopology(
    np('deny-x', 'x', '  podSelector: {}\n  ingress: [{from: [{podSelector: {matchLabels: {pod: b}}}]}]'),
  ),
);

test('matrix JSON written entry by entry is the document JSON.stringify(…, null, 2) writes', () => {
  for (const denied of [false, true])
    for (const namespaces of [['x', 'y'], ['nowhere']]) {
      const m = computeMatrix(engine, { by: 'pod', namespaces, ports: [{ port: 80, protocol: 'TCP' }] });
      const whole = {
        by: m.by,
        groups: m.groups,
        entries: matrixEntries(m, { denied }).map((e) => ({ ...e, allowed: e.allowedPairs === e.pairs })),
        warnings: m.warnings,
      };
      assert.equal([...renderMatrixJson(m, { denied })].join(''), JSON.stringify(whole, null, 2) + '\n');
    }
});
