import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { rawFromData, type RawObject } from '../../parse/index.ts';
import { buildCluster } from '../index.ts';
import type { ClusterModel } from '../../model/types.ts';
import { IncrementalCluster, type ObjectEvent } from './index.ts';

const raw = (body: Record<string, unknown>, i = 0) =>
  rawFromData(body, { file: 'events.yaml', doc: i, line: 1, column: 1 });

const base: RawObject[] = [
  ...['a', 'b'].map((name) => raw({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
  ...[1, 2, 3].map((i) =>
    raw({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `n${i}`, labels: { 'topology.kubernetes.io/zone': `z${i}` } },
      spec: { podCIDR: `10.244.${i}.0/24`, podCIDRs: [`10.244.${i}.0/24`] },
      status: { addresses: [{ type: 'InternalIP', address: `192.168.0.${i}` }] },
    }),
  ),
  raw({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'x', namespace: 'a' },
    spec: { selector: { app: 'x' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  }),
  raw({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'y', namespace: 'a' },
    spec: { clusterIP: 'None', selector: { app: 'y' }, ports: [{ name: 'http', port: 80 }] },
  }),
  raw({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'x', namespace: 'b' },
    spec: { selector: { app: 'x' }, ports: [{ port: 80 }] },
  }),
  raw({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'manual', namespace: 'a' },
    spec: { ports: [{ port: 80 }] },
  }),
  // An observed pod that reports its host IP, so that others doing so or not changes nothing about add-ons.
  raw({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'anchor', namespace: 'b', uid: 'a' },
    spec: { nodeName: 'n3', containers: [{ name: 'c', image: 'i' }] },
    status: { phase: 'Running', podIP: '10.244.3.100', hostIP: '192.168.0.3' },
  }),
  raw({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'b' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'x' } },
      template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
    },
  }),
];

/** A Pod as a live cluster gives it: bound, with observed addresses and conditions. */
const pod = fc.record({
  i: fc.integer({ min: 0, max: 5 }),
  ns: fc.constantFrom('a', 'a', 'b'),
  node: fc.constantFrom('n1', 'n2', 'n3', 'n3', 'n9'),
  ip: fc.constantFrom('10.244.1.7', '10.244.3.9', ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map((i) => `10.250.0.${i}`)),
  app: fc.constantFrom('x', 'y', 'z'),
  ready: fc.boolean(),
  owned: fc.constantFrom(false, false, false, true),
  hostIP: fc.constantFrom(false, false, false, true),
  hostname: fc.boolean(),
});
type PodArgs = typeof pod extends fc.Arbitrary<infer T> ? T : never;

const podBody = (p: PodArgs) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: `p${p.i}`,
    namespace: p.ns,
    uid: `u${p.i}`,
    labels: { app: p.app },
    ...(p.owned
      ? {
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'r', controller: true },
          ],
        }
      : {}),
  },
  spec: {
    nodeName: p.node,
    containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 8080 }] }],
    ...(p.hostname ? { hostname: `h${p.i}`, subdomain: 'y' } : {}),
  },
  status: {
    phase: 'Running',
    podIP: p.ip,
    ...(p.hostIP ? { hostIP: '192.168.0.1' } : {}),
    conditions: [{ type: 'Ready', status: p.ready ? 'True' : 'False' }],
  },
});

const event: fc.Arbitrary<ObjectEvent> = fc.oneof(
  { weight: 6, arbitrary: pod.map((p) => ({ type: 'upsert' as const, object: raw(podBody(p)) })) },
  { weight: 2, arbitrary: pod.map((p) => ({ type: 'delete' as const, object: raw(podBody(p)) })) },
  {
    weight: 2,
    arbitrary: fc
      .record({ i: fc.integer({ min: 0, max: 2 }), app: fc.constantFrom('x', 'y'), del: fc.boolean() })
      .map(({ i, app, del }) => ({
        type: del ? ('delete' as const) : ('upsert' as const),
        object: raw({
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: `np${i}`, namespace: 'a' },
          spec: { podSelector: { matchLabels: { app } }, policyTypes: ['Ingress'] },
        }),
      })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        ip: fc.constantFrom('10.1.0.1', '10.1.0.2', 'bogus'),
        del: fc.boolean(),
        svc: fc.constantFrom('manual', 'x', 'nope'),
      })
      .map(({ ip, del, svc }) => ({
        type: del ? ('delete' as const) : ('upsert' as const),
        object: raw({
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { name: 'manual-1', namespace: 'a', labels: { 'kubernetes.io/service-name': svc } },
          addressType: 'IPv4',
          endpoints: [{ addresses: [ip] }],
          ports: [{ port: 80 }],
        }),
      })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('z', 'x').map((app) => ({
      type: 'upsert' as const,
      object: raw({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'w', namespace: 'a' },
        spec: { selector: { app }, ports: [{ port: 81 }] },
      }),
    })),
  },
);

const plain = (m: ClusterModel) =>
  JSON.parse(
    JSON.stringify({
      pods: m.pods,
      services: m.services,
      endpointSlices: m.endpointSlices,
      networkPolicies: m.networkPolicies,
      workloads: m.workloads,
      nodes: m.nodes,
      namespaces: m.namespaces,
    }),
  ) as unknown;

test('incremental updates equal a full rebuild of the final object set', () => {
  let inPlace = 0;
  let rebuilt = 0;
  let podsInPlace = 0;
  fc.assert(
    fc.property(fc.array(event, { minLength: 5, maxLength: 40, size: 'medium' }), (events) => {
      const c = new IncrementalCluster(base);
      for (const e of events) {
        const change = c.apply(e);
        if (change.rebuilt) rebuilt++;
        else inPlace++;
        if (!change.rebuilt && change.pods.length) podsInPlace++;
        assert.deepEqual(plain(c.model), plain(buildCluster(c.objects()).model));
      }
    }),
    { numRuns: 60 },
  );
  // The generator must exercise both paths, or the property says little.
  assert.ok(
    inPlace > 100 && rebuilt > 100 && podsInPlace > 150,
    `in place ${inPlace} (pods ${podsInPlace}), rebuilt ${rebuilt}`,
  );
});

test('a bare observed pod added on a declared node is applied in place and selected by its Service', () => {
  const c = new IncrementalCluster(base);
  const change = c.apply({
    type: 'upsert',
    object: raw(
      podBody({
        i: 1,
        ns: 'a',
        node: 'n2',
        ip: '10.250.0.1',
        app: 'x',
        ready: true,
        owned: false,
        hostIP: false,
        hostname: false,
      }),
    ),
  });
  assert.equal(change.rebuilt, false, change.reason);
  assert.deepEqual(
    change.slices.map((s) => s.service.key),
    ['Service/a/x'],
  );
  assert.ok(
    c.model.endpointSlices.some(
      (s) => s.serviceName === 'x' && s.endpoints.some((e) => e.addresses[0] === '10.250.0.1'),
    ),
  );
});

test('a Service change falls back to a full rebuild', () => {
  const c = new IncrementalCluster(base);
  const change = c.apply({
    type: 'upsert',
    object: raw({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'w', namespace: 'a' },
      spec: { ports: [{ port: 81 }] },
    }),
  });
  assert.equal(change.rebuilt, true);
  assert.ok(c.model.services.some((s) => s.key === 'Service/a/w'));
});
