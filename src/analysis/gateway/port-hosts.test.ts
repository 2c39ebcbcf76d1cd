/**
 * One lookup per request on a port: the listener that takes a Host and its route groups, resolved when compiling
 * for every hostname named exactly, must be what the per-request rules give (listener precedence: most specific
 * hostname, ties in listener order, the Gateway's own listeners before ListenerSets', GEP-1713; route hostnames:
 * exact, then wildcards by longest suffix, then routes without hostnames).
 * https://gateway-api.sigs.k8s.io/reference/spec/#gateway.networking.k8s.io/v1.Listener
 * https://gateway-api.sigs.k8s.io/geps/gep-1713/
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Listener } from '../../model/routing.ts';
import { hostIndex, listenerForHost } from './_host-index.ts';
import { groupsFor, portHostLookup, type HostTables } from './_port-hosts.ts';
import { lowerHost } from './_hostnames.ts';
import { buildFromTexts } from '../../api/index.ts';
import { analyzeGateways, compileGatewayRouter } from './index.ts';
import { gatewayPreamble, httpListener } from '../../../test/helpers/gateway.ts';

type Table = HostTables<string>;

const table = (name: string, hostname: string | undefined, exact: string[], wildcard: string[]): Table => ({
  listener: { name, port: 80, protocol: 'HTTP', ...(hostname ? { hostname } : {}) } as Listener,
  exact: new Map(exact.map((h) => [h, `${name}:${h}`])),
  wildcard: new Map(wildcard.map((h) => [h, `${name}:${h}`])),
  any: `${name}:any`,
});

/** A small deterministic generator (mulberry32), so a failing case can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const exactNames = ['a.example.com', 'b.example.com', 'x.a.example.com', 'example.com', 'other.org'];
const wildNames = ['*.example.com', '*.a.example.com', '*.com', '*.org'];

describe('port host lookup (one lookup per request)', () => {
  it('gives the per-request answer (listener precedence, then route hostname precedence) for 300 random ports', () => {
    const next = random(13);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
    const some = (xs: readonly string[]) => xs.filter(() => next() < 0.4);
    for (let round = 0; round < 300; round++) {
      const tables = Array.from({ length: 1 + Math.floor(next() * 5) }, (_, i) =>
        table(`l${i}`, pick([undefined, ...exactNames, ...wildNames]), some(exactNames), some(wildNames)),
      );
      const lookup = portHostLookup<string, Table>(tables);
      const index = hostIndex(tables);
      for (const host of [...exactNames, 'c.example.com', 'y.a.example.com', 'z.net', 'localhost']) {
        const want = listenerForHost(index, host);
        const got = lookup(host);
        assert.equal(got?.table, want, `round ${round} host ${host}: listener`);
        if (want) assert.deepEqual(got!.groups, groupsFor(want, host), `round ${round} host ${host}: groups`);
      }
    }
  });

  it('answers a host named exactly from the table built once (the same object on every request)', () => {
    const lookup = portHostLookup<string, Table>([
      table('gw', undefined, ['h1.example.com'], []),
      table('ls0', 'ls0.example.com', [], []),
    ]);
    assert.equal(lookup('h1.example.com'), lookup('h1.example.com'));
    assert.equal(lookup('ls0.example.com'), lookup('ls0.example.com'));
    assert.deepEqual(lookup('ls0.example.com')?.groups, ['ls0:any']);
    // A host nobody names: the hostless listener, whose routes have no wildcard, answers with its fixed list.
    assert.equal(lookup('nobody.example.com'), lookup('other.example.com'));
    assert.deepEqual(lookup('nobody.example.com')?.groups, ['gw:any']);
  });

  it("keeps listener order on a tie: the Gateway's own listener before a ListenerSet's with the same hostname", () => {
    const lookup = portHostLookup<string, Table>([
      table('gateway', 'a.example.com', ['a.example.com'], []),
      table('older-set', 'a.example.com', [], []),
      table('wild-set', '*.example.com', ['a.example.com'], ['*.example.com']),
    ]);
    assert.equal(lookup('a.example.com')?.table.listener.name, 'gateway');
    assert.deepEqual(lookup('a.example.com')?.groups, ['gateway:a.example.com', 'gateway:any']);
    assert.deepEqual(lookup('b.example.com')?.groups, ['wild-set:*.example.com', 'wild-set:any']);
    assert.equal(lookup('example.com'), undefined);
  });

  it('compares hostnames case-insensitively (RFC 4343): an upper-case Host is lowered, a lower-case one kept as is', () => {
    assert.equal(lowerHost('A.Example.COM'), 'a.example.com');
    assert.equal(lowerHost('ÄB.example.com'), 'äb.example.com');
    assert.equal(lowerHost('a.example.com'), 'a.example.com');
  });

  it('routes an upper-case Host as its lower-case name, on a Gateway listener and on a ListenerSet listener', () => {
    const text = `${gatewayPreamble([httpListener], { spec: '  allowedListeners: {namespaces: {from: Same}}\n' })}apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata: {name: ls}
spec:
  parentRef: {name: gw}
  listeners: [{name: http, port: 80, protocol: HTTP, hostname: ls.example.com}]
---
apiVersion: v1
kind: Service
metadata: {name: app}
spec: {ports: [{port: 80}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: a}
spec: {parentRefs: [{name: gw}], hostnames: [a.example.com], rules: [{backendRefs: [{name: app, port: 80}]}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: b}
spec: {parentRefs: [{name: ls, kind: ListenerSet}], rules: [{backendRefs: [{name: app, port: 80}]}]}
`;
    const { model } = buildFromTexts([{ file: 'in.yaml', text }]);
    const router = compileGatewayRouter(analyzeGateways(model), model.routing!.gateways[0], []);
    const req = (host: string) =>
      router.route({ scheme: 'http', host, port: 80, path: '/', query: [], method: 'GET', headers: {} });
    assert.equal(req('A.Example.COM').winner?.object, 'HTTPRoute/default/a');
    assert.equal(req('LS.example.com').winner?.object, 'HTTPRoute/default/b');
    assert.equal(req('B.example.com').status, 404);
  });
});
