/**
 * A single-stack IPv6 Service (`ipFamilies: [IPv6]` on a dual-stack cluster,
 * https://kubernetes.io/docs/concepts/services-networking/dual-stack/#services) has only AAAA records; a client's
 * getaddrinfo asks for both families (AF_UNSPEC, https://man7.org/linux/man-pages/man3/getaddrinfo.3.html), so the
 * name resolves and the connection goes to the IPv6 endpoints from the pod's IPv6 address.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTraceContext, trace } from './index.ts';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { webBehindService } from './_test-fixtures.ts';

const profile =
  'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\npodCIDR: 10.244.0.0/16,fd00:10:244::/56\nserviceCIDR: 10.96.0.0/16,fd00:10:96::/112\n';

test('trace: a name with only AAAA records resolves (getaddrinfo asks both families) and is delivered over IPv6', () => {
  const yaml = `${webBehindService(8080, { spec: 'ipFamilies: [IPv6], ', ports: '[{port: 80, targetPort: 8080}]' })}---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {containers: [{name: c, image: x}]}
`;
  const { model } = buildYaml(yaml, { profile });
  const to = parseFlowTarget('http://web/', undefined, undefined);
  assert.ok(typeof to !== 'string');
  const t = trace(createTraceContext(model), { kind: 'ref', namespace: 'default', name: 'client' }, to);
  assert.equal(t.outcome, 'delivered');
  assert.match(t.hops[0]?.details.join(' ') ?? '', /no A record: the AAAA answer is used/);
  assert.ok(t.delivered.every((d) => d.ip.includes(':')));
  assert.match(t.hops[1]?.details.join(' ') ?? '', /source address seen by the endpoint: fd00:/);
});
