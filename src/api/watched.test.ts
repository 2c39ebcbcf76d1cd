import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { buildCluster, inferProfile } from '../cluster/index.ts';
import type { ClusterModel } from '../model/types.ts';
import type { RawObject } from '../parse/index.ts';
import { base, event, pod, podBody, raw } from '../cluster/incremental/_test-events.ts';
import { WatchedCluster, type ObjectEvent } from './watched.ts';
import { changedTexts, watchTexts } from './watched-texts.ts';
import { buildFromTexts } from './index.ts';

const plain = (m: ClusterModel) =>
  JSON.parse(
    JSON.stringify({
      profile: m.profile,
      pods: m.pods,
      services: m.services,
      endpointSlices: m.endpointSlices,
      networkPolicies: m.networkPolicies,
      nodes: m.nodes,
    }),
  ) as unknown;

/** What `buildFromTexts` builds from these manifests (no ClusterProfile among them). */
const full = (objects: readonly RawObject[]) =>
  buildCluster(objects, { profile: inferProfile(objects).profile }).model;

/** Events the inference reads: a DaemonSet-owned pod (the CNI agent), a Node's ranges changed. */
const inferenceEvents: fc.Arbitrary<ObjectEvent> = fc.oneof(
  pod.map((p) => {
    const body = podBody(p) as { metadata: Record<string, unknown> };
    body.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'cilium', uid: 'd' }];
    return { type: 'upsert' as const, object: raw(body) };
  }),
  fc.constantFrom('10.244.3.0/24', '10.244.64.0/24').map((cidr) => ({
    type: 'upsert' as const,
    object: raw({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n3', labels: { 'topology.kubernetes.io/zone': 'z3' } },
      spec: { podCIDR: cidr, podCIDRs: [cidr] },
      status: { addresses: [{ type: 'InternalIP', address: '192.168.0.3' }] },
    }),
  })),
);

test('WatchedCluster equals buildFromTexts of the final manifests, the inferred profile included', () => {
  let inPlace = 0;
  let rebuilt = 0;
  fc.assert(
    fc.property(
      fc.array(fc.oneof({ weight: 5, arbitrary: event }, { weight: 1, arbitrary: inferenceEvents }), {
        minLength: 5,
        maxLength: 30,
        size: 'medium',
      }),
      (events) => {
        const c = new WatchedCluster(base, { inferFromObjects: true });
        for (const e of events) {
          c.apply(e);
          assert.deepEqual(plain(c.model), plain(full(c.objects())));
        }
        inPlace += c.inPlace;
        rebuilt += c.rebuilds;
      },
    ),
    { numRuns: 40 },
  );
  assert.ok(inPlace > 100 && rebuilt > 100, `in place ${inPlace}, rebuilt ${rebuilt}`);
});

test('a changed file becomes per-object events, and the model equals a build of the new files', () => {
  const docs = (objects: readonly RawObject[]) => objects.map((o) => stringify(o.body)).join('---\n');
  const pods = (ps: fc.Arbitrary<ReturnType<typeof podBody>[]>) => ps;
  let applied = 0;
  fc.assert(
    fc.property(
      pods(fc.array(pod.map(podBody), { maxLength: 6 })),
      pods(fc.array(pod.map(podBody), { maxLength: 6 })),
      (before, after) => {
        const uniq = (list: ReturnType<typeof podBody>[]) => [
          ...new Map(list.map((b) => [`${b.metadata.namespace}/${b.metadata.name}`, b])).values(),
        ];
        const texts = (ps: ReturnType<typeof podBody>[]) => [
          { file: 'base.yaml', text: docs(base) },
          {
            file: 'pods.yaml',
            text: uniq(ps)
              .map((b) => stringify(b))
              .join('---\n'),
          },
        ];
        const w = watchTexts(texts(before));
        const changed = changedTexts(w, texts(after));
        assert.ok(changed, 'a pod file changed is diffed, not reloaded');
        w.cluster.applyAll(changed.events, changed.ordered);
        applied += changed.events.length;
        const want = buildFromTexts(texts(after)).model;
        assert.deepEqual(plain(w.cluster.model), plain(want));
      },
    ),
    { numRuns: 40 },
  );
  assert.ok(applied > 40, `${applied} events`);
});

test('a file that no longer parses is a full reload', () => {
  const w = watchTexts([{ file: 'a.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n' }]);
  assert.equal(changedTexts(w, [{ file: 'a.yaml', text: 'kind: [' }]), undefined);
  assert.equal(changedTexts(w, [{ file: 'b.yaml', text: '' }]), undefined);
});
