/**
 * The e-commerce example served by the recorded API server gives the same answers as its files: the live source
 * reads the same objects (typed lists, paging, kube-system ConfigMaps, a CRD kind) and the builder does the rest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifests } from '../parse/index.ts';
import { kinds } from '../model/catalogue.ts';
import { runCli } from './_test-run.ts';
import { startFakeApiServer } from '../sources/live/_test-apiserver.ts';

const dir = 'examples/e-commerce/fixed';
const profile = join(dir, 'kubetwin.yaml');

test(
  'e-commerce example: matrix, endpoints and resolve from the live cluster equal those from the files',
  { timeout: 60_000 },
  async () => {
    const s = await startFakeApiServer();
    s.serveBuiltins();
    s.serve('cert-manager.io/v1', 'ClusterIssuer', 'clusterissuers', false);
    const texts = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml') && f !== 'kubetwin.yaml')
      .map((f) => ({ file: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
    const clusterScoped = new Set(kinds.filter((k) => !k.namespaced).map((k) => k.kind));
    for (const o of parseManifests(texts).objects) {
      const meta = o.body.metadata as Record<string, unknown>;
      // As `kubectl apply` would store them: namespaced objects get the default namespace.
      const namespace = clusterScoped.has(String(o.body.kind))
        ? undefined
        : ((meta.namespace as string) ?? 'default');
      s.apply({ ...o.body, metadata: { ...meta, ...(namespace ? { namespace } : {}) } });
    }
    try {
      const questions = [
        ['matrix', '-A', '-o', 'json'],
        ['endpoints', 'service:e-commerce/api-gateway', '--port', 'http'],
        ['resolve', 'auth-service.e-commerce.svc.cluster.local'],
        ['get', 'pods', '-A', '-o', 'wide'],
      ];
      for (const q of questions) {
        const files = await runCli([...q, '-f', dir, '-q']);
        const live = await runCli([...q, '--kubeconfig', s.kubeconfig, '--profile', profile, '-q']);
        assert.equal(live.stderr, '', q.join(' '));
        assert.equal(live.code, files.code, q.join(' '));
        assert.equal(live.stdout, files.stdout, q.join(' '));
      }
    } finally {
      await s.close();
    }
  },
);
