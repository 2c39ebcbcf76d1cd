/**
 * ingress-nginx canary routing, written from its annotation docs
 * (https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#canary: header, then
 * cookie, then weight; `always`/`never`; header value and pattern; weight out of canary-weight-total) and its
 * sources (controller.go mergeAlternativeBackends: same host, path and pathType; balancer.lua
 * route_to_alternative_balancer: the decision order, a value mismatch falls through, total used only above 100).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequest } from '../route/index.ts';
import { annotatedIngress as ingress, ingressRouter, nginxClass, service } from './_test-fixtures.ts';
import { routeDelivered } from '../route/index.ts';

const n = 'nginx.ingress.kubernetes.io/';
const svc = (name: string) => `---\n${service(name)}`;
function router(
  canary: Record<string, string>,
  opts: { path?: string; pathType?: string; primary?: boolean } = {},
) {
  const text = `${nginxClass}${svc('stable')}${svc('next')}${opts.primary === false ? '' : ingress('main', 'stable', {})}${ingress('canary', 'next', { [`${n}canary`]: 'true', ...canary }, opts.path, opts.pathType)}`;
  const r = ingressRouter(text, 'nginx');
  return (headers: string[] = []) =>
    r.explain(parseRequest({ url: 'http://shop.example.com/cart', headers }) as never);
}
const to = (d: { backends: readonly { name: string; weight: number }[] }) =>
  d.backends.map((b) => `${b.name}×${b.weight}`).join(' ');

describe('ingress-nginx canary', () => {
  it('rule canary-by-header: "always" → canary, "never" → primary, anything else falls through to weight', () => {
    const go = router({ [`${n}canary-by-header`]: 'X-Canary' });
    assert.equal(to(go(['X-Canary: always']).decision), 'next×1');
    assert.equal(to(go(['X-Canary: never']).decision), 'stable×1');
    assert.equal(to(go(['X-Canary: maybe']).decision), 'stable×1');
    assert.equal(to(go().decision), 'stable×1');
  });
  it('rule canary-by-header-value: that exact value → canary; another value falls through (not "never")', () => {
    const go = router({
      [`${n}canary-by-header`]: 'X-Region',
      [`${n}canary-by-header-value`]: 'eu',
      [`${n}canary-by-cookie`]: 'beta',
    });
    assert.equal(to(go(['X-Region: eu']).decision), 'next×1');
    assert.equal(to(go(['X-Region: always']).decision), 'stable×1');
    assert.equal(to(go(['X-Region: us', 'Cookie: a=1; beta=always']).decision), 'next×1');
  });
  it('rule canary-by-header-pattern: a regex match anywhere in the value → canary; ignored when a value is set', () => {
    const go = router({
      [`${n}canary-by-header`]: 'X-User',
      [`${n}canary-by-header-pattern`]: '^(alice|bob)$',
    });
    assert.equal(to(go(['X-User: bob']).decision), 'next×1');
    assert.equal(to(go(['X-User: carol']).decision), 'stable×1');
    const both = router({
      [`${n}canary-by-header`]: 'X-User',
      [`${n}canary-by-header-value`]: 'dave',
      [`${n}canary-by-header-pattern`]: 'bob',
    });
    assert.equal(to(both(['X-User: bob']).decision), 'stable×1');
  });
  it('rule canary-by-cookie: "always" → canary, "never" → primary even with weight 100', () => {
    const go = router({ [`${n}canary-by-cookie`]: 'beta', [`${n}canary-weight`]: '100' });
    assert.equal(to(go(['Cookie: beta=never']).decision), 'stable×1');
    assert.equal(to(go(['Cookie: beta=always']).decision), 'next×1');
    assert.equal(to(go().decision), 'next×1');
  });
  it('rule canary-precedence: header before cookie before weight', () => {
    const go = router({
      [`${n}canary-by-header`]: 'X-Canary',
      [`${n}canary-by-cookie`]: 'beta',
      [`${n}canary-weight`]: '100',
    });
    assert.equal(to(go(['X-Canary: never', 'Cookie: beta=always']).decision), 'stable×1');
    assert.equal(to(go(['X-Canary: always', 'Cookie: beta=never']).decision), 'next×1');
    assert.equal(to(go(['Cookie: beta=never']).decision), 'stable×1');
  });
  it('rule canary-weight: the split out of 100; canary-weight-total only counts above 100', () => {
    const d = router({ [`${n}canary-weight`]: '20' })().decision;
    assert.equal(to(d), 'stable×80 next×20');
    assert.ok(d.notes.some((x) => x.includes('20 of 100 requests go to the canary at random')));
    assert.equal(
      to(router({ [`${n}canary-weight`]: '20', [`${n}canary-weight-total`]: '1000' })().decision),
      'stable×980 next×20',
    );
    assert.equal(
      to(router({ [`${n}canary-weight`]: '20', [`${n}canary-weight-total`]: '50' })().decision),
      'stable×80 next×20',
    );
    assert.equal(to(router({ [`${n}canary-weight`]: '0' })().decision), 'stable×1');
  });
  it('rule canary-merge: only a location of the same host, path and pathType gets the canary', () => {
    assert.equal(to(router({ [`${n}canary-weight`]: '100' }, { path: '/cart' })().decision), 'stable×1');
    assert.equal(
      to(router({ [`${n}canary-weight`]: '100' }, { pathType: 'ImplementationSpecific' })().decision),
      'stable×1',
    );
  });
  it('rule canary-no-location: a canary Ingress alone serves nothing (404), and the answer says why', () => {
    const r = router({ [`${n}canary-weight`]: '100' }, { primary: false })();
    assert.equal(r.decision.status, 404);
    assert.ok(r.decision.notes.some((x) => x.includes('a canary Ingress has no location of its own')));
    assert.equal(routeDelivered(r), false);
  });
  it('rule canary-modeled: canary annotations are no longer named as not modeled', () => {
    const d = router({ [`${n}canary-weight`]: '50' })().decision;
    assert.ok(!d.notes.some((x) => x.startsWith('not modeled:')));
  });
});
