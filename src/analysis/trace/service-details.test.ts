/**
 * The Service hop's "source address seen by the endpoint" and kube-proxy balancing details are fields of the leg
 * (serviceHop writes them), so the hops that restate it leave them out by field, not by matching their text: a pod's
 * connection kube-proxy captures at a load-balancer address (kubernetes/kubernetes pkg/proxy/iptables/proxier.go,
 * KUBE-EXT) states its own source address; a mesh proxy picks the endpoint itself and bypasses kube-proxy.
 * https://kubernetes.io/docs/reference/networking/virtual-ips/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { capturedServiceHops } from './_captured.ts';
import { createTraceContext } from './_context.ts';
import { serviceDetailLines, serviceHop } from './_service.ts';
import { loadBalancedWebAndClient, traceOn } from './_test-fixtures.ts';

const yaml = loadBalancedWebAndClient();

function leg() {
  const { model } = buildYaml(yaml);
  const ctx = createTraceContext(model);
  const svc = ctx.serviceNamed('default', 'web')!;
  return { svc, leg: serviceHop(ctx, svc, 80, 'TCP', { kind: 'pod', pod: 'default/client' }) };
}

test('service hop details: the source address seen by the endpoint is a field, and its hop lists it in order', () => {
  const { leg: l } = leg();
  assert.match(l.details?.sourceAddress ?? '', /^source address seen by the endpoint: /);
  assert.match(l.details?.balancing ?? '', /^kube-proxy /);
  assert.deepEqual(l.hops[0].details, serviceDetailLines(l.details!));
  assert.ok(l.hops[0].details.includes(l.details!.sourceAddress!));
});

test('service hop details: a captured load-balancer hop leaves out the source-address field, keeps the rest', () => {
  const { svc, leg: l } = leg();
  const [hop] = capturedServiceHops(l.hops, l.details, svc, { ip: '203.0.113.10', sourceJudged: false });
  assert.ok(!hop.details.includes(l.details!.sourceAddress!));
  assert.deepEqual(hop.details.slice(1), serviceDetailLines(l.details!, { sourceAddress: true }));
  assert.ok(hop.details.includes(l.details!.balancing));
});

test('service hop details: through the trace, the captured hop states no ClusterIP source address', () => {
  const t = traceOn(yaml, { kind: 'ref', namespace: 'default', name: 'client' }, 'tcp://203.0.113.10:80');
  const service = t.hops.find((h) => h.kind === 'service');
  assert.ok(service?.details.some((d) => d.startsWith('kube-proxy ')));
  assert.ok(!service?.details.some((d) => d.startsWith('source address seen by the endpoint:')));
});
