/**
 * `kubetwin ui --kubeconfig … --watch` end to end through the recorded API server: a Deployment added on the cluster
 * appears in the page's graph (`/api/graph`) without a reload, and one removed disappears (issue 16: "files or the
 * live cluster change → the page updates").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeApiServer } from '../sources/live/_test-apiserver.ts';
import { startUi } from './ui.ts';

const deployment = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'shop' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 8080 }] }] },
    },
  },
});

async function graphHas(url: string, name: string, want: boolean): Promise<boolean> {
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    const text = await (await fetch(`${url}api/graph`)).text();
    if (text.includes(`shop/${name}`) === want) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

test(
  'ui --kubeconfig --watch: a Deployment added and removed on the cluster updates the graph',
  { timeout: 90_000 },
  async () => {
    const s = await startFakeApiServer();
    s.serveBuiltins();
    s.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    s.apply(deployment('web'));
    const err: string[] = [];
    const ui = await startUi(
      { kubeconfig: s.kubeconfig, watch: true, listen: '127.0.0.1:0', namespace: 'default' } as Parameters<
        typeof startUi
      >[0],
      {
        stdout: () => undefined,
        stderr: (t: string) => void err.push(t),
        exit: () => undefined,
        readStdin: async () => '',
      } as unknown as Parameters<typeof startUi>[1],
    );
    assert.ok(typeof ui !== 'number', `ui did not start: ${err.join('')}`);
    try {
      const url = ui.url.endsWith('/') ? ui.url : `${ui.url}/`;
      assert.ok(await graphHas(url, 'web', true), 'the listed Deployment is drawn');
      assert.ok(await graphHas(url, 'api', false));
      s.apply(deployment('api'));
      assert.ok(await graphHas(url, 'api', true), 'a Deployment added on the cluster appears');
      s.remove('Deployment', 'shop', 'api');
      assert.ok(await graphHas(url, 'api', false), 'a Deployment removed from the cluster disappears');
    } finally {
      await ui.close();
      await s.close();
    }
  },
);
