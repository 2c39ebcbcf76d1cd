/**
 * The limits both servers ship with are the ones docs/security.md states and issue 18 asks for: the gateway
 * closes a slowloris client by 60 s (nginx's client_header_timeout) and caps HTTP/2 streams and resets; DNS over
 * TCP has a per-message read deadline and a per-client connection cap (miekg/dns, CoreDNS `timeouts`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { defaultProtection } from './gateway-proxy/index.ts';
import { defaultTcpLimits } from './dns-server/index.ts';

const security = readFileSync('docs/security.md', 'utf8');

test('serve gateway ships the limits docs/security.md states: headers within 60 s, 100 HTTP/2 streams, 100 resets per second', () => {
  assert.deepEqual(defaultProtection, {
    headersMs: 60_000,
    requestMs: 120_000,
    idleMs: 60_000,
    maxConcurrentStreams: 100,
    maxResetsPerSecond: 100,
    resetGraceMs: 25,
  });
  assert.match(security, /\| Request headers complete \(slowloris\) \| 60 s /);
  assert.match(security, /\| HTTP\/2 concurrent streams per connection \| 100 \|/);
  assert.match(security, /per connection per second \(rapid reset, CVE-2023-44487\) \| 100, then GOAWAY/);
  assert.match(security, /a stream in the last second: held before forwarding \| 25 ms \|/);
});

test('serve dns ships the TCP limits docs/security.md states: 512 connections, 32 per client, a 2 s read deadline, 8 s idle', () => {
  assert.deepEqual(defaultTcpLimits, {
    maxConnections: 512,
    maxPerClient: 32,
    readMs: 2_000,
    idleMs: 8_000,
    writeMs: 2_000,
  });
  assert.match(security, /\| Connections open at once \| 512 \|/);
  assert.match(security, /\| Connections from one client address \| 32 \|/);
  assert.match(security, /further bytes do not extend it\) \| 2 s \|/);
  assert.match(security, /\| Idle timeout between messages \| 8 s \|/);
});
