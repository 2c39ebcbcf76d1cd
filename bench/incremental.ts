/**
 * Watch event → model current → served DNS answer current, in one process (issue 12, issue 19 item 4). The cluster
 * is bench/_live-cluster.ts (the `realistic` family as a live cluster lists it). Per event the clock runs from the
 * event being read (a raw object) through `IncrementalCluster.apply`, `ZoneTracker.update`, the delta serialized
 * and deserialized as it crosses to the serving process, `applyZoneDelta` on the serving copy (index and compiled
 * table), to the served reply for the affected name (PTR of the pod's address; for policies, the model's policy
 * list). Events cycle: a pod added (bare, bound, observed address), a pod relabelled into another Service, a
 * NetworkPolicy changed. Events that fall back to a full rebuild are timed as well (and counted).
 * - `node --import tsx bench/incremental.ts 10000 1000`: one row (JSON).
 * - `node --import tsx bench/incremental.ts`: 10k and 100k, written to bench/results/incremental.md.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { writeFileSync } from 'node:fs';
import { deserialize, getHeapSpaceStatistics, serialize } from 'node:v8';
import { rawFromData } from '../src/parse/index.ts';
import { IncrementalCluster, type ObjectEvent } from '../src/cluster/incremental/index.ts';
import { createDnsFromData, reverseName } from '../src/analysis/dns/index.ts';
import {
  AnswerTable,
  applyZoneDelta,
  questionPacket,
  ZoneTracker,
  type ZoneDelta,
} from '../src/servers/dns-server/index.ts';
import { newServerStats, reply, replyFromTable } from '../src/servers/dns-server/_respond.ts';
import { liveLike, podBody } from './_live-cluster.ts';

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const round = (x: number) => Math.round(x * 100) / 100;
const src = (i: number) => ({ file: '<bench>', doc: i, line: 1, column: 1 });

/**
 * Bytes on the V8 heap, per space. Between two readings with no collection in between, the growth is what was
 * allocated; a collection shows as the young generation shrinking (then the reading is not used, and counted).
 */
function heapReading(): { used: number; young: number } {
  let used = 0;
  let young = 0;
  for (const s of getHeapSpaceStatistics()) {
    used += s.space_used_size;
    if (s.space_name === 'new_space' || s.space_name === 'new_large_object_space') young += s.space_used_size;
  }
  return { used, young };
}

function one(pods: number, events: number) {
  const live = liveLike(pods);
  const objects = live.bodies.map((b, i) => rawFromData(b, src(i)));
  let t = performance.now();
  const cluster = new IncrementalCluster(objects, { profile: live.profile });
  const buildMs = performance.now() - t;
  t = performance.now();
  const tracker = new ZoneTracker(cluster.model);
  const compiled = tracker.compile(cluster.model);
  const zoneMs = performance.now() - t;
  // The serving process's copy of the zone.
  const served = {
    data: deserialize(serialize(tracker.data)) as typeof tracker.data,
    table: AnswerTable.fromBytes(compiled.toBytes())!,
  };
  let servedDns = createDnsFromData(served.data);
  const stats = newServerStats();
  const pods0 = live.bodies.filter((b) => b.kind === 'Pod') as {
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    spec: { nodeName: string };
    status: { podIP: string };
  }[];
  const policies = live.bodies.filter((b) => b.kind === 'NetworkPolicy') as {
    metadata: { name: string; namespace: string };
    spec: Record<string, unknown>;
  }[];
  const nodes = cluster.model.nodes;
  const added = new Map<string, number>();
  const byKind: Record<string, number[]> = { 'pod added': [], 'pod relabelled': [], 'policy changed': [] };
  const cpu: number[] = [];
  /** Where the time goes: model (apply), zone (tracker update), serving copy (delta across and applied), answer. */
  const phases: Record<'model' | 'zone' | 'serving' | 'answer', number[]> = {
    model: [],
    zone: [],
    serving: [],
    answer: [],
  };
  /** Bytes allocated per event (events during which no collection ran), and events during which one ran. */
  const allocated: number[] = [];
  let collected = 0;
  let fallbacks = 0;
  let stale = 0;
  let r = 7;
  const rand = () => (r = (Math.imul(r, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < events; i++) {
    const kind = (['pod added', 'pod relabelled', 'policy changed'] as const)[i % 3];
    let ev: ObjectEvent;
    let ip: string | undefined;
    if (kind === 'pod added') {
      const like = pods0[Math.floor(rand() * pods0.length)];
      const node = nodes[i % nodes.length];
      const k = added.get(node.name) ?? 0;
      added.set(node.name, k + 1);
      const base = node.podCIDRs[0].split('/')[0].split('.').map(Number);
      ip = `${base[0]}.${base[1]}.${base[2]}.${200 + (k % 50)}`;
      ev = {
        type: 'upsert',
        object: rawFromData(
          podBody(
            {
              name: `added-${i}`,
              namespace: like.metadata.namespace,
              labels: like.metadata.labels,
              nodeName: node.name,
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
            },
            ip,
            node.internalIP ?? '',
          ),
          src(-i),
        ),
      };
      if (k >= 50) ev = { type: 'delete', object: ev.object }; // never more than 50 added per node
    } else if (kind === 'pod relabelled') {
      const p = pods0[Math.floor(rand() * pods0.length)];
      const other =
        pods0.find(
          (q, j) => j > Math.floor(rand() * pods0.length) && q.metadata.namespace === p.metadata.namespace,
        ) ?? p;
      p.metadata.labels = { ...other.metadata.labels };
      ip = p.status.podIP;
      ev = {
        type: 'upsert',
        object: rawFromData(structuredClone(p) as unknown as Record<string, unknown>, src(-i)),
      };
    } else {
      const np = policies[Math.floor(rand() * policies.length)];
      np.spec = { ...np.spec, podSelector: { matchLabels: { app: `v${i}` } } };
      ev = {
        type: 'upsert',
        object: rawFromData(structuredClone(np) as unknown as Record<string, unknown>, src(-i)),
      };
    }
    const h0 = heapReading();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const change = cluster.apply(ev);
    const t1 = performance.now();
    let t2 = t1;
    let t3 = t1;
    if (change.rebuilt) {
      if (!fallbacks && process.env.WHY) process.stderr.write(`${kind}: ${change.reason}\n`);
      fallbacks++;
      tracker.reset(cluster.model);
      served.data = deserialize(serialize(tracker.data)) as typeof tracker.data;
      served.table = AnswerTable.fromBytes(tracker.compile(cluster.model).toBytes())!;
      servedDns = createDnsFromData(served.data);
    } else {
      const delta = tracker.update(change);
      t2 = performance.now();
      if (delta) applyZoneDelta(served.data, deserialize(serialize(delta)) as ZoneDelta, served.table);
      t3 = performance.now();
    }
    let answer: Buffer | undefined;
    let packet: Buffer | undefined;
    if (ip) {
      packet = Buffer.from(questionPacket({ name: reverseName(ip)!, type: 'PTR' })!);
      answer =
        replyFromTable(packet, served.table, 'udp', stats) ?? reply(packet, servedDns, 'udp', stats)?.bytes;
    }
    // The clock stops at the served answer; checking it against the model's own answer is not timed.
    const t4 = performance.now();
    const c1 = process.cpuUsage(c0);
    const h1 = heapReading();
    if (h1.young < h0.young) collected++;
    else allocated.push(h1.used - h0.used);
    byKind[kind].push(t4 - t0);
    cpu.push((c1.user + c1.system) / 1000);
    phases.model.push(t1 - t0);
    phases.zone.push(t2 - t1);
    phases.serving.push(t3 - t2);
    phases.answer.push(t4 - t3);
    if (packet) {
      const want = reply(packet, tracker.dns, 'udp', stats)?.bytes;
      if (answer?.toString('hex') !== want?.toString('hex')) stale++;
    } else if (!cluster.model.networkPolicies.length) stale++;
  }
  const all = Object.values(byKind)
    .flat()
    .sort((a, b) => a - b);
  const row: Record<string, unknown> = {
    pods,
    objects: objects.length,
    events,
    buildS: round(buildMs / 1000),
    zoneS: round(zoneMs / 1000),
    p50ms: round(pct(all, 50)),
    p99ms: round(pct(all, 99)),
    maxMs: round(all[all.length - 1]),
    // CPU time of this process per event: what the wall figures are when the machine is not shared.
    cpuP50ms: round(
      pct(
        cpu.sort((a, b) => a - b),
        50,
      ),
    ),
    cpuP99ms: round(pct(cpu, 99)),
  };
  for (const [k, v] of Object.entries(byKind))
    row[`p99 ${k}`] = round(
      pct(
        v.sort((a, b) => a - b),
        99,
      ),
    );
  for (const [k, v] of Object.entries(phases))
    row[`p99 ${k}`] = round(
      pct(
        v.sort((a, b) => a - b),
        99,
      ),
    );
  allocated.sort((a, b) => a - b);
  row.allocKBp50 = round(pct(allocated, 50) / 1024);
  row.allocKBmean = round(allocated.reduce((a, b) => a + b, 0) / Math.max(1, allocated.length) / 1024);
  row.collectedDuring = collected;
  row.fallbacks = fallbacks;
  row.stale = stale;
  return row;
}

if (process.argv[2]) {
  process.stdout.write(JSON.stringify(one(Number(process.argv[2]), Number(process.argv[3] ?? 1000))) + '\n');
} else {
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const rows: Record<string, unknown>[] = [];
  for (const pods of [10_000, 100_000]) {
    const out = execFileSync(
      process.execPath,
      ['--max-old-space-size=6000', '--import', 'tsx', 'bench/incremental.ts', String(pods), '1000'],
      { encoding: 'utf8' },
    );
    rows.push(JSON.parse(out.trim().split('\n').pop() as string) as Record<string, unknown>);
    process.stderr.write(`incremental ${pods}: ${JSON.stringify(rows.at(-1))}\n`);
  }
  const cols = Object.keys(rows[0]);
  const md = [
    '## Incremental model: watch event → model → served DNS answer (in process)',
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; load average when the runs started: ${load} (shared machine). 1,000 events per size, cycling pod added / pod relabelled / NetworkPolicy changed; latency from the event read to the served answer current (see bench/incremental.ts). \`stale\` counts served answers that differed from the model's (must be 0); \`fallbacks\` events that rebuilt the whole model.`,
    '',
    `| ${cols.join(' | ')} |`,
    `| ${cols.map(() => '---').join(' | ')} |`,
    ...rows.map((x) => `| ${cols.map((c) => String(x[c])).join(' | ')} |`),
    '',
  ].join('\n');
  writeFileSync('bench/results/incremental.md', md);
  process.stdout.write(md);
}
