/**
 * MetalLB gives each LoadBalancer Service the first free address of its pool in the order its controller sees them
 * (github.com/metallb/metallb internal/allocator): with two Services drawing from one pool, which address each holds is
 * not in the input. A connection to an address of that pool lands on one of them: reach and trace say unknown, never
 * a verdict about an address no pod holds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineFor } from '../policy/_test-helpers.ts';
import { reach } from '../reach/index.ts';
import { traceOn } from '../trace/_test-fixtures.ts';

const app = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: web}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: web}
spec: {type: LoadBalancer, selector: {app: ${name}}, ports: [{port: 80}]}
---
`;
const cluster = `apiVersion: v1
kind: Namespace
metadata: {name: web}
---
apiVersion: v1
kind: Namespace
metadata: {name: metallb-system}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: lan, namespace: metallb-system}
spec: {addresses: [192.168.10.0/24]}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: all, namespace: metallb-system}
---
${app('a')}${app('b')}apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: web}
spec: {podSelector: {}, policyTypes: [Ingress]}
`;

test('MetalLB allocation order: reach to an address of a pool two Services draw from is unknown', () => {
  const r = reach(engineFor(cluster), { from: 'internet', to: 'ip:192.168.10.0', port: 80, protocol: 'TCP' });
  assert.ok(typeof r !== 'string', String(r));
  assert.equal(r.verdict, 'unknown');
  assert.match(
    r.unknownReasons.join('\n'),
    /may be the load-balancer address MetalLB gives Service web\/a, web\/b/,
  );
  const outside = reach(engineFor(cluster), {
    from: 'internet',
    to: 'ip:192.168.11.1',
    port: 80,
    protocol: 'TCP',
  });
  assert.ok(typeof outside !== 'string');
  assert.equal(outside.verdict, 'allowed');
});

test('MetalLB allocation order: trace from the internet to such an address is unknown, not "nothing listens"', () => {
  const t = traceOn(cluster, { kind: 'internet' }, 'tcp://192.168.10.7:80');
  assert.equal(t.hops[0].undecided, 'which Service MetalLB gives 192.168.10.7');
  assert.ok(t.unknown?.length);
});
