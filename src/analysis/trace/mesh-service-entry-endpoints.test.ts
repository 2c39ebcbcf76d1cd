/**
 * ServiceEntry endpoints in `trace`: with `resolution: DNS` (or STATIC) and `endpoints`, the sidecar's Envoy
 * cluster holds those endpoints, so it connects to their addresses and ports — not to the address the application
 * resolved the host to — and NetworkPolicy is judged there.
 * https://istio.io/latest/docs/reference/config/networking/service-entry/#ServiceEntry-Resolution
 * The trace judged sleep → foo.bar.com's own address on port 80 and proposed a fix for it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { createTraceContext, trace } from './index.ts';

const read = (f: string) => ({
  file: f,
  text: readFileSync(`testdata/scenarios/mesh-istio-egress/${f}`, 'utf8'),
});

function traceFoo(entry: string) {
  const { model } = buildFromTexts([read('input/sleep.yaml'), { file: 'entry.yaml', text: entry }], {
    profile: read('variants/profile-foo-bar-hosts.yaml'),
  });
  const to = parseFlowTarget('http://foo.bar.com/', undefined, undefined);
  assert.ok(typeof to !== 'string', String(to));
  return trace(createTraceContext(model), { kind: 'ref', namespace: 'default', name: 'sleep' }, to);
}

const variant = read('variants/service-entry-dns-endpoints.yaml').text;

test('service-entry-endpoints: the sidecar connects to the entry endpoints (address and port), judged there', () => {
  const t = traceFoo(variant);
  assert.equal(t.outcome, 'partial', t.failure?.reason);
  assert.deepEqual(
    t.delivered.map((d) => `${d.ip}:${d.port}`),
    ['198.51.100.10:8080'],
  );
  assert.match(t.failure?.reason ?? '', /198\.51\.100\.20 on 9080\/TCP/);
});

test('service-entry-endpoints: without endpoints (resolution DNS of the host itself) the dialed address stands', () => {
  const noEndpoints =
    variant.slice(0, variant.indexOf('  endpoints:')) + variant.slice(variant.indexOf('---'));
  assert.ok(!noEndpoints.includes('address: us.foo.bar.com'));
  const t = traceFoo(noEndpoints);
  assert.equal(t.outcome, 'failed');
  assert.match(t.failure?.reason ?? '', /198\.51\.100\.1 on 80\/TCP/);
});
