/**
 * ingress-nginx's answer when no location matches, as createServers builds it (controller.go): a host's server
 * takes the spec.defaultBackend of the Ingress that created it (the first in the controller's order), the catch-all
 * server that of the first Ingress with a defaultBackend and no rules; the order is creationTimestamp, ties by
 * namespace/name (store.go sortIngressSlice).
 * https://github.com/kubernetes/ingress-nginx/blob/main/internal/ingress/controller/controller.go
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequest } from '../route/index.ts';
import { ingressRouter, nginxClass, service } from './_test-fixtures.ts';

const ingress = (name: string, opts: { created?: string; def?: string; host?: string; path?: string }) => `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ${name}${opts.created ? `, creationTimestamp: "${opts.created}"` : ''}}
spec:
  ingressClassName: nginx
${opts.def ? `  defaultBackend: {service: {name: ${opts.def}, port: {number: 80}}}\n` : ''}${opts.host ? `  rules:\n  - host: ${opts.host}\n    http: {paths: [{path: ${opts.path ?? '/api'}, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]}\n` : ''}`;
const ask = (ingresses: string, url: string) => {
  const text = `${nginxClass}---\n${service('api')}---\n${service('one')}---\n${service('two')}${ingresses}`;
  return ingressRouter(text, 'nginx').explain(parseRequest({ url }) as never).decision;
};
const answer = (d: ReturnType<typeof ask>) =>
  d.backends.length ? `${d.backends[0].name} via ${d.winner?.object}` : String(d.status);

describe('ingress-nginx default backends', () => {
  it('rule createServers catch-all: only an Ingress with a defaultBackend and no rules answers for a host no rule names', () => {
    const withRules = ingress('a', { def: 'one', host: 'a.example.com' });
    assert.equal(answer(ask(withRules, 'http://zzz.example.com/')), '404');
    assert.equal(
      answer(ask(withRules + ingress('b', { def: 'two' }), 'http://zzz.example.com/')),
      'two via Ingress/default/b',
    );
  });
  it("rule createServers host server: the defaultBackend of the Ingress that created the host's server answers its unmatched paths", () => {
    const a = (created: string) => ingress('a', { created, def: 'one', host: 'a.example.com' });
    const c = (created: string) => ingress('c', { created, host: 'a.example.com', path: '/web' });
    assert.equal(
      answer(ask(a('2023-01-01T00:00:00Z') + c('2024-01-01T00:00:00Z'), 'http://a.example.com/other')),
      'one via Ingress/default/a',
    );
    const d = ask(a('2024-01-01T00:00:00Z') + c('2023-01-01T00:00:00Z'), 'http://a.example.com/other');
    assert.equal(answer(d), '404');
    assert.deepEqual(d.unknown ?? [], []);
  });
  it('rule sortIngressSlice: without creationTimestamps, Ingresses of one host that disagree on the default make the answer unknown', () => {
    const d = ask(
      ingress('a', { def: 'one', host: 'a.example.com' }) +
        ingress('c', { host: 'a.example.com', path: '/web' }),
      'http://a.example.com/other',
    );
    assert.match(d.unknown?.[0]?.text ?? '', /could each set the default of server a\.example\.com/);
  });
});
