/**
 * `kubetwin serve dns -f DIR --watch` keeps the model in place: a manifest file edited (a pod relabelled into a
 * headless Service, a pod added) becomes per-object events, and the served answer changes with zone deltas, never
 * a whole new zone (the launcher's `KUBETWIN_DEBUG=watch` lines and the serving process's closing count say so).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as packet from 'dns-packet';
import { query, udp } from '../servers/dns-server/_test-client.ts';

const pod = (name: string, ip: string, app: string) => `---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: demo, labels: {app: ${app}}}
spec: {nodeName: node-1, containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}
status: {phase: Running, podIP: ${ip}, podIPs: [{ip: ${ip}}], conditions: [{type: Ready, status: "True"}]}
`;

const base = `apiVersion: v1
kind: Namespace
metadata: {name: demo}
---
apiVersion: v1
kind: Node
metadata: {name: node-1}
spec: {podCIDR: 10.244.1.0/24, podCIDRs: [10.244.1.0/24]}
status: {addresses: [{type: InternalIP, address: 192.168.0.11}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: demo}
spec: {clusterIP: None, selector: {app: web}, ports: [{name: http, port: 80, targetPort: 8080}]}
`;

test(
  'serve dns -f --watch applies a changed file object by object, in place',
  { timeout: 300_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubetwin-watch-'));
    writeFileSync(join(dir, 'base.yaml'), base);
    writeFileSync(join(dir, 'pods.yaml'), pod('a', '10.244.1.10', 'web') + pod('b', '10.244.1.11', 'other'));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'serve',
        'dns',
        '-f',
        dir,
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
      const end = Date.now() + 200_000;
      while (!/on 127\.0\.0\.1:(\d+) \(UDP and TCP\)/.test(err)) {
        if (Date.now() > end || child.exitCode !== null) throw new Error(`server did not start:\n${err}`);
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
        const stop = Date.now() + 30_000;
        let got = '';
        while ((got = await ask(name)) !== want) {
          if (Date.now() > stop) assert.fail(`${name}: ${got}, want ${want}; stderr:\n${err}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      await until('web.demo.svc.cluster.local', 'NOERROR 10.244.1.10');
      // b relabelled into the Service (same line count: the other objects keep their positions).
      writeFileSync(join(dir, 'pods.yaml'), pod('a', '10.244.1.10', 'web') + pod('b', '10.244.1.11', 'web'));
      await until('web.demo.svc.cluster.local', 'NOERROR 10.244.1.10 10.244.1.11');
      // c added at the end of the file.
      writeFileSync(
        join(dir, 'pods.yaml'),
        pod('a', '10.244.1.10', 'web') + pod('b', '10.244.1.11', 'web') + pod('c', '10.244.1.12', 'web'),
      );
      await until('web.demo.svc.cluster.local', 'NOERROR 10.244.1.10 10.244.1.11 10.244.1.12');
      assert.match(err, /watch: files changed: applied in place, 1 zone delta\(s\) sent/);
      assert.doesNotMatch(err, /model rebuilt/);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
    assert.match(err, /[1-9]\d* zone update\(s\) in place, 0 whole reload\(s\)/);
  },
);
