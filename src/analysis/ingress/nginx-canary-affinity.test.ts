/**
 * ingress-nginx session affinity ahead of the canary rules: balancer.lua route_to_alternative_balancer asks the
 * location's balancer, then the canary's, whether the request is affinitized (its cookie names that backend) before
 * reading header, cookie or weight; each side's affinity comes from its own Ingress (`affinity: cookie`,
 * `session-cookie-name`, default INGRESSCOOKIE).
 * https://github.com/kubernetes/ingress-nginx/blob/main/rootfs/etc/nginx/lua/balancer.lua
 * https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#session-affinity
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequest } from '../route/index.ts';
import { annotatedIngress as ingress, ingressRouter, nginxClass, service } from './_test-fixtures.ts';

const n = 'nginx.ingress.kubernetes.io/';
const ask = (primary: Record<string, string>, canary: Record<string, string>, headers: string[] = []) => {
  const text = `${nginxClass}---\n${service('stable')}---\n${service('next')}${ingress('main', 'stable', primary)}${ingress('canary', 'next', { [`${n}canary`]: 'true', [`${n}canary-weight`]: '20', ...canary })}`;
  return ingressRouter(text, 'nginx').explain(
    parseRequest({ url: 'http://shop.example.com/', headers }) as never,
  ).decision;
};

describe('ingress-nginx canary and session affinity', () => {
  it("rule route_to_alternative_balancer is_affinitized: a request carrying the primary Ingress's affinity cookie is unknown (it stays where the cookie was issued)", () => {
    const d = ask({ [`${n}affinity`]: 'cookie' }, {}, ['Cookie: INGRESSCOOKIE=1700000000.1.2|abc']);
    assert.deepEqual(
      (d.unknown ?? []).map((u) => `${u.object} ${u.path}`),
      [`Ingress/default/main metadata.annotations["${n}affinity"]`],
    );
  });
  it("rule route_to_alternative_balancer is_affinitized: the canary Ingress's own affinity and session-cookie-name count too", () => {
    const d = ask({}, { [`${n}affinity`]: 'cookie', [`${n}session-cookie-name`]: 'route' }, [
      'Cookie: route=x',
    ]);
    assert.equal(d.unknown?.[0]?.object, 'Ingress/default/canary');
  });
  it('rule route_to_alternative_balancer is_affinitized: without the cookie the canary rules decide, and the note says later requests stick', () => {
    const d = ask({ [`${n}affinity`]: 'cookie' }, {});
    assert.deepEqual(d.unknown ?? [], []);
    assert.ok(d.notes.some((x) => /later requests carrying it stay on the primary backend/.test(x)));
    assert.ok(
      !d.notes.some((x) => /affinity: cookie \(applies at the controller; it does not change/.test(x)),
    );
  });
});
