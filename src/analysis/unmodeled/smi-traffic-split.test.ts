/**
 * An SMI TrafficSplit (Linkerd's linkerd-smi extension, Open Service Mesh) sends a mesh client's requests for
 * spec.service to spec.backends by weight
 * (https://github.com/servicemeshinterface/smi-spec/blob/main/apis/traffic-split/v1alpha4/traffic-split.md).
 * kubetwin does not model it: a mesh route in its namespace is unknown, not "every endpoint of spec.service".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { meshRouteUnknowns } from './index.ts';

const split = `apiVersion: split.smi-spec.io/v1alpha2
kind: TrafficSplit
metadata: {name: backend-split, namespace: test}
spec:
  service: backend-a-podinfo
  backends: [{service: backend-a-podinfo, weight: 50}, {service: backend-b-podinfo, weight: 50}]
`;

test('rule smi-traffic-split-is-routing: a TrafficSplit makes a mesh route in its namespace unknown, not elsewhere', () => {
  const { model } = buildFromTexts([{ file: 'm.yaml', text: split }]);
  assert.deepEqual(
    meshRouteUnknowns(model, ['test']).map((u) => u.object),
    ['TrafficSplit.split.smi-spec.io/test/backend-split'],
  );
  assert.deepEqual(meshRouteUnknowns(model, ['other']), []);
});
