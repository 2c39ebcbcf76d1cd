/**
 * Gateway API TLS Passthrough (https://gateway-api.sigs.k8s.io/guides/tls/): a TLS listener in Passthrough mode
 * forwards the encrypted stream by SNI to the backend its TLSRoute names. `trace` of an https:// URL there ended as
 * an HTTP failure ("answers HTTP 0"); it follows the TLSRoute as `route tls://` does and names the backend's own TLS
 * as unknown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { createTraceContext, internetClient, trace } from './index.ts';

const dir = 'testdata/scenarios/gateway-tls-passthrough-trace/input';

function traceUrl(url: string, profile = `${dir}/kubetwin.yaml`) {
  const { model } = buildFromTexts(
    [{ file: 'cluster.yaml', text: readFileSync(`${dir}/cluster.yaml`, 'utf8') }],
    { profile: { file: 'kubetwin.yaml', text: readFileSync(profile, 'utf8') } },
  );
  const to = parseFlowTarget(url, undefined, undefined);
  assert.ok(typeof to !== 'string', String(to));
  return trace(createTraceContext(model), { kind: 'ip', ip: internetClient }, to);
}

test('tls-passthrough: trace of https:// to a Passthrough listener follows the TLSRoute to its backend pods', () => {
  const t = traceUrl('https://shop.example.com/cart');
  assert.equal(t.outcome, 'delivered', t.failure?.reason);
  assert.deepEqual(
    t.delivered.map((d) => d.port),
    [8443, 8443],
  );
  const route = t.hops.find((h) => h.kind === 'route')!;
  assert.match(route.title, /TLS SNI shop\.example\.com \(Passthrough\) → Service apps\/shop:8443/);
  assert.ok(route.details.includes('won: TLSRoute/apps/shop rules[0] (hostnames shop.example.com)'));
});

test("tls-passthrough: the backend's own TLS is named unknown, not judged", () => {
  const t = traceUrl('https://shop.example.com/');
  assert.equal(t.unknown?.length, 1);
  assert.match(t.unknown![0], /backend's own TLS on apps\/shop:8443/);
});

test('tls-passthrough: an SNI no TLSRoute matches is refused by the gateway (not an HTTP answer)', () => {
  const t = traceUrl('https://blog.example.com/');
  assert.equal(t.outcome, 'failed');
  assert.match(t.failure!.reason, /refuses the TLS connection for SNI blog\.example\.com/);
  assert.match(t.fix!.summary, /attach a TLSRoute with hostname blog\.example\.com/);
});

test('external-host-gateway: a name externalHosts lacks still fails (no public DNS), and the fix names the Gateway taking it with its address', () => {
  const t = traceUrl(
    'https://shop.example.com/',
    'testdata/scenarios/gateway-tls-passthrough-trace/variants/kubetwin-no-external-hosts.yaml',
  );
  assert.equal(t.outcome, 'failed');
  assert.equal(t.hops[0].undecided, "the profile's externalHosts does not give shop.example.com an address");
  assert.match(
    t.fix!.summary,
    /add shop\.example\.com: \[198\.51\.100\.40\] to externalHosts .* Gateway infra\/edge \(listener tls, TLSRoute\/apps\/shop\)/,
  );
});
