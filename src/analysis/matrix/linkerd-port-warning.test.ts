/**
 * The matrix's Linkerd warning: a meshed connection may arrive on the proxy's inbound port 4143 (opaque transport),
 * so a destination whose NetworkPolicies admit its application port and 4143 differently has cells that may be
 * wrong (https://linkerd.io/2.15/features/protocol-detection/#using-networkpolicy-resources-with-opaque-ports).
 * Its policies are asked once per class of pods, however many replicas the class has.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { PolicyEngine } from '../policy/index.ts';
import { computeMatrix } from './index.ts';

const dir = 'testdata/scenarios/mesh-linkerd-emojivoto-opaque';
const read = (f: string) => readFileSync(`${dir}/${f}`, 'utf8');

/** The warnings of `matrix -n emojivoto` on Emojivoto with `replicas` pods of each Deployment, and the policy questions asked. */
function warn(policy: string, replicas: number) {
  const apps = read('input/emojivoto.yaml').replace(
    /(metadata: \{name: [a-z-]+, namespace: emojivoto\}\nspec:\n)( {2}selector)/g,
    `$1  replicas: ${replicas}\n$2`,
  );
  const { model } = buildFromTexts(
    [
      { file: 'emojivoto.yaml', text: apps },
      { file: 'policy.yaml', text: read(`variants/${policy}`) },
    ],
    { profile: { file: 'kubetwin.yaml', text: read('input/kubetwin.yaml') } },
  );
  assert.equal(model.pods.filter((p) => p.labels.app === 'voting-svc').length, replicas);
  const engine = new PolicyEngine(model);
  let asked = 0;
  const { isolating, isolatedBy } = engine;
  engine.isolating = (...a) => (asked++, isolating.apply(engine, a));
  engine.isolatedBy = (...a) => (asked++, isolatedBy.apply(engine, a));
  const m = computeMatrix(engine, { by: 'workload', namespaces: ['emojivoto'] });
  asked = 0;
  const warnings = m.warnings.filter((w) => w.includes('inbound port 4143'));
  return { warnings, asked };
}

test('rule linkerd-matrix-port-warning: a policy admitting 8080 but not 4143 names its meshed destination, and the policies are asked once per class, not per replica', () => {
  const one = warn('networkpolicy-voting-8080.yaml', 1);
  assert.equal(one.warnings.length, 1);
  assert.match(one.warnings[0], /1 meshed destination\(s\) .*\(emojivoto\/voting\)/);
  const five = warn('networkpolicy-voting-8080.yaml', 5);
  assert.deepEqual(five.warnings, one.warnings);
  assert.equal(five.asked, one.asked, 'four more replicas of each workload ask the same questions');
});

test('rule linkerd-matrix-port-warning: a policy admitting every port admits 4143 alike: no warning', () => {
  assert.deepEqual(warn('networkpolicy-voting-any-port.yaml', 3).warnings, []);
});
