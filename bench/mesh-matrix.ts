/**
 * Mesh matrix benchmark: `matrix --by workload` on the realistic cluster (bench/generate.ts) with every
 * namespace injected, mesh-wide STRICT mTLS and one AuthorizationPolicy per Deployment (ALLOW from its own
 * namespace to the http port), against the same cluster without mesh security objects.
 * Run: node --import tsx bench/mesh-matrix.ts [PODS] (default 30000; writes bench/results/mesh-matrix.md).
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { generateBodies, profileFor } from './generate.ts';
import { buildCluster } from '../src/cluster/index.ts';
import { computeMatrix } from '../src/analysis/matrix/index.ts';
import { PolicyEngine } from '../src/analysis/policy/index.ts';
import { rawFromData } from '../src/parse/index.ts';

const pods = Number(process.argv[2] ?? 30000);

function bodies(withMesh: boolean): Record<string, unknown>[] {
  const out = generateBodies({ family: 'realistic', pods, seed: 1 }).map((b) => {
    const meta = b.metadata as { labels?: Record<string, string> };
    if (b.kind === 'Namespace' && withMesh) meta.labels = { ...meta.labels, 'istio-injection': 'enabled' };
    return b;
  });
  if (!withMesh) return out;
  const extra: Record<string, unknown>[] = [
    {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: 'istio-system' },
      spec: { mtls: { mode: 'STRICT' } },
    },
  ];
  for (const b of out)
    if (b.kind === 'Deployment') {
      const m = b.metadata as { name: string; namespace: string };
      extra.push({
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: { name: `allow-${m.name}`, namespace: m.namespace },
        spec: {
          selector: { matchLabels: { app: m.name } },
          rules: [
            { from: [{ source: { namespaces: [m.namespace] } }], to: [{ operation: { ports: ['8080'] } }] },
          ],
        },
      });
    }
  return [...out, ...extra];
}

function run(withMesh: boolean) {
  const bs = bodies(withMesh);
  const profile = { ...profileFor(pods), ...(withMesh ? { mesh: { name: 'istio' as const } } : {}) };
  const t0 = performance.now();
  const { model } = buildCluster(
    bs.map((b, i) => rawFromData(b, { file: '<generated>', doc: i, line: 1, column: 1 })),
    { profile },
  );
  const built = performance.now() - t0;
  const t1 = performance.now();
  const m = computeMatrix(new PolicyEngine(model), { by: 'workload' });
  let allowed = 0;
  let entries = 0;
  for (const row of m.rows())
    for (const e of row.entries) {
      entries++;
      allowed += e.allowedPairs;
    }
  const matrixMs = performance.now() - t1;
  const aps = model.mesh?.authorizationPolicies.length ?? 0;
  return {
    withMesh,
    pods: model.pods.length,
    aps,
    buildMs: Math.round(built),
    matrixMs: Math.round(matrixMs),
    entries,
    allowed,
  };
}

const load = loadavg()[0].toFixed(1);
const rows = [run(false), run(true)];
const md = [
  '## Mesh matrix (`matrix --by workload`, STRICT mTLS + one AuthorizationPolicy per workload)',
  '',
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${load} → ${loadavg()[0].toFixed(1)}`,
  '',
  '| cluster | pods | AuthorizationPolicies | build (ms) | matrix, all rows (ms) | entries | allowed pairs |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.withMesh ? 'Istio: STRICT + AuthorizationPolicies' : 'no mesh'} | ${r.pods} | ${r.aps} | ${r.buildMs} | ${r.matrixMs} | ${r.entries} | ${r.allowed} |`,
  ),
  '',
].join('\n');
writeFileSync('bench/results/mesh-matrix.md', md);
process.stdout.write(md);
