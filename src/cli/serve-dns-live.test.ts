/**
 * `kubetwin serve dns --kubeconfig … --watch` end to end: the recorded API server streams watch events (a Service
 * added, a pod added behind a headless Service, a Service deleted) and the served answers follow them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as packet from 'dns-packet';
import { query, udp } from '../servers/dns-server/_test-client.ts';
import { startFakeApiServer } from '../sources/live/_test-apiserver.ts';

const service = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'shop' },
  spec: { ports: [{ port: 80 }], ...spec },
});

const pod = (name: string, ip: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels: { app: 'db' } },
  spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80 }] }] },
  status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] },
});

test('serve dns --kubeconfig --watch answers from watch events', { timeout: 300_000 }, async () => {
  const s = await startFakeApiServer();
  s.serveBuiltins();
  s.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  s.apply(service('web', { clusterIP: '10.96.0.50' }));
  s.apply(service('db', { clusterIP: 'None', selector: { app: 'db' } }));
  s.apply(pod('db-0', '10.244.1.7'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', 'dns', '--kubeconfig', s.kubeconfig, '--watch'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  try {
    const end = Date.now() + 200_000;
    while (!/on 127\.0\.0\.1:(\d+) \(UDP and TCP\)/.test(err)) {
      if (Date.now() > end) throw new Error(`server did not start:\n${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const port = Number(/on 127\.0\.0\.1:(\d+) \(UDP and TCP\)/.exec(err)![1]);
    const ask = async (name: string) => {
      const r = await udp(port, query(name, 'A'), 1000);
      if (!r) return 'TIMEOUT';
      const m = packet.decode(r) as { rcode?: string; answers?: { data?: unknown }[] };
      return [m.rcode, ...(m.answers ?? []).map((a) => String(a.data)).sort()].join(' ');
    };
    const until = async (name: string, want: string) => {
      const stop = Date.now() + 15_000;
      let got = '';
      while ((got = await ask(name)) !== want) {
        if (Date.now() > stop) assert.fail(`${name}: ${got}, want ${want}; stderr:\n${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await until('web.shop.svc.cluster.local', 'NOERROR 10.96.0.50');
    await until('api.shop.svc.cluster.local', 'NXDOMAIN');
    await until('db.shop.svc.cluster.local', 'NOERROR 10.244.1.7');
    s.apply(service('api', { clusterIP: '10.96.0.51' }));
    await until('api.shop.svc.cluster.local', 'NOERROR 10.96.0.51');
    s.apply(pod('db-1', '10.244.2.8'));
    await until('db.shop.svc.cluster.local', 'NOERROR 10.244.1.7 10.244.2.8');
    s.remove('Service', 'shop', 'web');
    await until('web.shop.svc.cluster.local', 'NXDOMAIN');
  } finally {
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGINT');
    await exited;
    await s.close();
  }
});

const boundPod = (name: string, ip: string, app: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels: { app } },
  spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80 }] }] },
  status: {
    phase: 'Running',
    podIP: ip,
    podIPs: [{ ip }],
    hostIP: '192.168.0.11',
    conditions: [{ type: 'Ready', status: 'True' }],
  },
});

test(
  'serve dns --kubeconfig --watch applies pod events in place, without a rebuild',
  { timeout: 300_000 },
  async () => {
    const s = await startFakeApiServer();
    s.serveBuiltins();
    s.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    s.apply({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-1' },
      spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] },
      status: { addresses: [{ type: 'InternalIP', address: '192.168.0.11' }] },
    });
    s.apply(service('db', { clusterIP: 'None', selector: { app: 'db' } }));
    s.apply(boundPod('db-0', '10.244.1.7', 'db'));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'serve',
        'dns',
        '--kubeconfig',
        s.kubeconfig,
        '--watch',
        '--listen',
        '127.0.0.1:0',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, KUBETWIN_DEBUG: 'watch' } },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      const end = Date.now() + 200_000;
      while (!/on 127\.0\.0\.1:(\d+) \(UDP and TCP\)/.test(err)) {
        if (Date.now() > end) throw new Error(`server did not start:\n${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const port = Number(/on 127\.0\.0\.1:(\d+) \(UDP and TCP\)/.exec(err)![1]);
      const ask = async (name: string) => {
        const r = await udp(port, query(name, 'A'), 1000);
        if (!r) return 'TIMEOUT';
        const m = packet.decode(r) as { rcode?: string; answers?: { data?: unknown }[] };
        return [m.rcode, ...(m.answers ?? []).map((a) => String(a.data)).sort()].join(' ');
      };
      const until = async (name: string, want: string) => {
        const stop = Date.now() + 15_000;
        let got = '';
        while ((got = await ask(name)) !== want) {
          if (Date.now() > stop) assert.fail(`${name}: ${got}, want ${want}; stderr:\n${err}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      await until('db.shop.svc.cluster.local', 'NOERROR 10.244.1.7');
      s.apply(boundPod('db-1', '10.244.1.8', 'db')); // a pod added
      await until('db.shop.svc.cluster.local', 'NOERROR 10.244.1.7 10.244.1.8');
      s.apply(boundPod('db-0', '10.244.1.7', 'cache')); // a label changed: out of the Service
      await until('db.shop.svc.cluster.local', 'NOERROR 10.244.1.8');
      s.remove('Pod', 'shop', 'db-1'); // a pod deleted: a headless Service without endpoints has no name
      await until('db.shop.svc.cluster.local', 'NXDOMAIN');
      // Each event was taken in place: the launcher sent zone deltas, never a whole zone. Its log line for the last
      // event may follow the answer it made current (two processes writing stderr), so wait for it briefly.
      const inPlace = /watch: (upsert|delete) Pod: applied in place, 1 zone delta\(s\) sent/g;
      for (let t = Date.now() + 5000; (err.match(inPlace) ?? []).length < 3 && Date.now() < t;)
        await new Promise((r) => setTimeout(r, 20));
      assert.equal(
        (err.match(/watch: (upsert|delete) Pod: applied in place, 1 zone delta\(s\) sent/g) ?? []).length,
        3,
        err,
      );
      assert.doesNotMatch(err, /model rebuilt/);
      assert.equal((err.match(/zone updated in place/g) ?? []).length, 3, err);
    } finally {
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGINT');
      await exited;
      await s.close();
    }
    assert.match(err, /3 zone update\(s\) in place, 0 whole reload\(s\)/);
  },
);
