/**
 * `kubetwin serve dns --watch` end to end: a child process on 127.0.0.1 (free port), queried over UDP while the
 * manifests change; the new Service answers after the reload and no query goes unanswered meanwhile.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as packet from 'dns-packet';
import { query, udp } from '../servers/dns-server/_test-client.ts';

const svc = (name: string, ip: string) =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: default}\nspec: {clusterIP: ${ip}, ports: [{port: 80}]}\n`;

test(
  'serve dns --watch reloads changed manifests without dropping queries',
  { timeout: 300_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubetwin-dns-'));
    writeFileSync(join(dir, 'a.yaml'), svc('first', '10.96.0.50'));
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
        '--listen',
        '127.0.0.1:0',
        '--watch',
        '-q',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const waitFor = async (re: RegExp, ms = 15_000) => {
      const end = Date.now() + ms;
      while (!re.test(err)) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${re}; stderr:\n${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return re.exec(err)!;
    };
    try {
      const port = Number((await waitFor(/on 127\.0\.0\.1:(\d+) \(UDP and TCP\)/, 150_000))[1]);
      const ask = async (name: string) => {
        const r = await udp(port, query(name, 'A'), 1000);
        return r ? (packet.decode(r) as { rcode?: string }).rcode : 'TIMEOUT';
      };
      assert.equal(await ask('first.default.svc.cluster.local'), 'NOERROR');
      assert.equal(await ask('second.default.svc.cluster.local'), 'NXDOMAIN');
      writeFileSync(join(dir, 'b.yaml'), svc('second', '10.96.0.51'));
      const seen: string[] = [];
      const end = Date.now() + 15_000;
      while (!/reloaded/.test(err) && Date.now() < end)
        seen.push((await ask('first.default.svc.cluster.local')) ?? 'none');
      await waitFor(/reloaded the manifests/);
      assert.ok(
        seen.every((s) => s === 'NOERROR'),
        `answers during the reload: ${[...new Set(seen)].join(', ')}`,
      );
      assert.equal(await ask('second.default.svc.cluster.local'), 'NOERROR');
    } finally {
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGINT');
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      assert.equal(code, 0, err);
      assert.match(err, /stopped: \d+ queries/);
    }
  },
);

test(
  'serve dns with an invalid object serves the rest, shows the error at its line and exits 2 when stopped',
  { timeout: 300_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubetwin-dns-'));
    writeFileSync(join(dir, 'a.yaml'), svc('good', '10.96.0.60'));
    writeFileSync(
      join(dir, 'b.yaml'),
      'apiVersion: v1\nkind: Service\nmetadata: {name: bad, namespace: default}\nspec: {ports: [{port: abc}]}\n',
    );
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'serve', 'dns', '-f', dir, '--listen', '127.0.0.1:0', '-q'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      const end = Date.now() + 150_000;
      while (!/:(\d+) \(UDP and TCP\)/.test(err) && Date.now() < end && child.exitCode === null)
        await new Promise((r) => setTimeout(r, 50));
      const port = Number(/:(\d+) \(UDP and TCP\)/.exec(err)?.[1]);
      assert.ok(port, err);
      assert.match(err, /b\.yaml:4:\d+: error invalid-field-type: spec\.ports\[0\]\.port/);
      const r = await udp(port, query('good.default.svc.cluster.local', 'A'), 1000);
      assert.equal((packet.decode(r!) as { rcode?: string }).rcode, 'NOERROR');
    } finally {
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGINT');
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      assert.equal(code, 2, err);
    }
  },
);
