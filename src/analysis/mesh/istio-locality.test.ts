/**
 * Istio's locality load balancing (on by default; needs outlier detection, or `localityLbSetting`): the sidecar
 * prefers endpoints in its own zone while they are healthy, so with endpoints in several zones which of them take a
 * request is not decided by the route — the answer lists them all and says so (trace: unknown).
 * https://istio.io/latest/docs/tasks/traffic-management/locality-load-balancing/failover/
 * The answer listed every endpoint as taking the request, with nothing said.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { clientPod, compileMesh, type MeshDecision } from './index.ts';
import { routingFixture } from '../../../test/helpers/istio-routing.ts';

const nodes = ['a', 'b', 'c']
  .map(
    (z, i) => `---
apiVersion: v1
kind: Node
metadata: {name: node-${i + 1}, labels: {topology.kubernetes.io/zone: zone-${z}}}
status: {addresses: [{type: InternalIP, address: 10.0.0.${i + 11}}]}
`,
  )
  .join('');

function routeWith(dr: string): MeshDecision {
  const text = routingFixture.text.replace(
    '  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}\n',
    `  trafficPolicy: ${dr}\n`,
  );
  const { model } = buildFromTexts(
    [
      { file: 'app.yaml', text },
      { file: 'nodes.yaml', text: nodes },
    ],
    { profile: routingFixture.profile },
  );
  const pod = clientPod(model, 'shop/web');
  assert.ok(typeof pod !== 'string', String(pod));
  const d = compileMesh(model).route(
    {
      scheme: 'http',
      host: 'backend',
      port: 80,
      path: '/',
      query: [],
      method: 'GET',
      headers: { host: 'backend' },
    },
    pod,
  );
  assert.ok(typeof d !== 'string', String(d));
  return d as MeshDecision;
}

test('istio-locality-load-balancing: outlierDetection with endpoints in several zones is named; unknown when the client zone holds only some workloads', () => {
  const d = routeWith('{outlierDetection: {consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 1m}}');
  const note = d.notes.find((s) => /locality load balancing/.test(s));
  assert.ok(note, JSON.stringify(d.notes));
  assert.match(note, /zones zone-/);
  // backend-v1 and backend-v2 run one pod each, in two zones: the client's zone holds at most one of them.
  const placed = d.destinations.flatMap((x) => x.workloads);
  assert.deepEqual(placed, ['shop/backend-v1', 'shop/backend-v2']);
  // The fixture's placement puts web and backend-v1 in zone-a, backend-v2 in zone-b.
  assert.match(note, /client in zone-a/);
  assert.equal(d.sometimes?.length, 1);
  assert.match(d.sometimes[0], /only shop\/backend-v1 in zone-a take this client's requests/);
});

test('istio-locality-load-balancing: without outlier detection or localityLbSetting, every endpoint is equal', () => {
  const d = routeWith('{loadBalancer: {simple: ROUND_ROBIN}}');
  assert.equal(d.sometimes, undefined);
});
