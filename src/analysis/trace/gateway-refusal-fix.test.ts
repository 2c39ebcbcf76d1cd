/**
 * The fix of a trace whose Gateway answers with an error: a rule that matched and answered 500 (here an
 * ExtensionRef filter whose object the input lacks: the spec's "requests that would have been processed by that
 * filter MUST receive a HTTP error response", https://gateway-api.sigs.k8s.io/reference/spec/#httproutefilter) is
 * fixed in that rule, not by adding "a rule … to an Ingress of class (or an HTTPRoute)"; with no rule matching, the
 * fix names the Gateway the HTTPRoute must attach to.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { createTraceContext, internetClient, trace } from './index.ts';

const cluster = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: gc}
spec: {controllerName: example.com/gc}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: infra}
spec:
  gatewayClassName: gc
  listeners: [{name: http, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: All}}}]
---
apiVersion: v1
kind: Service
metadata: {name: gw, namespace: infra, labels: {gateway.networking.k8s.io/gateway-name: gw}}
spec: {type: LoadBalancer, selector: {app: proxy}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: proxy, namespace: infra, labels: {app: proxy}}
spec: {containers: [{name: c, image: envoy, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec:
  parentRefs: [{name: gw, namespace: infra}]
  hostnames: [shop.example.com]
  rules:
  - matches: [{path: {type: PathPrefix, value: /api}}]
    filters: [{type: ExtensionRef, extensionRef: {group: gateway.nginx.org, kind: SnippetsFilter, name: limits}}]
    backendRefs: [{name: web, port: 80}]
`;
const profile = `apiVersion: kubetwin.dev/v1alpha1
kind: ClusterProfile
externalHosts:
  shop.example.com: [203.0.113.10]
loadBalancers:
  infra/gw: 203.0.113.10
`;

function traceShop(url: string) {
  const { model } = buildFromTexts([{ file: 'in.yaml', text: cluster }], {
    profile: { file: 'kubetwin.yaml', text: profile },
  });
  const to = parseFlowTarget(url, undefined, undefined);
  assert.ok(typeof to !== 'string', String(to));
  return trace(createTraceContext(model), { kind: 'ip', ip: internetClient }, to);
}

test('rule HTTPRouteFilter ExtensionRef: a matched rule answering 500 is fixed in that rule, not by adding one', () => {
  const t = traceShop('http://shop.example.com/api');
  assert.equal(t.outcome, 'failed');
  assert.match(
    t.fix?.summary ?? '',
    /^fix HTTPRoute\/shop\/web rules\[0\]: it matches shop\.example\.com\/api and answers 500/,
  );
});

test('rule HTTPRouteFilter ExtensionRef: with no rule matching, the fix names the Gateway to attach an HTTPRoute to', () => {
  const t = traceShop('http://shop.example.com/other');
  assert.equal(
    t.fix?.summary,
    'add an HTTPRoute rule for shop.example.com/other attached to Gateway infra/gw',
  );
});
