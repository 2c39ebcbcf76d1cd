/**
 * `kubetwin serve dns` as shipped, end to end on the e-commerce example: the launcher runs the builder, the serving
 * process answers from the compiled zone and the answerer. Every reply, over UDP and TCP and in any letter case
 * (RFC 4343), is byte for byte the reply the in-process answerer gives, and `dig` (Debian's dnsutils) prints the
 * answers the reference documents' DNS sections describe.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildFromTexts } from '../api/index.ts';
import { createDns } from '../analysis/dns/index.ts';
import { newServerStats as stats, reply } from '../servers/dns-server/_respond.ts';
import { frame, query, tcp, udp } from '../servers/dns-server/_test-client.ts';

const dir = 'examples/e-commerce/as-documented';
const model = buildFromTexts(
  readdirSync(dir)
    .sort()
    .map((f) => ({ file: join(dir, f), text: readFileSync(join(dir, f), 'utf8') })),
).model;
const dns = createDns(model);

const questions: [string, string][] = [
  ['auth-service.e-commerce.svc.cluster.local', 'A'],
  ['AUTH-Service.E-Commerce.svc.cluster.local', 'A'],
  ['rabbitmq-cluster-1.rabbitmq-cluster-nodes.e-commerce-messaging.svc.cluster.local', 'A'],
  ['rabbitmq-cluster.e-commerce-messaging.svc.cluster.local', 'A'],
  ['10.1.96.10.in-addr.arpa', 'PTR'],
  ['auth-service.e-commerce.svc.cluster.local', 'AAAA'],
  ['missing.e-commerce.svc.cluster.local', 'A'],
  ['dns-version.cluster.local', 'TXT'],
];

let child: ChildProcess;
let port = 0;
let err = '';
before(async () => {
  child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', 'dns', '-f', dir, '--listen', '127.0.0.1:0', '-q'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const end = Date.now() + 20_000;
  while (!/:(\d+) \(UDP and TCP\)/.test(err)) {
    if (Date.now() > end || child.exitCode !== null) throw new Error(`serve dns did not start:\n${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  port = Number(/:(\d+) \(UDP and TCP\)/.exec(err)![1]);
});
after(async () => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
});

let hasDig = true;
try {
  execFileSync('dig', ['-v'], { stdio: 'ignore' });
} catch {
  hasDig = false;
}

describe('serve dns on the e-commerce example (launcher, builder and serving process)', () => {
  it('replies over UDP and TCP byte for byte as the in-process answerer, in any letter case', async () => {
    for (const [name, type] of questions) {
      for (const edns of [undefined, 1232]) {
        const q = query(name, type, { id: 4711, ...(edns ? { edns } : {}) });
        const want = reply(q, dns, 'udp', stats())!.bytes.toString('hex');
        assert.equal((await udp(port, q))?.toString('hex'), want, `${name} ${type} over UDP`);
        const [overTcp] = await tcp(port, [frame(q)], 1);
        assert.equal(overTcp?.toString('hex'), reply(q, dns, 'tcp', stats())!.bytes.toString('hex'));
      }
    }
  });

  it(
    'dig @127.0.0.1 prints the answers of the reference documents (auth-service, rabbitmq-cluster-1)',
    { skip: hasDig ? false : 'dig is not installed (apt-get install dnsutils)' },
    async () => {
      const dig = async (...args: string[]) =>
        (
          await promisify(execFile)(
            'dig',
            ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=1', '+short', ...args],
            { encoding: 'utf8' },
          )
        ).stdout.trim();
      assert.equal(await dig('auth-service.e-commerce.svc.cluster.local'), '10.96.1.10');
      const rabbit = 'rabbitmq-cluster-1.rabbitmq-cluster-nodes.e-commerce-messaging.svc.cluster.local';
      const want = dns
        .answer({ name: rabbit, type: 'A' })
        .answer.map((r) => (r.rdata as { address: string }).address);
      assert.equal(want.length, 1);
      assert.equal(await dig(rabbit), want[0]);
      assert.equal(await dig('-x', '10.96.1.10'), 'auth-service.e-commerce.svc.cluster.local.');
    },
  );

  it('answered the zone from the compiled table and the rest through the answerer (stopped: line)', async () => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await exited;
    const m = /stopped: (\d+) queries, (\d+) answered \((\d+) from the compiled zone/.exec(err);
    assert.ok(m, err);
    assert.ok(Number(m[3]) > 0 && Number(m[3]) < Number(m[2]), err);
  });
});
