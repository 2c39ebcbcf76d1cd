/**
 * Two Ingresses of one class claiming the same host, path and pathType (ingress-nginx's canary docs example, read
 * under the spec profile): the spec orders paths, not Ingresses, so the answer names the tie and kubetwin's pick
 * instead of "takes precedence (longest path first, then Exact before Prefix)", which the two equal paths belie.
 * https://kubernetes.io/docs/concepts/services-networking/ingress/#multiple-matches
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter, parseRequest } from '../route/index.ts';

const ing = (name: string, path: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ${name}}
spec:
  ingressClassName: web
  rules: [{host: echo.example.com, http: {paths: [{path: "${path}", pathType: Prefix, backend: {service: {name: ${name}, port: {number: 80}}}}]}}]
---
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec: {selector: {app: ${name}}, ports: [{port: 80}]}
---
`;
const cls = `apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: web}\nspec: {controller: example.com/spec}\n---\n`;

function explain(yaml: string, url = 'http://echo.example.com/') {
  const { model } = buildFromTexts([{ file: 'in.yaml', text: cls + yaml }]);
  const r = compileRouter(model, { via: { kind: 'ingress-class', name: 'web' } });
  if (typeof r === 'string') throw new Error(r);
  const req = parseRequest({ url });
  if (typeof req === 'string') throw new Error(req);
  return r.explain(req).decision;
}

test('ingress spec: two Ingresses on the same host, path and pathType are named as a tie the spec leaves to the controller', () => {
  const d = explain(ing('production', '/') + ing('canary', '/'));
  assert.equal(d.winner?.object, 'Ingress/default/canary');
  assert.ok(
    d.notes.some((n) =>
      n.startsWith(
        'Ingress/default/canary and Ingress/default/production all claim echo.example.com Prefix /: the Ingress spec does not say',
      ),
    ),
    d.notes.join('\n'),
  );
  assert.match(
    d.lost.find((l) => l.object === 'Ingress/default/production')!.reason,
    /^matches the same echo\.example\.com Prefix \/ as Ingress\/default\/canary/,
  );
});

test('ingress spec: a longer path in another Ingress still wins by precedence, with no tie note', () => {
  const d = explain(ing('production', '/') + ing('canary', '/echo'), 'http://echo.example.com/echo/x');
  assert.equal(d.winner?.object, 'Ingress/default/canary');
  assert.ok(!d.notes.some((n) => n.includes('all claim')), d.notes.join('\n'));
});
