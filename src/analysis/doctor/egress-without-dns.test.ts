/**
 * Rule egress-without-dns: whether a pod may query the cluster DNS on 53/UDP is decided per class of the asking
 * pod (`dnsAccess`), and must equal what `engine.allows` answers for that pod and each DNS pod — on random
 * clusters whose DNS Service selects pods of n0 (hostNetwork ones too, on one of two nodes, and pods that ask themselves), named ports
 * (`dns` is 53/UDP), ipBlocks, and both hostNetwork modes.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-egress-traffic
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { PolicyEngine } from '../policy/index.ts';
import { clusterArb, toYaml } from '../policy/_cluster-arb.ts';
import { dnsAccess } from './_dns-access.ts';
import { runDoctor } from './index.ts';

const seed = Number(process.env.KUBETWIN_PROPERTY_SEED ?? 20261203);

/** Two nodes, so that hostNetwork pods have an address (their node's) and some share a node with the asker. */
const nodes = [1, 2]
  .map(
    (i) =>
      `\n---\napiVersion: v1\nkind: Node\nmetadata: {name: node-${i}}\nstatus: {addresses: [{type: InternalIP, address: 172.18.0.${i + 1}}]}`,
  )
  .join('');

/** The cluster DNS Service (the default profile's dnsServiceIP) in n0, selecting `selector`. */
const dnsService = (selector: Record<string, string>) =>
  `\n---\n${JSON.stringify({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kube-dns', namespace: 'n0' },
    spec: { clusterIP: '10.96.0.10', selector, ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] },
  })}`;

test('egress-without-dns: DNS access per class equals engine.allows for every pod and DNS pod (property)', () => {
  fc.assert(
    fc.property(
      clusterArb,
      fc.constantFrom<Record<string, string>>({}, { app: 'a' }, { tier: 'b' }),
      fc.constantFrom('node' as const, 'pod' as const),
      (cluster, selector, hostNetwork) => {
        const { model } = buildYaml(toYaml(cluster) + nodes + dnsService(selector));
        const engine = new PolicyEngine(model, { hostNetwork });
        const dnsPods = model.pods.filter(
          (p) =>
            p.namespace === 'n0' && p.ip && Object.entries(selector).every(([k, v]) => p.labels[k] === v),
        );
        const mayQuery = dnsAccess(engine, dnsPods);
        for (const pod of model.pods) {
          const expected = dnsPods.some((d) =>
            engine.allows({ kind: 'pod', pod }, { kind: 'pod', pod: d }, 53, 'UDP'),
          );
          assert.equal(mayQuery(pod), expected, `${pod.key} → DNS pods ${dnsPods.map((d) => d.key)}`);
        }
      },
    ),
    { seed, numRuns: 400 },
  );
});

const isolatedEgress = (extra: string) => `apiVersion: v1
kind: Namespace
metadata: {name: kube-system}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec: {containers: [{name: c, image: coredns, ports: [{name: dns, containerPort: 53, protocol: UDP}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system}
spec: {clusterIP: 10.96.0.10, selector: {k8s-app: kube-dns}, ports: [{name: dns, port: 53, protocol: UDP}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: shop, labels: {app: api}}
spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-egress, namespace: shop}
spec: {podSelector: {}, policyTypes: [Egress]}
${extra}`;

test('egress-without-dns: an egress rule to the DNS pods by named port lets only the pods it selects query them', () => {
  const allowWeb = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-dns, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
    - to: [{namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
      ports: [{protocol: UDP, port: dns}]`;
  const findings = runDoctor(buildYaml(isolatedEgress(allowWeb)).model).filter(
    (f) => f.code === 'egress-without-dns',
  );
  assert.deepEqual(
    findings.map((f) => f.objects[1].key),
    ['Pod/shop/api'],
  );
});

test('egress-without-dns: an ingress policy on the DNS pods that admits nobody blocks the lookups an egress rule allows', () => {
  const allowAll = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: dns-out, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{ports: [{protocol: UDP, port: 53}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: dns-in, namespace: kube-system}
spec:
  podSelector: {matchLabels: {k8s-app: kube-dns}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]`;
  const findings = runDoctor(buildYaml(isolatedEgress(allowAll)).model).filter(
    (f) => f.code === 'egress-without-dns',
  );
  // `from: podSelector` alone selects pods of kube-system only: neither shop pod is admitted.
  assert.deepEqual(findings.map((f) => f.objects[1].key).sort(), ['Pod/shop/api', 'Pod/shop/web']);
});
