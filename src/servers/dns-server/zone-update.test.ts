import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deserialize, serialize } from 'node:v8';
import fc from 'fast-check';
import { buildCluster } from '../../cluster/index.ts';
import { IncrementalCluster } from '../../cluster/incremental/index.ts';
import { base, event, raw } from '../../cluster/incremental/_test-events.ts';
import {
  createDnsFromData,
  reverseName,
  zoneQuestions,
  type DnsData,
  type DnsQuestion,
} from '../../analysis/dns/index.ts';
import type { RawObject } from '../../parse/index.ts';
import { AnswerTable, questionPacket } from './_answer-table.ts';
import { newServerStats, reply, replyFromTable } from './_respond.ts';
import { applyZoneDelta, ZoneTracker, type ZoneDelta } from './_zone-update.ts';

/** The kubeadm Corefile with `pods verified` and `endpoint_pod_names`, and a reverse zone. */
const corefile = (verified: boolean) =>
  raw({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'coredns', namespace: 'kube-system' },
    data: {
      Corefile: `.:53 {\n  kubernetes cluster.local in-addr.arpa ip6.arpa {\n    pods ${verified ? 'verified' : 'insecure'}\n    ${verified ? 'endpoint_pod_names' : ''}\n  }\n  cache 30\n}\n`,
    },
  });

const across = <T>(x: T): T => deserialize(serialize(x)) as T;

/** Every name either zone lists, plus pod and reverse names of the addresses the events use and a few misses. */
function questionsOf(
  ...zones: { data: DnsData; pods: Parameters<typeof zoneQuestions>[1] }[]
): DnsQuestion[] {
  const out: DnsQuestion[] = [];
  for (const z of zones) out.push(...zoneQuestions(z.data, z.pods));
  for (const ip of [
    '10.244.1.7',
    '10.244.3.9',
    ...Array.from({ length: 14 }, (_, i) => `10.250.0.${i + 1}`),
    '10.1.0.1',
  ]) {
    out.push({ name: reverseName(ip) as string, type: 'PTR' });
    for (const ns of ['a', 'b'])
      out.push({ name: `${ip.replaceAll('.', '-')}.${ns}.pod.cluster.local`, type: 'A' });
  }
  for (const n of ['x.a', 'y.a', 'x.b', 'manual.a', 'w.a', 'nope.a'])
    for (const type of ['A', 'SRV', 'AAAA']) out.push({ name: `${n}.svc.cluster.local`, type });
  out.push({ name: '_http._tcp.y.a.svc.cluster.local', type: 'SRV' }, { name: 'cluster.local', type: 'SOA' });
  return out;
}

test('the served zone updated per event answers as a zone built afresh from the final objects', () => {
  let deltas = 0;
  fc.assert(
    fc.property(
      fc.boolean(),
      fc.array(event, { minLength: 3, maxLength: 30, size: 'medium' }),
      (verified, events) => {
        const objects: RawObject[] = [...base, corefile(verified)];
        const c = new IncrementalCluster(objects);
        const tracker = new ZoneTracker(c.model);
        // The serving process's copy: what crosses the pipe, nothing shared.
        let data = across(tracker.data);
        let table = AnswerTable.fromBytes(tracker.compile(c.model).toBytes())!;
        for (const e of events) {
          const change = c.apply(e);
          if (change.rebuilt) {
            tracker.reset(c.model);
            data = across(tracker.data);
            table = AnswerTable.fromBytes(tracker.compile(c.model).toBytes())!;
          } else {
            const delta = tracker.update(change);
            if (delta) {
              deltas++;
              applyZoneDelta(data, across<ZoneDelta>(delta), table);
            }
          }
        }
        const served = createDnsFromData(data);
        const fresh = buildCluster(c.objects()).model;
        const freshDns = new ZoneTracker(fresh);
        // The SOA serial moved by the changed slices alone equals the serial computed over the final model.
        assert.equal(data.index.serial, freshDns.data.index.serial, 'SOA serial');
        const stats = newServerStats();
        for (const q of questionsOf(
          { data, pods: c.model.pods },
          { data: freshDns.data, pods: fresh.pods },
        )) {
          const p = questionPacket(q);
          if (!p) continue;
          const packet = Buffer.from(p);
          const got =
            replyFromTable(packet, table, 'udp', stats) ?? reply(packet, served, 'udp', stats)?.bytes;
          const want = reply(packet, freshDns.dns, 'udp', stats)?.bytes;
          assert.equal(got?.toString('hex'), want?.toString('hex'), `${q.name} ${q.type}`);
        }
      },
    ),
    { numRuns: 40 },
  );
  assert.ok(deltas > 50, `only ${deltas} deltas`);
});
