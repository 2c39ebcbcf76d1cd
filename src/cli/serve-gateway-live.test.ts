/**
 * `kubetwin serve gateway --kubeconfig … --watch` end to end: an Ingress rule added through the recorded API
 * server's watch stream starts routing its host to the mapped upstream.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeApiServer } from '../sources/live/_test-apiserver.ts';

const ingress = (hosts: string[]) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'app', namespace: 'shop' },
  spec: {
    ingressClassName: 'web',
    rules: hosts.map((host) => ({
      host,
      http: {
        paths: [
          { path: '/', pathType: 'Prefix', backend: { service: { name: 'app', port: { number: 80 } } } },
        ],
      },
    })),
  },
});

const get = (port: number, host: string) =>
  new Promise<number>((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });

test(
  'serve gateway --kubeconfig --watch routes an Ingress rule added on the cluster',
  { timeout: 300_000 },
  async () => {
    const s = await startFakeApiServer();
    s.serveBuiltins();
    s.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    s.apply({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: 'web' },
      spec: { controller: 'example.com/x' },
    });
    s.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'app', namespace: 'shop' },
      spec: { selector: { app: 'app' }, ports: [{ port: 80 }] },
    });
    s.apply(ingress(['a.example']));
    const upstream = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    const up = (upstream.address() as AddressInfo).port;
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'serve',
        'gateway',
        '--via',
        'ingress-class:web',
        '--kubeconfig',
        s.kubeconfig,
        '--watch',
        '--listen',
        '127.0.0.1:0',
        '--upstream',
        `shop/app=http://127.0.0.1:${up}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      // Start-up (tsx, the client library, the first list of every kind) as long as serve dns's tests allow: a loaded
      // machine; what is asserted is the routing once it answers.
      const started = Date.now() + 150_000;
      while (!/on http:\/\/127\.0\.0\.1:(\d+)/.test(err)) {
        if (Date.now() > started) throw new Error(`gateway did not start:\n${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const port = Number(/on http:\/\/127\.0\.0\.1:(\d+)/.exec(err)![1]);
      assert.equal(await get(port, 'a.example'), 200);
      assert.equal(await get(port, 'b.example'), 404);
      s.apply(ingress(['a.example', 'b.example']));
      const end = Date.now() + 15_000;
      while ((await get(port, 'b.example')) !== 200) {
        if (Date.now() > end) assert.fail(`b.example is not routed after the watch event; stderr:\n${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.match(err, /reloaded the routing/);
    } finally {
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGINT');
      await exited;
      upstream.close();
      await s.close();
    }
  },
);
