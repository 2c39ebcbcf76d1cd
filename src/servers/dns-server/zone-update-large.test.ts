/**
 * The incremental model and zone on Services larger than one EndpointSlice (more than 100 endpoints, so a change
 * moves endpoints between slices), with two port groups (a named targetPort that resolves differently per pod) and
 * topology hints: the result still equals a full rebuild, and a pod event costs in proportion to the change — the
 * endpoints of the other pods keep their objects in the model and are sent to the serving copy as positions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deserialize, serialize } from 'node:v8';
import fc from 'fast-check';
import { buildCluster } from '../../cluster/index.ts';
import { IncrementalCluster, type ObjectEvent } from '../../cluster/incremental/index.ts';
import { raw } from '../../cluster/incremental/_test-events.ts';
import { createDnsFromData, reverseName, zoneQuestions } from '../../analysis/dns/index.ts';
import type { ClusterModel } from '../../model/types.ts';
import type { RawObject } from '../../parse/index.ts';
import { AnswerTable, questionPacket } from './_answer-table.ts';
import { newServerStats, reply, replyFromTable } from './_respond.ts';
import { applyZoneDelta, ZoneTracker, type ZoneDelta } from './_zone-update.ts';

const across = <T>(x: T): T => deserialize(serialize(x)) as T;

const service = (name: string, app: string, extra: Record<string, unknown> = {}) =>
  raw({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'a' },
    spec: { selector: { app }, ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...extra },
  });

interface PodArgs {
  readonly i: number;
  readonly app: string;
  readonly port: number;
  readonly ready: boolean;
}

/** Pod `i` on node n1–n3 at 10.250.<i / 200>.<i % 200 + 1>: bound, observed, never a guard failure. */
const podBody = ({ i, app, port, ready }: PodArgs) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `p${String(i).padStart(3, '0')}`, namespace: 'a', uid: `u${i}`, labels: { app } },
  spec: {
    nodeName: `n${(i % 3) + 1}`,
    containers: [{ name: 'c', image: 'i', ports: [{ name: 'http', containerPort: port }] }],
  },
  status: {
    phase: 'Running',
    podIP: `10.250.${Math.floor(i / 200)}.${(i % 200) + 1}`,
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
  },
});

const first = 230;
const base: RawObject[] = [
  raw({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }),
  ...[1, 2, 3].map((i) =>
    raw({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `n${i}`, labels: { 'topology.kubernetes.io/zone': `z${i}` } },
      spec: { podCIDR: `10.244.${i}.0/24`, podCIDRs: [`10.244.${i}.0/24`] },
      status: { addresses: [{ type: 'InternalIP', address: `192.168.0.${i}` }] },
    }),
  ),
  service('big', 'big'),
  service('near', 'big', { trafficDistribution: 'PreferClose' }),
  service('other', 'other', { clusterIP: 'None' }),
  ...Array.from({ length: first }, (_, i) =>
    raw(podBody({ i, app: i % 7 ? 'big' : 'other', port: i % 4 ? 8080 : 9090, ready: i % 11 !== 0 })),
  ),
];

const event: fc.Arbitrary<ObjectEvent> = fc
  .record({
    i: fc.integer({ min: 0, max: first + 20 }),
    app: fc.constantFrom('big', 'big', 'other', 'none'),
    port: fc.constantFrom(8080, 8080, 9090),
    ready: fc.constantFrom(true, true, false),
    del: fc.constantFrom(false, false, false, true),
  })
  .map(({ del, ...p }) => ({ type: del ? 'delete' : 'upsert', object: raw(podBody(p)) }));

const plain = (m: ClusterModel) =>
  JSON.parse(JSON.stringify({ pods: m.pods, endpointSlices: m.endpointSlices })) as unknown;

test('incremental model and zone equal a full rebuild on Services of several slices, port groups and hints', () => {
  fc.assert(
    fc.property(fc.array(event, { minLength: 3, maxLength: 12 }), (events) => {
      const c = new IncrementalCluster(base);
      const tracker = new ZoneTracker(c.model);
      const data = across(tracker.data);
      const table = AnswerTable.fromBytes(tracker.compile(c.model).toBytes())!;
      for (const e of events) {
        const change = c.apply(e);
        assert.equal(change.rebuilt, false, change.reason);
        const delta = tracker.update(change);
        if (delta) applyZoneDelta(data, across<ZoneDelta>(delta), table);
      }
      const fresh = buildCluster(c.objects()).model;
      assert.deepEqual(plain(c.model), plain(fresh));
      const freshDns = new ZoneTracker(fresh);
      assert.equal(data.index.serial, freshDns.data.index.serial, 'SOA serial');
      const served = createDnsFromData(data);
      const stats = newServerStats();
      const questions = [...zoneQuestions(freshDns.data, fresh.pods), ...zoneQuestions(data, c.model.pods)];
      for (let i = 0; i <= first + 20; i++)
        questions.push({ name: reverseName(`10.250.${Math.floor(i / 200)}.${(i % 200) + 1}`)!, type: 'PTR' });
      for (const q of questions) {
        const packet = Buffer.from(questionPacket(q)!);
        const got = replyFromTable(packet, table, 'udp', stats) ?? reply(packet, served, 'udp', stats)?.bytes;
        const want = reply(packet, freshDns.dns, 'udp', stats)?.bytes;
        assert.equal(got?.toString('hex'), want?.toString('hex'), `${q.name} ${q.type}`);
      }
    }),
    { numRuns: 12 },
  );
});

test('a pod added to a Service of 190 endpoints sends one endpoint as data and the others as positions', () => {
  const c = new IncrementalCluster(base);
  const tracker = new ZoneTracker(c.model);
  const before = new Set(c.model.endpointSlices.flatMap((s) => s.endpoints));
  const change = c.apply({
    type: 'upsert',
    object: raw(podBody({ i: first + 1, app: 'big', port: 8080, ready: true })),
  });
  assert.equal(change.rebuilt, false);
  // In the model: the slices of `big` and `near` are recomputed, the other pods' endpoints are the same objects
  // (`near` carries topology hints, which are copies per computation: only `big` is held to this).
  const big = change.slices.find((s) => s.service.name === 'big')!;
  const fresh = big.after.flatMap((s) => s.endpoints).filter((e) => !before.has(e));
  assert.deepEqual(
    fresh.map((e) => e.targetRef),
    ['Pod/a/p231'],
  );
  const delta = tracker.update(change)!;
  const [, endpoints] = delta.services.find(([key]) => key === 'big.a')!;
  assert.ok(endpoints.length > 150, `${endpoints.length} endpoints`);
  assert.deepEqual(
    endpoints.filter((e) => typeof e !== 'number').map((e) => (e as { ip: string }).ip),
    ['10.250.1.32'],
  );
});
