/**
 * Dual-stack records: A and AAAA for a dual-stack ClusterIP Service and for headless endpoints of each family, and
 * PTR under ip6.arpa. Spec §2.3.1 / §2.4.1 ("A/AAAA records"), §2.3.3 / §2.4.3 (PTR).
 * https://github.com/kubernetes/dns/blob/master/docs/specification.md
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { createDns, reverseName } from './index.ts';
import { expected, observe } from './_case.ts';

const profile = `apiVersion: kubetwin.dev/v1alpha1
kind: ClusterProfile
podCIDR: 10.244.0.0/16,fd00:10:244::/56
serviceCIDR: 10.96.0.0/12,fd00:10:96::/112
nodes: [{name: n1, internalIP: 10.0.0.1}]
`;
const yaml = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {ipFamilyPolicy: RequireDualStack, clusterIPs: [10.96.0.20, "fd00:10:96::20"], selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: hl, namespace: default}
spec: {clusterIP: None, ipFamilyPolicy: RequireDualStack, selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: default, labels: {app: web}}
spec: {hostname: web, subdomain: hl, containers: [{name: c, image: x}]}
`;

test('dual-stack Services answer A and AAAA; headless endpoints of each family; PTR under ip6.arpa', () => {
  const { model } = buildYaml(yaml, { profile });
  const dns = createDns(model);
  const [v4, v6] = model.pods.find((p) => p.name === 'web')!.ips;
  assert.ok(v4 && v6?.includes(':'), `pod IPs ${model.pods.find((p) => p.name === 'web')!.ips.join(',')}`);
  const check = (c: Parameters<typeof observe>[1]) => assert.deepEqual(observe(dns, c), expected(c));
  check({
    qname: 'web.default.svc.cluster.local.',
    qtype: 'A',
    rcode: 'NOERROR',
    answer: ['web.default.svc.cluster.local. 30 IN A 10.96.0.20'],
  });
  check({
    qname: 'web.default.svc.cluster.local.',
    qtype: 'AAAA',
    rcode: 'NOERROR',
    answer: ['web.default.svc.cluster.local. 30 IN AAAA fd00:10:96::20'],
  });
  check({
    qname: 'hl.default.svc.cluster.local.',
    qtype: 'AAAA',
    rcode: 'NOERROR',
    answer: [`hl.default.svc.cluster.local. 30 IN AAAA ${v6}`],
  });
  check({
    qname: 'web.hl.default.svc.cluster.local.',
    qtype: 'AAAA',
    rcode: 'NOERROR',
    answer: [`web.hl.default.svc.cluster.local. 30 IN AAAA ${v6}`],
  });
  check({
    qname: 'web.hl.default.svc.cluster.local.',
    qtype: 'A',
    rcode: 'NOERROR',
    answer: [`web.hl.default.svc.cluster.local. 30 IN A ${v4}`],
  });
  const ptr = reverseName('fd00:10:96::20')!;
  assert.match(ptr, /^0\.2\.0\.0\.(0\.)+.*\.ip6\.arpa\.$/);
  check({
    qname: ptr,
    qtype: 'PTR',
    rcode: 'NOERROR',
    answer: [`${ptr} 30 IN PTR web.default.svc.cluster.local.`],
  });
});
