/**
 * The path index that routes a request without testing every match of its hostname must pick the same winner as
 * testing them all in precedence order. Path semantics from the spec: `Exact` is the whole path, case-sensitive;
 * `PathPrefix` is element-wise on `/`, a trailing `/` of the prefix ignored (`/abc` matches `/abc`, `/abc/`,
 * `/abc/def`, not `/abcd`). https://gateway-api.sigs.k8s.io/reference/spec/#pathmatchtype
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpRequest, RouteMatch } from '../../model/routing.ts';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter, parseRequest } from '../route/index.ts';
import { matchFailure } from './_match.ts';
import { firstMatch, indexMatchGroup } from './_path-index.ts';

const request = (path: string, headers: Record<string, string> = {}): HttpRequest =>
  ({
    scheme: 'http',
    host: 'a.example.com',
    port: 80,
    path,
    query: [],
    method: 'GET',
    headers,
  }) as HttpRequest;

const m = (
  type: 'Exact' | 'PathPrefix' | 'RegularExpression' | undefined,
  value = '/',
  extra = {},
): RouteMatch => ({
  ...(type ? { path: { type, value } } : {}),
  headers: [],
  queryParams: [],
  ...extra,
});

/** Every match shape the index treats differently: exact, prefixes with and without a trailing `/`, `/`, `//`, regex, no path, a header condition. */
const shapes: RouteMatch[] = [
  m('Exact', '/abc'),
  m('Exact', '/abc/'),
  m('PathPrefix', '/abc'),
  m('PathPrefix', '/abc/'),
  m('PathPrefix', '/abc/def'),
  m('PathPrefix', '/ab'),
  m('PathPrefix', '/'),
  m('PathPrefix', '//'),
  m('PathPrefix', '/a//'),
  m('RegularExpression', '/ab.*'),
  m(undefined),
  m('PathPrefix', '/abc', { headers: [{ name: 'x-v', type: 'Exact', value: '1' }] }),
  m('Exact', '/abc/def', { method: 'POST' }),
];
const paths = [
  '/',
  '/abc',
  '/abc/',
  '/abcd',
  '/abc/def',
  '/abc/defg',
  '/abc/def/',
  '/ab',
  '/a//b',
  '//',
  '/x/abc',
];

/** A deterministic shuffle (a linear congruential generator), so each order of the shapes is tried reproducibly. */
function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('route match path index (spec: HTTPPathMatch)', () => {
  it('rule path-prefix-element-wise: /abc matches /abc, /abc/ and /abc/def, not /abcd, through the index', () => {
    const g = indexMatchGroup([{ match: m('PathPrefix', '/abc') }]);
    for (const p of ['/abc', '/abc/', '/abc/def']) assert.ok(firstMatch(g, request(p)), p);
    assert.equal(firstMatch(g, request('/abcd')), undefined);
  });

  it('rule path-prefix-trailing-slash: a prefix /abc/ is /abc, so it matches /abc too', () => {
    const g = indexMatchGroup([{ match: m('PathPrefix', '/abc/') }]);
    assert.ok(firstMatch(g, request('/abc')));
    assert.equal(firstMatch(g, request('/abcd')), undefined);
  });

  it('rule precedence-first-match: the index picks the winner a scan in precedence order picks, for 50 orders', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const entries = shuffled(shapes, seed).map((match) => ({ match }));
      const g = indexMatchGroup(entries);
      for (const path of paths)
        for (const headers of [{}, { 'x-v': '1' }] as Record<string, string>[]) {
          const req = request(path, headers);
          const scan = entries.find((e) => !matchFailure(e.match, req, false));
          assert.equal(
            firstMatch(g, req),
            scan,
            `seed ${seed}, path ${path}, headers ${JSON.stringify(headers)}`,
          );
        }
    }
  });

  it('rule decide-explain-agree: routing and explaining a request name the same winner (1k HTTPRoutes)', () => {
    const routes = Array.from(
      { length: 1000 },
      (_, i) =>
        `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r${i}}\nspec:\n  parentRefs: [{name: gw}]\n  hostnames: [h${i % 100}.example.com${i % 7 ? '' : ', "*.example.com"'}]\n  rules:\n  - matches: [{path: {type: PathPrefix, value: /api/v${i % 37}}}, {path: {type: Exact, value: /x${i}}, headers: [{name: x-v, value: "${i}"}]}]\n    backendRefs: [{name: app, port: 80}]\n---\n`,
    );
    const { model } = buildFromTexts([
      {
        file: 'routes.yaml',
        text:
          `apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: gc}\nspec: {controllerName: example.com/gc}\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw}\nspec:\n  gatewayClassName: gc\n  listeners: [{name: http, port: 80, protocol: HTTP}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: app}\nspec: {selector: {app: app}, ports: [{port: 80}]}\n---\n` +
          routes.join(''),
      },
    ]);
    const router = compileRouter(model, { via: { kind: 'gateway', namespace: 'default', name: 'gw' } });
    assert.ok(typeof router !== 'string');
    let routed = 0;
    for (let i = 0; i < 400; i++) {
      const req = parseRequest({
        url: `http://${i % 3 ? `h${i % 100}` : `w${i}`}.example.com${i % 2 ? `/api/v${i % 41}/items` : `/x${i}`}`,
        headers: [`x-v: ${i}`],
      }) as HttpRequest;
      const decided = router.decide(req);
      assert.deepEqual(decided.winner, router.explain(req).decision.winner, req.path);
      if (decided.winner) routed++;
    }
    assert.ok(routed > 100, `only ${routed} requests routed: the test would not show a disagreement`);
  });
});
