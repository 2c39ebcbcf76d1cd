/**
 * The DNS server over real sockets on 127.0.0.1 (ephemeral port): the answers of `answer()` on the wire, EDNS0
 * (RFC 6891), truncation and TCP retry (RFC 1035 §4.2, RFC 7766), AXFR refused, NOTIMP/FORMERR/BADVERS, malformed
 * packets dropped and counted without harm, and the same answers through `dig` when it is installed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFromTexts } from '../../api/index.ts';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { createDns, rdataText } from '../../analysis/dns/index.ts';
import { fixtureProfile, fixtureYaml } from '../../analysis/dns/_fixture.ts';
import { startDnsServer, type RunningDnsServer } from './index.ts';
import { decode, frame, query, tcp, udp } from './_test-client.ts';

// A headless Service with 60 ready endpoints: its A answer does not fit 512 octets.
const many = Array.from(
  { length: 60 },
  (_, i) =>
    `---\napiVersion: v1\nkind: Pod\nmetadata: {name: big-${i}, namespace: shop, labels: {app: big}}\nspec: {containers: [{name: c, image: x}]}\nstatus: {phase: Running, podIP: 10.244.9.${i + 1}}\n`,
).join('');
const yaml = `${fixtureYaml}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: big, namespace: shop}\nspec: {clusterIP: None, selector: {app: big}, ports: [{port: 80}]}\n${many}`;
const dns = createDns(buildYaml(yaml, { profile: fixtureProfile }).model);

let server: RunningDnsServer;
before(async () => {
  server = await startDnsServer({ host: '127.0.0.1', port: 0, answerer: dns });
});
after(() => server.close());

const dataOf = (a: { data?: unknown; type: string }) =>
  a.type === 'SRV'
    ? (({ priority, weight, port, target }) => `${priority} ${weight} ${port} ${target}.`)(
        a.data as { priority: number; weight: number; port: number; target: string },
      )
    : typeof a.data === 'string' && a.type !== 'A' && a.type !== 'AAAA'
      ? `${a.data}.`
      : String(a.data);

describe('serve dns over UDP and TCP', () => {
  it('answers as answer() does: rcode, flags aa, answers in order', async () => {
    for (const [name, type] of [
      ['web.shop.svc.cluster.local', 'A'],
      ['_pg._tcp.db.shop.svc.cluster.local', 'SRV'],
      ['20.0.96.10.in-addr.arpa', 'PTR'],
      ['nope.shop.svc.cluster.local', 'A'],
      ['ext.shop.svc.cluster.local', 'CNAME'],
    ]) {
      const reply = decode((await udp(server.port, query(name, type)))!);
      const want = dns.answer({ name, type });
      assert.equal(reply.rcode, want.rcode, name);
      assert.equal(reply.id, 4242);
      assert.equal(!!((reply.flags ?? 0) & 0x400), want.authoritative, `${name} aa`);
      assert.deepEqual(
        (reply.answers ?? []).map(dataOf),
        want.answer.map((r) => rdataText(r.rdata)),
        name,
      );
      assert.equal((reply.authorities ?? []).length, want.authority.length, `${name} authority`);
    }
  });

  it('forward: a name sent upstream that externalHosts does not list gets SERVFAIL, not a made-up NXDOMAIN', async () => {
    const reply = decode((await udp(server.port, query('unknown.example.com', 'A')))!);
    assert.equal(reply.rcode, 'SERVFAIL');
    assert.equal((reply.answers ?? []).length, 0);
    // A single-label A name is still NXDOMAIN (ICANN SAC053: no dotless domains).
    assert.equal(decode((await udp(server.port, query('intranet', 'A')))!).rcode, 'NXDOMAIN');
  });

  it('EDNS0: an OPT record comes back; a large answer fits the advertised size', async () => {
    const reply = decode((await udp(server.port, query('big.shop.svc.cluster.local', 'A', { edns: 4096 })))!);
    assert.equal(reply.answers?.length, 60);
    assert.equal(reply.additionals?.[0]?.type, 'OPT');
  });

  it('truncation: over 512 octets without EDNS0 the UDP reply has TC set; TCP returns everything', async () => {
    const raw = (await udp(server.port, query('big.shop.svc.cluster.local', 'A')))!;
    assert.ok(raw.length <= 512);
    const reply = decode(raw);
    assert.ok((reply.flags ?? 0) & 0x200, 'TC set');
    assert.equal(reply.answers?.length ?? 0, 0);
    const [full] = await tcp(server.port, [frame(query('big.shop.svc.cluster.local', 'A'))], 1);
    assert.equal(decode(full).answers?.length, 60);
  });

  it('TCP: several queries in one write and one query split across writes are all answered', async () => {
    const a = frame(query('web.shop.svc.cluster.local', 'A', { id: 1 }));
    const b = frame(query('db.shop.svc.cluster.local', 'A', { id: 2 }));
    const replies = await tcp(server.port, [Buffer.concat([a, b.subarray(0, 5)]), b.subarray(5)], 2);
    assert.deepEqual(
      replies.map((r) => decode(r).id),
      [1, 2],
    );
  });

  it('AXFR and IXFR are refused; other opcodes get NOTIMP; two questions FORMERR; EDNS version 1 BADVERS', async () => {
    const [axfr] = await tcp(server.port, [frame(query('cluster.local', 'AXFR'))], 1);
    assert.equal(decode(axfr).rcode, 'REFUSED');
    const notify = query('cluster.local', 'SOA');
    notify.writeUInt16BE(notify.readUInt16BE(2) | (4 << 11), 2);
    assert.equal(decode((await udp(server.port, notify))!).rcode, 'NOTIMP');
    const two = Buffer.from(query('a.cluster.local', 'A'));
    two.writeUInt16BE(2, 4);
    assert.equal(decode((await udp(server.port, two))!).rcode, 'FORMERR');
    const v1 = query('web.shop.svc.cluster.local', 'A', { edns: 1232 });
    v1[v1.length - 5] = 1; // EDNS version byte of the OPT record's TTL
    const bad = (await udp(server.port, v1))!;
    assert.equal(bad[bad.length - 6], 1, 'extended rcode 1 (BADVERS = 16)');
  });

  it('malformed packets are dropped and counted, and the server keeps answering', async () => {
    const before = server.stats.malformed;
    for (const junk of [
      Buffer.from([1, 2, 3]),
      Buffer.alloc(12, 0xff),
      Buffer.from('not a dns packet at all, not at all'),
    ])
      assert.equal(await udp(server.port, junk, 200), undefined);
    assert.equal(server.stats.malformed, before + 3);
    assert.equal(
      decode((await udp(server.port, query('web.shop.svc.cluster.local', 'A')))!).rcode,
      'NOERROR',
    );
  });
});

const hasDig = (() => {
  try {
    execFileSync('dig', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe(
  'dig against serve dns',
  { skip: hasDig ? false : 'dig is not installed (apt-get install dnsutils)' },
  () => {
    // Asynchronous: the server answers on this process's event loop.
    const dig = async (...args: string[]) =>
      (
        await promisify(execFile)(
          'dig',
          ['@127.0.0.1', '-p', String(server.port), '+time=2', '+tries=1', ...args],
          { encoding: 'utf8' },
        )
      ).stdout;
    it('dig +short gives the answers of answer() for A, SRV, PTR, TXT (UDP and TCP)', async () => {
      for (const [name, type] of [
        ['web.shop.svc.cluster.local', 'A'],
        ['db.shop.svc.cluster.local', 'A'],
        ['_pg._tcp.db.shop.svc.cluster.local', 'SRV'],
        ['dns-version.cluster.local', 'TXT'],
        ['alias.shop.svc.cluster.local', 'A'],
      ]) {
        const want = dns
          .answer({ name, type })
          .answer.map((r) => rdataText(r.rdata))
          .join('\n');
        assert.equal((await dig('+short', name, type)).trim(), want, `${name} ${type}`);
        assert.equal((await dig('+short', '+tcp', name, type)).trim(), want, `${name} ${type} over TCP`);
      }
      assert.equal((await dig('+short', '-x', '10.96.0.20')).trim(), 'web.shop.svc.cluster.local.');
    });
    it('dig sees NXDOMAIN with the SOA, and retries a truncated reply over TCP by itself', async () => {
      assert.match(
        await dig('nope.shop.svc.cluster.local'),
        /status: NXDOMAIN[\s\S]*AUTHORITY SECTION:\ncluster\.local\.\s+30\s+IN\s+SOA/,
      );
      const big = await dig('+noedns', 'big.shop.svc.cluster.local');
      assert.match(big, /Truncated, retrying in TCP mode/);
      assert.match(big, /ANSWER: 60,/);
    });
  },
);

describe(
  'dig against serve dns on the e-commerce example',
  { skip: hasDig ? false : 'dig is not installed (apt-get install dnsutils)' },
  () => {
    let example: RunningDnsServer;
    const dir = 'examples/e-commerce/as-documented';
    const exampleDns = createDns(
      buildFromTexts(
        readdirSync(dir)
          .sort()
          .map((f) => ({ file: join(dir, f), text: readFileSync(join(dir, f), 'utf8') })),
      ).model,
    );
    before(async () => {
      example = await startDnsServer({ host: '127.0.0.1', port: 0, answerer: exampleDns });
    });
    after(() => example.close());
    it('answers the names of the reference documents as resolve does (auth-service, rabbitmq-cluster-1 of the StatefulSet)', async () => {
      const dig = async (...args: string[]) =>
        (
          await promisify(execFile)(
            'dig',
            ['@127.0.0.1', '-p', String(example.port), '+time=2', '+tries=1', '+short', ...args],
            { encoding: 'utf8' },
          )
        ).stdout.trim();
      assert.equal(await dig('auth-service.e-commerce.svc.cluster.local'), '10.96.1.10');
      assert.equal(await dig('rabbitmq-cluster.e-commerce-messaging.svc.cluster.local'), '10.96.2.10');
      const rabbit1 = exampleDns
        .answer({
          name: 'rabbitmq-cluster-1.rabbitmq-cluster-nodes.e-commerce-messaging.svc.cluster.local',
          type: 'A',
        })
        .answer.map((r) => rdataText(r.rdata));
      assert.equal(rabbit1.length, 1);
      assert.equal(
        await dig('rabbitmq-cluster-1.rabbitmq-cluster-nodes.e-commerce-messaging.svc.cluster.local'),
        rabbit1[0],
      );
    });
  },
);
