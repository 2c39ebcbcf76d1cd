import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { onlyRouter, routerCandidates } from './_routers.ts';

const ingress = (name: string, cls?: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: ${name}}\nspec:\n${cls ? `  ingressClassName: ${cls}\n` : ''}  defaultBackend: {service: {name: s, port: {number: 80}}}`;
const gateway = `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: edge, namespace: infra}\nspec: {gatewayClassName: x, listeners: [{name: http, port: 80, protocol: HTTP}]}`;
const viaOf = (...docs: string[]) => onlyRouter(buildYaml(docs.join('\n---\n')).model);

test('route without --via: the only Ingress class or Gateway of the input is taken', () => {
  assert.deepEqual(viaOf(ingress('a', 'nginx'), ingress('b', 'nginx')), { via: 'ingress-class:nginx' });
  assert.deepEqual(viaOf(gateway), { via: 'gateway:infra/edge' });
});

test('route without --via: several routers are listed to choose from; none, or classless Ingresses, say why', () => {
  const two = viaOf(ingress('a', 'nginx'), gateway);
  assert.ok('error' in two);
  assert.match(two.error, /2 routers: ingress-class:nginx, gateway:infra\/edge/);
  assert.deepEqual(routerCandidates(buildYaml(`${ingress('a', 'nginx')}\n---\n${gateway}`).model), [
    'ingress-class:nginx',
    'gateway:infra/edge',
  ]);
  const classless = viaOf(ingress('a'));
  assert.ok('error' in classless && /no IngressClass and no class named on them/.test(classless.error));
  const none = viaOf('apiVersion: v1\nkind: Namespace\nmetadata: {name: x}');
  assert.ok(
    'error' in none &&
      /no IngressClass, Gateway \(Gateway API or Istio\) or OpenShift Route/.test(none.error),
  );
});

test('route without --via: an Istio Gateway (networking.istio.io) is a router too', () => {
  const istio = `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: frontend-gateway, namespace: shop}\nspec:\n  selector: {istio: ingressgateway}\n  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ['*']}]`;
  assert.deepEqual(viaOf(istio), { via: 'istio-gateway:shop/frontend-gateway' });
  const two = viaOf(istio, gateway);
  assert.ok(
    'error' in two && /2 routers: gateway:infra\/edge, istio-gateway:shop\/frontend-gateway/.test(two.error),
  );
});

test('route without --via: with no router it can model, the routing objects of kinds kubetwin does not model are named (Contour HTTPProxy)', () => {
  const proxy = (name: string) =>
    `apiVersion: projectcontour.io/v1\nkind: HTTPProxy\nmetadata: {name: ${name}, namespace: default}\nspec:\n  virtualhost: {fqdn: ${name}.example}\n  routes: [{services: [{name: s1, port: 80}]}]`;
  const none = viaOf(proxy('root'));
  assert.ok('error' in none);
  assert.match(
    none.error,
    /routing objects of kinds kubetwin does not model \(HTTPProxy \(projectcontour\.io\) default\/root\): kubetwin cannot route through them/,
  );
  const many = viaOf(proxy('a'), proxy('b'), proxy('c'), proxy('d'));
  assert.ok('error' in many && /default\/c, and 1 more\)/.test(many.error));
});
