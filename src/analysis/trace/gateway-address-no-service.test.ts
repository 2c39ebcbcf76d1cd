/**
 * A Gateway's address as its status gives it (`spec.addresses`, or the profile's `loadBalancers` entry; GEP-1762)
 * with no Service of the input carrying it: the request reaches the Gateway, whose data plane (the Service and pods
 * its controller creates) is not in the input. The trace says so, names the Gateway and the `route` command that shows
 * its routing, and marks the outcome undecided, instead of "nothing listens" with a fix that points the name at the
 * address it already has.
 * https://gateway-api.sigs.k8s.io/reference/spec/#gatewaystatus
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { createTraceContext, internetClient, trace } from './index.ts';

const cluster = (addresses: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: gc}
spec: {controllerName: example.com/gc}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: infra}
spec:
  gatewayClassName: gc
${addresses}  listeners: [{name: http, protocol: HTTP, port: 80}]
`;
const profile = (lb: string) => `apiVersion: kubetwin.dev/v1alpha1
kind: ClusterProfile
externalHosts:
  shop.example.com: [203.0.113.10]
${lb}`;

function traceShop(yaml: string, prof: string) {
  const { model } = buildFromTexts([{ file: 'in.yaml', text: yaml }], {
    profile: { file: 'kubetwin.yaml', text: prof },
  });
  const to = parseFlowTarget('http://shop.example.com/', undefined, undefined);
  assert.ok(typeof to !== 'string', String(to));
  return trace(createTraceContext(model), { kind: 'ip', ip: internetClient }, to);
}

test("rule GatewayStatus addresses: the profile's loadBalancers address of a Gateway without a Service names the Gateway and is undecided", () => {
  const t = traceShop(cluster(''), profile('loadBalancers:\n  infra/gw: 203.0.113.10\n'));
  const lb = t.hops.find((h) => h.kind === 'load-balancer')!;
  assert.match(lb.title, /→ Gateway infra\/gw \(its data plane is not in the input\)/);
  assert.match(lb.undecided ?? '', /data plane of Gateway infra\/gw/);
  assert.ok(
    lb.details.some((d) => d.includes('kubetwin route --via gateway:infra/gw http://shop.example.com/')),
  );
});

test('rule GatewayStatus addresses: a spec.addresses IPAddress counts the same way', () => {
  const t = traceShop(cluster('  addresses: [{type: IPAddress, value: 203.0.113.10}]\n'), profile(''));
  assert.match(t.hops.find((h) => h.kind === 'load-balancer')!.title, /Gateway infra\/gw/);
});

test('rule GatewayStatus addresses: an address no Gateway or Service has still says nothing listens', () => {
  const t = traceShop(cluster(''), profile(''));
  assert.match(
    t.hops.find((h) => h.kind === 'load-balancer')!.title,
    /^nothing listens on 203\.0\.113\.10:80/,
  );
});
