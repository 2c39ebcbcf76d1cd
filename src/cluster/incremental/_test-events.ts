/** Random watch events over a small live-like cluster, for the property tests of the incremental model and zone. */
import fc from 'fast-check';
import { rawFromData, type RawObject } from '../../parse/index.ts';
import type { ObjectEvent } from './index.ts';

export const raw = (body: Record<string, unknown>, i = 0) =>
  rawFromData(body, { file: 'events.yaml', doc: i, line: 1, column: 1 });

export const base: RawObject[] = [
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
export const pod = fc.record({
  i: fc.integer({ min: 0, max: 5 }),
  ns: fc.constantFrom('a', 'a', 'b'),
  node: fc.constantFrom('n1', 'n2', 'n3', 'n3', 'n9'),
  ip: fc.constantFrom(
    '10.244.1.7',
    '10.244.3.9',
    ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map((i) => `10.250.0.${i}`),
  ),
  app: fc.constantFrom('x', 'y', 'z'),
  ready: fc.boolean(),
  owned: fc.constantFrom(false, false, false, true),
  hostIP: fc.constantFrom(false, false, false, true),
  hostname: fc.boolean(),
});
export type PodArgs = typeof pod extends fc.Arbitrary<infer T> ? T : never;

export const podBody = (p: PodArgs) => ({
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

export const event: fc.Arbitrary<ObjectEvent> = fc.oneof(
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
