/**
 * Watch event → served DNS answer, end to end through `kubetwin serve dns --watch` (issue 12's figure, issue 19
 * item 4), with the model kept in place (docs/design/0007-incremental-model.md). The cluster is
 * bench/_live-cluster.ts (the `realistic` family as a live cluster lists it: Nodes with pod ranges, pods with
 * observed addresses, Services, NetworkPolicies) and a ClusterProfile file. Two sources:
 * - `live`: the recorded API server of the test suite (src/sources/live/_test-apiserver.ts) serves the cluster
 *   and streams each event; `serve dns --kubeconfig … --watch` runs as a child (under tsx).
 * - `file`: the cluster as YAML files of at most 100 objects each; each event rewrites the one file holding the
 *   object (`serve dns -f DIR --watch`; the file watch waits 20 ms for the write to settle).
 * Events cycle: a pod added (bound to a node, observed address), a pod relabelled into another Service, a
 * NetworkPolicy changed. For a pod the clock runs from the event being written (to the watch streams, or to the
 * file) to the first UDP answer over loopback (the PTR of the pod's address, queried back to back) that differs
 * from the answer before the event; for a policy, which no DNS answer shows, to the launcher's debug line saying
 * it was applied (`KUBETWIN_DEBUG=watch`). Events go one at a time. `inPlace`/`rebuilt` count the launcher's
 * lines; `unobserved` events whose answer did not change within 3 s (a pod no Service selects, before and after).
 * - `node --import tsx bench/watch-e2e.ts`: 10k and 100k, both sources, to bench/results/watch-e2e.md.
 * - `node --import tsx bench/watch-e2e.ts live|file PODS EVENTS`: one row (JSON).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import * as packet from 'dns-packet';
import { reverseName } from '../src/analysis/dns/index.ts';
import { query, udp } from '../src/servers/dns-server/_test-client.ts';
import { startFakeApiServer } from '../src/sources/live/_test-apiserver.ts';
import { liveLike, podBody } from './_live-cluster.ts';

type Body = Record<string, unknown> & {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
};

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const round = (x: number) => Math.round(x * 10) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function one(source: 'live' | 'file', pods: number, events: number) {
  const live = liveLike(pods);
  const bodies = live.bodies as Body[];
  const dir = mkdtempSync(join(tmpdir(), 'kubetwin-watch-e2e-'));
  const profile = join(dir, 'kubetwin.yaml');
  writeFileSync(
    profile,
    stringify({
      apiVersion: 'kubetwin.dev/v1alpha1',
      kind: 'ClusterProfile',
      podCIDR: live.profile.podCIDR,
      serviceCIDR: live.profile.serviceCIDR,
      nodes: live.profile.nodes,
    }),
  );
  // The file source: files of at most 100 objects; `fileOf` says which file holds an object.
  const manifests = join(dir, 'manifests');
  mkdirSync(manifests);
  const fileOf = new Map<string, number>();
  const files: Body[][] = [];
  const keyOf = (b: Body) => `${b.kind}/${b.metadata.namespace ?? ''}/${b.metadata.name}`;
  const put = (b: Body) => {
    let at = fileOf.get(keyOf(b));
    if (at === undefined) {
      if (!files.length || files[files.length - 1].length >= 100) files.push([]);
      at = files.length - 1;
      fileOf.set(keyOf(b), at);
      files[at].push(b);
    } else files[at] = files[at].map((x) => (keyOf(x) === keyOf(b) ? b : x));
    return at;
  };
  const writeFile = (at: number) =>
    writeFileSync(
      join(manifests, `part-${String(at).padStart(5, '0')}.yaml`),
      files[at].map((b) => stringify(b)).join('---\n'),
    );
  const api = source === 'live' ? await startFakeApiServer() : undefined;
  if (api) {
    api.serveBuiltins();
    for (const b of bodies) api.apply(b);
  } else {
    for (const b of bodies) put(b);
    files.forEach((_, i) => writeFile(i));
  }
  const input = api ? ['--kubeconfig', api.kubeconfig] : ['-f', manifests];
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      '--max-old-space-size=6000',
      '--import',
      'tsx',
      'src/cli/main.ts',
      'serve',
      'dns',
      ...input,
      '--profile',
      profile,
      '--watch',
      '--listen',
      '127.0.0.1:0',
      '-q',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, KUBETWIN_DEBUG: 'watch' } },
  );
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  try {
    while (!/on 127\.0\.0\.1:(\d+) \(UDP and TCP\)/.test(err)) {
      if (child.exitCode !== null) throw new Error(`serve dns exited:\n${err}`);
      await sleep(100);
    }
    const startS = (performance.now() - started) / 1000;
    const port = Number(/on 127\.0\.0\.1:(\d+) \(UDP and TCP\)/.exec(err)![1]);
    const ptr = async (ip: string) => {
      const r = await udp(port, query(reverseName(ip)!, 'PTR'), 1000);
      if (!r) return 'TIMEOUT';
      const m = packet.decode(r) as { rcode?: string; answers?: { data?: unknown }[] };
      return [m.rcode, ...(m.answers ?? []).map((a) => String(a.data)).sort()].join(' ');
    };
    const podsNow = bodies.filter((b) => b.kind === 'Pod') as (Body & {
      spec: { nodeName: string };
      status: { podIP: string; hostIP: string };
    })[];
    const policies = bodies.filter((b) => b.kind === 'NetworkPolicy') as (Body & {
      spec: Record<string, unknown>;
    })[];
    const nodes = bodies.filter((b) => b.kind === 'Node') as (Body & { spec: { podCIDRs: string[] } })[];
    const byKind: Record<string, number[]> = { 'pod added': [], 'pod relabelled': [], 'policy changed': [] };
    let unobserved = 0;
    let r = 7;
    const rand = () => (r = (Math.imul(r, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const added = new Map<string, number>();
    const send = (b: Body) => {
      if (api) api.apply(b);
      else writeFile(put(b));
    };
    for (let i = 0; i < events; i++) {
      const kind = (['pod added', 'pod relabelled', 'policy changed'] as const)[i % 3];
      const lines = (err.match(/watch: /g) ?? []).length;
      if (kind === 'policy changed') {
        const np = policies[Math.floor(rand() * policies.length)];
        np.spec = { ...np.spec, podSelector: { matchLabels: { app: `v${i}` } } };
        const t0 = performance.now();
        send(structuredClone(np));
        while ((err.match(/watch: /g) ?? []).length === lines && performance.now() - t0 < 10_000)
          await sleep(0.2);
        if ((err.match(/watch: /g) ?? []).length === lines) unobserved++;
        else byKind[kind].push(performance.now() - t0);
        continue;
      }
      let body: Body;
      let ip: string;
      if (kind === 'pod added') {
        const like = podsNow[Math.floor(rand() * podsNow.length)];
        const node = nodes[i % nodes.length];
        const k = added.get(node.metadata.name) ?? 0;
        added.set(node.metadata.name, k + 1);
        const base = node.spec.podCIDRs[0].split('/')[0].split('.').map(Number);
        ip = `${base[0]}.${base[1]}.${base[2]}.${200 + k}`;
        body = podBody(
          {
            name: `added-${i}`,
            namespace: like.metadata.namespace!,
            labels: like.metadata.labels ?? {},
            nodeName: node.metadata.name,
            ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          },
          ip,
          like.status.hostIP,
        ) as Body;
      } else {
        const p = podsNow[Math.floor(rand() * podsNow.length)];
        const other =
          podsNow.find(
            (q) =>
              q.metadata.namespace === p.metadata.namespace &&
              q.metadata.labels?.app !== p.metadata.labels?.app,
          ) ?? p;
        p.metadata.labels = { ...other.metadata.labels };
        ip = p.status.podIP;
        body = structuredClone(p);
      }
      const before = await ptr(ip);
      const t0 = performance.now();
      send(body);
      let now = before;
      while ((now = await ptr(ip)) === before && performance.now() - t0 < 3_000);
      if (now === before) unobserved++;
      else byKind[kind].push(performance.now() - t0);
    }
    const all = Object.values(byKind)
      .flat()
      .sort((a, b) => a - b);
    const row: Record<string, unknown> = {
      source,
      pods,
      events,
      startS: round(startS),
      p50ms: round(pct(all, 50)),
      p99ms: round(pct(all, 99)),
      maxMs: round(all[all.length - 1]),
    };
    for (const [k, v] of Object.entries(byKind))
      row[`p50/p99 ${k}`] = `${round(
        pct(
          v.sort((a, b) => a - b),
          50,
        ),
      )}/${round(pct(v, 99))}`;
    row.inPlace = (err.match(/applied in place/g) ?? []).length;
    row.rebuilt = (err.match(/model rebuilt/g) ?? []).length;
    row.unobserved = unobserved;
    return row;
  } finally {
    const exited = new Promise((res) => child.once('exit', res));
    child.kill('SIGINT');
    await exited;
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2]) {
  const row = await one(
    process.argv[2] as 'live' | 'file',
    Number(process.argv[3]),
    Number(process.argv[4] ?? 1000),
  );
  process.stdout.write(JSON.stringify(row) + '\n');
  process.exit(0);
} else {
  const load = () =>
    loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  const rows: Record<string, unknown>[] = [];
  for (const pods of [10_000, 100_000])
    for (const source of ['live', 'file']) {
      const l = load();
      const out = execFileSync(
        process.execPath,
        ['--max-old-space-size=6000', '--import', 'tsx', 'bench/watch-e2e.ts', source, String(pods), '1000'],
        {
          encoding: 'utf8',
        },
      );
      rows.push({
        ...(JSON.parse(out.trim().split('\n').pop() as string) as Record<string, unknown>),
        load: l,
      });
      process.stderr.write(`watch-e2e ${source} ${pods}: ${JSON.stringify(rows.at(-1))}\n`);
    }
  const cols = Object.keys(rows[0]);
  const md = [
    '## `serve dns --watch`: watch event → served DNS answer (end to end, model kept in place)',
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; \`load\` is the load average when each run started (shared machine). See bench/watch-e2e.ts for what the clock measures.`,
    '',
    `| ${cols.join(' | ')} |`,
    `| ${cols.map(() => '---').join(' | ')} |`,
    ...rows.map((x) => `| ${cols.map((c) => String(x[c])).join(' | ')} |`),
    '',
  ].join('\n');
  writeFileSync('bench/results/watch-e2e.md', md);
  process.stdout.write(md);
}
