import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildCluster } from '../index.ts';
import type { ClusterModel } from '../../model/types.ts';
import { IncrementalCluster } from './index.ts';
import { base, event, podBody, raw } from './_test-events.ts';

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
    inPlace > 100 && rebuilt > 100 && podsInPlace > 80,
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

test('a pod relabelled out of a large Service leaves the slices it was not in as the same objects', () => {
  const args = (i: number, app: 'x' | 'z') =>
    ({
      i: 100 + i,
      ns: 'a',
      node: `n${(i % 3) + 1}`, // below maxPodsPerNode on each
      ip: `10.250.1.${i + 1}`,
      app,
      ready: true,
      owned: false,
      hostIP: false,
      hostname: false,
    }) as unknown as Parameters<typeof podBody>[0];
  // 250 pods selected by Service a/x: slices of 100, 100 and 50 endpoints in pod key order (p100…p349).
  const c = new IncrementalCluster([
    ...base,
    ...Array.from({ length: 250 }, (_, i) => raw(podBody(args(i, 'x')))),
  ]);
  const change = c.apply({ type: 'upsert', object: raw(podBody(args(249, 'z'))) });
  assert.equal(change.rebuilt, false, change.reason);
  const x = change.slices.find((s) => s.service.key === 'Service/a/x');
  assert.ok(x);
  assert.equal(x.before.length, 3);
  assert.deepEqual(
    x.before.map((s) => x.after.includes(s)),
    [true, true, false],
  );
  assert.deepEqual(plain(c.model), plain(buildCluster(c.objects()).model));
});
