/**
 * The Istio egress gateway pattern in `trace`: a VirtualService for an outside host whose `mesh` rule sends
 * sidecars' requests to `istio-egressgateway.istio-system` makes the client's sidecar open its connection to the
 * egress gateway pod, not to the outside address; NetworkPolicy is judged there (the task's "Apply Kubernetes
 * network policies" admits egress to istio-system only), and the gateway's onward leg is unknown.
 * https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway/
 * The trace judged sleep → 151.101.1.67 and failed with a fix that bypasses the gateway.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { createTraceContext, trace } from './index.ts';

const dir = 'testdata/scenarios/mesh-istio-egress-gateway';
const read = (f: string) => ({ file: f, text: readFileSync(`${dir}/${f}`, 'utf8') });

function traceCnn(files: string[]) {
  const { model } = buildFromTexts(files.map(read), { profile: read('input/kubetwin.yaml') });
  const to = parseFlowTarget('http://edition.cnn.com/politics', undefined, undefined);
  assert.ok(typeof to !== 'string', String(to));
  return trace(createTraceContext(model), { kind: 'ref', namespace: 'default', name: 'sleep' }, to);
}

const inputs = ['input/sleep.yaml', 'input/istio-egressgateway.yaml', 'input/egress-gateway-cnn.yaml'];

test('egress-gateway-route: a sidecar route to the egress gateway Service is traced to the gateway pod, its onward leg unknown', () => {
  const t = traceCnn([...inputs, 'variants/allow-egress-to-istio-system.yaml']);
  assert.deepEqual(
    t.delivered.map((d) => `${d.pod.replace(/-[^-]+-[^-]+$/, '')} ${d.port}`),
    ['istio-system/istio-egressgateway 8080'],
  );
  const policy = t.hops.find((h) => h.kind === 'policy' && h.title.startsWith('NetworkPolicy'));
  assert.equal(policy?.verdict, 'ok', 'egress to istio-system is what the NetworkPolicy admits');
  assert.ok(
    t.unknown?.some((u) => /forwards the request for edition\.cnn\.com on/.test(u)),
    String(t.unknown),
  );
});

test('egress-gateway-route: without such a route the sidecar forwards to the outside address itself', () => {
  // Only the ServiceEntry (no VirtualService): the sidecar sends to edition.cnn.com, which the policy denies.
  const entryOnly = readFileSync(`${dir}/input/egress-gateway-cnn.yaml`, 'utf8').split('\n---\n')[0];
  const { model } = buildFromTexts(
    [
      read('input/sleep.yaml'),
      read('input/istio-egressgateway.yaml'),
      { file: 'entry.yaml', text: entryOnly },
      read('variants/allow-egress-to-istio-system.yaml'),
    ],
    { profile: read('input/kubetwin.yaml') },
  );
  const to = parseFlowTarget('http://edition.cnn.com/politics', undefined, undefined);
  assert.ok(typeof to !== 'string');
  const t = trace(createTraceContext(model), { kind: 'ref', namespace: 'default', name: 'sleep' }, to);
  assert.equal(t.outcome, 'failed');
  assert.match(t.failure?.reason ?? '', /151\.101\.1\.67/);
});
