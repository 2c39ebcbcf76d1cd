/**
 * ingress-to-gateway for ingress-nginx canaries: the canary becomes weighted backendRefs and header-matching rules
 * of the primary path's HTTPRoute, and the equivalence check routes the canary's header and cookie values through
 * both sides, so it cannot pass while traffic differs.
 * https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#canary
 * https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { convertIngressToGateway, type ConversionResult } from './index.ts';
import { outcomeOf, sameOutcome } from './_compare.ts';

const n = 'nginx.ingress.kubernetes.io/';
const head = `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: v1
kind: Service
metadata: {name: stable}
spec: {selector: {app: stable}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: next}
spec: {selector: {app: next}, ports: [{port: 80}]}
`;
const ing = (name: string, svc: string, annotations: Record<string, string>) => `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ${name}, annotations: ${JSON.stringify(annotations)}}
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http: {paths: [{path: /cart, pathType: Prefix, backend: {service: {name: ${svc}, port: {number: 80}}}}]}
`;
function convert(canary: Record<string, string>): ConversionResult {
  const { model } = buildFromTexts([
    {
      file: 'in.yaml',
      text: head + ing('main', 'stable', {}) + ing('canary', 'next', { [`${n}canary`]: 'true', ...canary }),
    },
  ]);
  const r = convertIngressToGateway(model);
  assert.ok(typeof r !== 'string', String(r));
  assert.deepEqual(r.rebuildProblems, []);
  return r;
}
const routes = (r: ConversionResult) => r.objects.filter((o) => o.kind === 'HTTPRoute');

test('canary-weight becomes weighted backendRefs in one rule; the split is the same on both sides', () => {
  const r = convert({ [`${n}canary-weight`]: '25' });
  assert.equal(routes(r).length, 1, 'the canary Ingress gets no route of its own');
  const rules = routes(r)[0].spec.rules as { backendRefs: unknown[] }[];
  assert.deepEqual(rules[0].backendRefs, [
    { name: 'stable', port: 80, weight: 75 },
    { name: 'next', port: 80, weight: 25 },
  ]);
  assert.deepEqual(r.classes[0].differences, []);
  assert.ok(!r.unconvertible.some((u) => u.what.includes('canary')));
});

test('canary-by-header (always/never) and its value become header rules; every header sample routes the same', () => {
  const always = convert({ [`${n}canary-by-header`]: 'X-Canary', [`${n}canary-weight`]: '10' });
  assert.deepEqual(always.classes[0].differences, []);
  const value = convert({ [`${n}canary-by-header`]: 'X-Region', [`${n}canary-by-header-value`]: 'eu' });
  assert.deepEqual(value.classes[0].differences, []);
  const rules = routes(value)[0].spec.rules as { matches: { headers?: unknown[] }[] }[];
  assert.deepEqual(rules[0].matches[0].headers, [{ type: 'Exact', name: 'x-region', value: 'eu' }]);
});

test('canary-by-cookie has no Gateway API match: listed, and the check reports the cookie samples that differ', () => {
  const r = convert({ [`${n}canary-by-cookie`]: 'beta' });
  assert.ok(r.unconvertible.some((u) => u.what.includes('canary-by-cookie')));
  assert.ok(r.classes[0].differences.some((d) => d.url.includes('cookie: beta=always')));
});

test('the check sees a weight that differs: 70/30 and 50/50 over the same backends are different outcomes', () => {
  const d = (w: number[]) => ({
    status: 200,
    backends: [
      { namespace: 'default', name: 'stable', port: 80, weight: w[0] },
      { namespace: 'default', name: 'next', port: 80, weight: w[1] },
    ],
    mirrors: [],
    lost: [],
    notes: [],
  });
  assert.equal(sameOutcome(outcomeOf(d([70, 30])), outcomeOf(d([1, 1]))), false);
  assert.equal(sameOutcome(outcomeOf(d([70, 30])), outcomeOf(d([7, 3]))), true);
});

test('from-to-www-redirect becomes a RequestRedirect route for the other host; 308 vs 301 is listed and shows in the check', () => {
  const { model } = buildFromTexts([
    {
      file: 'in.yaml',
      text:
        head +
        ing('main', 'stable', { [`${n}from-to-www-redirect`]: 'true' }).replace(
          'shop.example.com',
          'www.shop.example.com',
        ),
    },
  ]);
  const r = convertIngressToGateway(model);
  assert.ok(typeof r !== 'string');
  assert.deepEqual(r.rebuildProblems, []);
  const redirect = routes(r).find((o) => o.metadata.name.endsWith('-www-redirect'))!;
  assert.deepEqual(redirect.spec.hostnames, ['shop.example.com']);
  assert.deepEqual(redirect.spec.rules, [
    {
      filters: [
        { type: 'RequestRedirect', requestRedirect: { hostname: 'www.shop.example.com', statusCode: 301 } },
      ],
    },
  ]);
  assert.ok(r.unconvertible.some((u) => u.reason.includes('answers 308')));
  const d = r.classes[0].differences.find((x) => x.url === 'http://shop.example.com/sub')!;
  assert.equal(d.ingress.redirect, '308 http://www.shop.example.com/sub');
  assert.equal(d.gateway.redirect, '301 http://www.shop.example.com/sub');
});
