/**
 * Finding a port's listener by hostname (a request's Host, a handshake's SNI) with an exact-hostname map and a scan
 * of the wildcard and hostless listeners only, in the Gateway API's precedence (most specific hostname first).
 * https://gateway-api.sigs.k8s.io/reference/spec/#gateway.networking.k8s.io/v1.Listener
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Listener } from '../../model/routing.ts';
import { buildFromTexts } from '../../api/index.ts';
import { hostIndex, listenerForHost } from './_host-index.ts';
import { analyzeGateways, compileGatewayRouter } from './index.ts';
import { gatewayPreamble } from '../../../test/helpers/gateway.ts';

const at = (name: string, hostname?: string, protocol = 'HTTPS') => ({
  listener: { name, port: 443, protocol, ...(hostname ? { hostname } : {}) } as Listener,
});

describe('listener host index', () => {
  it('finds an exact hostname before any wildcard or hostless listener, the first in listener order on a tie', () => {
    const index = hostIndex([
      at('any'),
      at('wild', '*.example.com'),
      at('a', 'a.example.com'),
      at('a2', 'a.example.com'),
    ]);
    assert.equal(listenerForHost(index, 'a.example.com')?.listener.name, 'a');
  });

  it('falls back to the longest matching wildcard, then to a listener without hostname', () => {
    const index = hostIndex([at('any'), at('short', '*.com'), at('long', '*.example.com')]);
    assert.equal(listenerForHost(index, 'b.example.com')?.listener.name, 'long');
    assert.equal(listenerForHost(index, 'b.other.com')?.listener.name, 'short');
    assert.equal(listenerForHost(index, 'localhost')?.listener.name, 'any');
  });

  it('does not let *.example.com take example.com itself, and finds nothing on a port with no match', () => {
    const index = hostIndex([at('wild', '*.example.com')]);
    assert.equal(listenerForHost(index, 'example.com'), undefined);
    assert.equal(listenerForHost(undefined, 'a.example.com'), undefined);
  });

  it('scans no exact-hostname listener: 10,000 of them on one port are all in the map', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => at(`l${i}`, `h${i}.example.com`));
    const index = hostIndex([...many, at('wild', '*.example.com')]);
    assert.equal(index.exact.size, 10_000);
    assert.deepEqual(
      index.rest.map((t) => t.listener.name),
      ['wild'],
    );
    assert.equal(listenerForHost(index, 'h9999.example.com')?.listener.name, 'l9999');
  });

  it('gives an SNI the TLS listener of its port: an HTTP listener with the same exact hostname is not one', () => {
    const text = gatewayPreamble([
      '{name: plain, port: 443, protocol: HTTP, hostname: a.example.com}',
      '{name: wild, port: 443, protocol: HTTPS, hostname: "*.example.com", tls: {certificateRefs: [{name: c}]}}',
      '{name: exact, port: 443, protocol: HTTPS, hostname: b.example.com, tls: {certificateRefs: [{name: c}]}}',
    ]);
    const { model } = buildFromTexts([{ file: 'in.yaml', text }]);
    const gw = model.routing!.gateways[0];
    const router = compileGatewayRouter(analyzeGateways(model), gw, model.routing!.referenceGrants);
    assert.equal(router.listenerForSni(443, 'a.example.com')?.name, 'wild');
    assert.equal(router.listenerForSni(443, 'b.example.com')?.name, 'exact');
    assert.equal(router.listenerForSni(443, 'example.com'), undefined);
    assert.equal(router.listenerForSni(8443, 'b.example.com'), undefined);
  });
});
