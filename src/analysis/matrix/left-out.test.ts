import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { PolicyEngine } from '../policy/index.ts';
import { computeMatrix } from './index.ts';

const pendingNs = (name: string) => `---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ${name}}
spec: {containers: [{name: c, image: x}]}
status: {phase: Pending}
`;

test('a matrix that leaves pods out says how many and which groups disappear with them', () => {
  const { model } = buildYaml(pendingNs('a') + pendingNs('b'));
  const m = computeMatrix(new PolicyEngine(model), { by: 'namespace' });
  assert.deepEqual(
    m.warnings.filter((w) => w.includes('left out')),
    [
      '2 pod(s) without an IP (Pending or finished) are left out, and with them 2 namespace(s) that have no pod with an IP: a, b',
    ],
  );
  const all = computeMatrix(new PolicyEngine(buildYaml('').model), { by: 'namespace' });
  assert.deepEqual(
    all.warnings.filter((w) => w.includes('left out')),
    [],
  );
});
