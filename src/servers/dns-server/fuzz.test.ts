/**
 * Fuzzing for a bounded time: random and mutated packets into the reply path and through a real UDP socket. No
 * packet may throw or hang; every well-formed query (judged independently by dns-packet: it decodes, is a query with
 * one question and no other records but an OPT, and re-encodes to the same bytes) gets a reply with its ID.
 * Seeded, so a failure can be replayed (KUBETWIN_FUZZ_SEED, KUBETWIN_FUZZ_MS).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as packet from 'dns-packet';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { buildDnsData, createDnsFromData, zoneQuestions } from '../../analysis/dns/index.ts';
import { fixtureProfile, fixtureYaml } from '../../analysis/dns/_fixture.ts';
import { newServerStats, replyFromTable, respond } from './_respond.ts';
import { AnswerTable } from './_answer-table.ts';
import { startDnsServer, type RunningDnsServer } from './index.ts';
import { query, udp } from './_test-client.ts';

const seed = Number(process.env.KUBETWIN_FUZZ_SEED ?? 20261123);
const budgetMs = Number(process.env.KUBETWIN_FUZZ_MS ?? 1500);
/** With KUBETWIN_FUZZ_PACKETS the reply-path campaign runs that many packets instead of for `budgetMs`. */
const packets = Number(process.env.KUBETWIN_FUZZ_PACKETS ?? 0);
const model = buildYaml(fixtureYaml, { profile: fixtureProfile }).model;
const data = buildDnsData(model);
const dns = createDnsFromData(data);
const table = AnswerTable.compile(dns, zoneQuestions(data, model.pods));

function rng(s: number): () => number {
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const names = [
  'web.shop.svc.cluster.local',
  'db.shop.svc.cluster.local',
  '_pg._tcp.db.shop.svc.cluster.local',
  '10-244-1-10.shop.pod.cluster.local',
  '20.0.96.10.in-addr.arpa',
  'x.example.com',
  'cluster.local',
  'dns-version.cluster.local',
];
const types = ['A', 'AAAA', 'SRV', 'PTR', 'TXT', 'CNAME', 'MX', 'SOA', 'NS', 'ANY', 'AXFR'];

function mutate(r: () => number): Buffer {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const kind = r();
  if (kind < 0.2)
    return Buffer.from(Array.from({ length: Math.floor(r() * 80) }, () => Math.floor(r() * 256)));
  const base = Buffer.from(
    query(pick(names), pick(types), {
      id: Math.floor(r() * 65536),
      ...(r() < 0.5 ? { edns: 512 + Math.floor(r() * 4000) } : {}),
    }),
  );
  if (kind < 0.35) return base;
  const b = Buffer.from(base);
  const edits = 1 + Math.floor(r() * 4);
  for (let i = 0; i < edits; i++) {
    const op = r();
    const at = Math.floor(r() * b.length);
    if (op < 0.5) b[at] ^= 1 << Math.floor(r() * 8);
    else if (op < 0.8) b[at] = Math.floor(r() * 256);
    else if (op < 0.9) return b.subarray(0, at);
    else return Buffer.concat([b, Buffer.from([Math.floor(r() * 256)])]);
  }
  return b;
}

function wellFormed(b: Buffer): boolean {
  // Most mutated packets make dns-packet throw; without stack traces a throw is cheap (the oracle was 1/3 of the time).
  // The counts the checks below demand, read first: dns-packet allocates an array per count (up to 65,535 each).
  if (
    b.length < 12 ||
    b.readUInt16BE(4) !== 1 ||
    b.readUInt16BE(6) ||
    b.readUInt16BE(8) ||
    b.readUInt16BE(10) > 1
  )
    return false;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const p = packet.decode(b);
    if (p.type !== 'query' || p.questions?.length !== 1 || p.answers?.length || p.authorities?.length)
      return false;
    if ((p.additionals?.length ?? 0) > 1 || (p.additionals?.length === 1 && p.additionals[0].type !== 'OPT'))
      return false;
    return Buffer.compare(packet.encode(p), b) === 0;
  } catch {
    return false;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

let server: RunningDnsServer;
before(async () => {
  server = await startDnsServer({ host: '127.0.0.1', port: 0, answerer: dns, table });
});
after(() => server.close());

describe(`fuzz (seed ${seed}, ${budgetMs} ms)`, () => {
  it('the reply paths never throw; well-formed queries always get a reply with their ID; the compiled table agrees', (t) => {
    const r = rng(seed);
    const stats = newServerStats();
    const end = Date.now() + budgetMs;
    let n = 0;
    let formed = 0;
    const started = Date.now();
    while (packets ? n < packets : Date.now() < end) {
      const b = mutate(r);
      n++;
      const transport = r() < 0.5 ? 'udp' : 'tcp';
      const compiled = replyFromTable(b, table, transport, stats);
      if (compiled) stats.queries--;
      const reply = respond(b, dns, transport, stats);
      if (compiled) assert.equal(compiled.toString('hex'), reply?.toString('hex'), b.toString('hex'));
      if (wellFormed(b)) {
        formed++;
        assert.ok(reply, `no reply to a well-formed query ${b.toString('hex')}`);
        assert.equal(reply.readUInt16BE(0), b.readUInt16BE(0));
        assert.doesNotThrow(() => packet.decode(reply), `undecodable reply to ${b.toString('hex')}`);
      }
    }
    assert.ok(n > 1000 && formed > 100, `${n} packets, ${formed} well-formed`);
    assert.equal(stats.queries, n);
    t.diagnostic(
      `seed ${seed}: ${n} packets (${formed} well-formed) in ${Date.now() - started} ms, none threw`,
    );
  });

  it('a blast of random and mutated datagrams leaves the server answering', async () => {
    const r = rng(seed + 1);
    const end = Date.now() + Math.min(budgetMs, 1000);
    let sent = 0;
    while (Date.now() < end && sent < 3000) {
      await udp(server.port, mutate(r), 5);
      sent++;
    }
    const reply = await udp(server.port, query('web.shop.svc.cluster.local', 'A', { id: 7 }));
    assert.ok(reply, 'the server still answers');
    assert.equal(packet.decode(reply).id, 7);
    assert.ok(server.stats.queries >= sent);
  });
});
