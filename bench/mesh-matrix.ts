/**
 * Mesh matrix benchmark: `matrix --by workload` on the realistic cluster (bench/generate.ts) with every
 * namespace injected, mesh-wide STRICT mTLS and one AuthorizationPolicy per Deployment (ALLOW from its own
 * namespace to the http port), against the same cluster without mesh security objects; and the Linkerd
 * equivalent: every namespace injected, default inbound policy cluster-authenticated, one Server (port 8080)
 * and one AuthorizationPolicy (a MeshTLSAuthentication of its own namespace's identities) per Deployment.
 * Run: node --import tsx bench/mesh-matrix.ts [PODS] [none,istio,linkerd] (default 30000 and all three;
 * writes bench/results/mesh-matrix.md).
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { generateBodies, profileFor } from './generate.ts';
import { buildCluster } from '../src/cluster/index.ts';
import { computeMatrix } from '../src/analysis/matrix/index.ts';
import { PolicyEngine } from '../src/analysis/policy/index.ts';
import { rawFromData } from '../src/parse/index.ts';

const pods = Number(process.argv[2] ?? 30000);
type Mesh = 'none' | 'istio' | 'linkerd';
const meshes = (process.argv[3] ?? 'none,istio,linkerd').split(',') as Mesh[];

function linkerdBodies(): Record<string, unknown>[] {
  const out = generateBodies({ family: 'realistic', pods, seed: 1 }).map((b) => {
    const meta = b.metadata as { annotations?: Record<string, string> };
    if (b.kind === 'Namespace') meta.annotations = { ...meta.annotations, 'linkerd.io/inject': 'enabled' };
    return b;
  });
  const extra: Record<string, unknown>[] = [];
  const nss = new Set<string>();
  for (const b of out)
    if (b.kind === 'Deployment') {
      const m = b.metadata as { name: string; namespace: string };
      const policy = 'policy.linkerd.io';
      extra.push(
        {
          apiVersion: `${policy}/v1beta1`,
          kind: 'Server',
          metadata: { name: m.name, namespace: m.namespace },
          spec: { podSelector: { matchLabels: { app: m.name } }, port: 8080 },
        },
        {
          apiVersion: `${policy}/v1alpha1`,
          kind: 'AuthorizationPolicy',
          metadata: { name: `allow-${m.name}`, namespace: m.namespace },
          spec: {
            targetRef: { group: policy, kind: 'Server', name: m.name },
            requiredAuthenticationRefs: [
              { group: policy, kind: 'MeshTLSAuthentication', name: 'same-namespace' },
            ],
          },
        },
      );
      if (!nss.has(m.namespace)) {
        nss.add(m.namespace);
        extra.push({
          apiVersion: `${policy}/v1alpha1`,
          kind: 'MeshTLSAuthentication',
          metadata: { name: 'same-namespace', namespace: m.namespace },
          spec: { identityRefs: [{ kind: 'ServiceAccount' }] },
        });
      }
    }
  return [...out, ...extra];
}

function bodies(mesh: Mesh): Record<string, unknown>[] {
  if (mesh === 'linkerd') return linkerdBodies();
  const withMesh = mesh === 'istio';
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

function run(mesh: Mesh) {
  const bs = bodies(mesh);
  const profile = {
    ...profileFor(pods),
    ...(mesh === 'istio' ? { mesh: { name: 'istio' as const } } : {}),
    ...(mesh === 'linkerd'
      ? { mesh: { name: 'linkerd' as const, defaultInboundPolicy: 'cluster-authenticated' } }
      : {}),
  };
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
  const aps =
    mesh === 'linkerd'
      ? (model.mesh?.linkerd.authorizationPolicies.length ?? 0)
      : (model.mesh?.authorizationPolicies.length ?? 0);
  return {
    mesh,
    pods: model.pods.length,
    aps,
    buildMs: Math.round(built),
    matrixMs: Math.round(matrixMs),
    entries,
    allowed,
  };
}

const load = loadavg()[0].toFixed(1);
const rows = meshes.map(run);
const md = [
  '## Mesh matrix (`matrix --by workload`, one authorization policy per workload: Istio STRICT mTLS + AuthorizationPolicy, Linkerd Server + AuthorizationPolicy)',
  '',
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${load} → ${loadavg()[0].toFixed(1)}`,
  '',
  '| cluster | pods | AuthorizationPolicies | build (ms) | matrix, all rows (ms) | entries | allowed pairs |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.mesh === 'istio' ? 'Istio: STRICT + AuthorizationPolicies' : r.mesh === 'linkerd' ? 'Linkerd: cluster-authenticated + Server and AuthorizationPolicy' : 'no mesh'} | ${r.pods} | ${r.aps} | ${r.buildMs} | ${r.matrixMs} | ${r.entries} | ${r.allowed} |`,
  ),
  '',
].join('\n');
writeFileSync('bench/results/mesh-matrix.md', md);
process.stdout.write(md);
