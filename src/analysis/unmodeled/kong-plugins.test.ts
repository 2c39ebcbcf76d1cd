/**
 * Kong Ingress Controller runs the plugins an Ingress, HTTPRoute or Service names in its `konghq.com/plugins`
 * annotation (KongPlugin of its namespace, or KongClusterPlugin), and a KongClusterPlugin labelled `global: "true"`
 * on every request it proxies (https://developer.konghq.com/kubernetes-ingress-controller/reference/annotations/,
 * https://developer.konghq.com/kubernetes-ingress-controller/reference/custom-resources/). kubetwin does not run
 * them: a plugin that can refuse or rewrite the request makes the route answer unknown, naming it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { compileRouter, parseRequest } from '../route/index.ts';

const app = (annotation: string, plugins: string) => `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: kong}
spec: {controller: ingress-controllers.konghq.com/kong}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: echo}
spec:
  selector: {matchLabels: {app: echo}}
  template:
    metadata: {labels: {app: echo}}
    spec: {containers: [{name: echo, image: kong/go-echo, ports: [{containerPort: 1027}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: echo}
spec: {selector: {app: echo}, ports: [{port: 1027, targetPort: 1027}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: echo
  annotations: {${annotation}}
spec:
  ingressClassName: kong
  rules: [{http: {paths: [{path: /echo, pathType: Prefix, backend: {service: {name: echo, port: {number: 1027}}}}]}}]
${plugins}`;

const plugin = (name: string, type: string, extra = '') => `---
apiVersion: configuration.konghq.com/v1
kind: KongPlugin
metadata: {name: ${name}}
plugin: ${type}
${extra}`;

function unknowns(yaml: string): string[] {
  const { model } = buildYaml(yaml);
  const r = compileRouter(model, { via: { kind: 'ingress-class', name: 'kong' } });
  assert.ok(typeof r !== 'string', String(r));
  const req = parseRequest({ url: 'http://kong.example.com/echo' });
  assert.ok(typeof req !== 'string', String(req));
  const d = r.explain(req).decision;
  assert.equal(d.winner?.object, 'Ingress/default/echo');
  return (d.unknown ?? []).map((u) => `${u.object}: ${u.text}`);
}

test('rule kong-plugins-annotation: an ip-restriction KongPlugin named by the Ingress makes the answer unknown, naming it', () => {
  const u = unknowns(
    app(
      'konghq.com/plugins: only-office',
      plugin('only-office', 'ip-restriction', 'config: {allow: [10.0.0.0/8]}'),
    ),
  );
  assert.equal(u.length, 1);
  assert.match(
    u[0]!,
    /^KongPlugin\.configuration\.konghq\.com\/default\/only-office: Ingress\/default\/echo runs Kong plugin ip-restriction/,
  );
});

test('rule kong-plugins-annotation: a logging plugin, a disabled plugin and no annotation leave the answer as it is', () => {
  assert.deepEqual(unknowns(app('konghq.com/plugins: metrics', plugin('metrics', 'prometheus'))), []);
  assert.deepEqual(
    unknowns(app('konghq.com/plugins: disabled-auth', plugin('disabled-auth', 'key-auth', 'disabled: true'))),
    [],
  );
  assert.deepEqual(unknowns(app('a: b', plugin('unused', 'request-termination'))), []);
});

test('rule kong-plugins-annotation: a plugin name the input lacks, a Service annotation and a global KongClusterPlugin are unknown too', () => {
  assert.match(
    unknowns(app('konghq.com/plugins: missing', ''))[0]!,
    /names Kong plugin missing .*no KongPlugin default\/missing/,
  );
  const onService = app('a: b', plugin('acl', 'acl')).replace(
    'metadata: {name: echo}\nspec: {selector',
    'metadata: {name: echo, annotations: {konghq.com/plugins: acl}}\nspec: {selector',
  );
  assert.match(
    unknowns(onService).join('\n'),
    /^KongPlugin\.configuration\.konghq\.com\/default\/acl: Service\/default\/echo runs Kong plugin acl/,
  );
  const global = `---
apiVersion: configuration.konghq.com/v1
kind: KongClusterPlugin
metadata: {name: deny-all, labels: {global: "true"}}
plugin: request-termination
config: {status_code: 403}
`;
  assert.match(
    unknowns(app('a: b', global)).join('\n'),
    /every request Kong proxies runs Kong plugin request-termination/,
  );
});
