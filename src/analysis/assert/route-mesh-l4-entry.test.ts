/**
 * `route:` entries with `via: mesh` on ports Istio proxies as TLS or TCP: `scheme: https` and `sni` make the
 * entry one TLS connection judged by VirtualService `tls` rules (TLSMatchAttributes.sniHosts), a port named
 * `tcp` one TCP connection judged by `tcp` rules (TCPRoute weights), as `route --via mesh tls://…`/`tcp://…`.
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#TLSMatchAttributes
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#TCPRoute
 * https://istio.io/latest/docs/tasks/traffic-management/tcp-traffic-shifting/ (tcp-echo 80/20)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { routeHandler } from './_route.ts';
import { assertContext, evaluateRouteEntry } from '../../../test/helpers/route-entry.ts';
import type { AssertContext } from './types.ts';

const deploy = (name: string, version: string) => `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: default}
spec:
  selector: {matchLabels: {app: ${name.split('-v')[0]}, version: ${version}}}
  template:
    metadata: {labels: {app: ${name.split('-v')[0]}, version: ${version}}}
    spec: {containers: [{name: c, image: x, ports: [{containerPort: 443}]}]}
`;
const tlsApp = `apiVersion: v1
kind: Namespace
metadata: {name: default, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Service
metadata: {name: tls-echo, namespace: default}
spec:
  clusterIP: 10.96.0.60
  selector: {app: tls-echo}
  ports: [{name: tls, port: 443}]
${deploy('tls-echo-v1', 'v1')}${deploy('tls-echo-v2', 'v2')}${deploy('sleep-v1', 'v1')}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: tls-echo, namespace: default}
spec:
  host: tls-echo
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: tls-echo, namespace: default}
spec:
  hosts: [tls-echo.default.svc.cluster.local, v2.example.com]
  tls:
  - match: [{sniHosts: [v2.example.com]}]
    route: [{destination: {host: tls-echo, subset: v2}}]
  - match: [{sniHosts: [tls-echo.default.svc.cluster.local]}]
    route: [{destination: {host: tls-echo, subset: v1}}]
`;
const gwDir = 'testdata/scenarios/mesh-istio-bookinfo-gateway/input/';
const tcpDir = 'testdata/scenarios/mesh-istio-tcp-traffic-shifting/';
const read = (file: string) => ({ file, text: readFileSync(file, 'utf8') });

function contextOf(files: { file: string; text: string }[]): AssertContext {
  return assertContext(buildFromTexts(files).model);
}
const tlsCtx = contextOf([read(gwDir + 'kubetwin.yaml'), { file: 'tls-echo.yaml', text: tlsApp }]);
const run = (ctx: AssertContext, route: Record<string, unknown>, expect: unknown) =>
  evaluateRouteEntry(ctx, { via: 'mesh', from: 'default/sleep-v1', path: '/', ...route }, expect);

test('TLSMatchAttributes sniHosts in a via: mesh route entry: the entry sni picks the tls rule (port 443 by default)', () => {
  const v2 = run(tlsCtx, { scheme: 'https', sni: 'v2.example.com', host: 'tls-echo' }, { subset: 'v2' });
  assert.equal(v2.passed, true, v2.message);
  assert.deepEqual((v2.actual as { workloads: unknown }).workloads, ['default/tls-echo-v2']);
  assert.ok(
    v2.details?.includes('won: VirtualService/default/tls-echo spec.tls[0].match[0] (sni v2.example.com)'),
  );
  const v1 = run(
    tlsCtx,
    { scheme: 'https', sni: 'tls-echo.default.svc.cluster.local', host: 'tls-echo', port: 443 },
    { subset: 'v2' },
  );
  assert.equal(v1.passed, false);
  assert.match(v1.message, /^subset v1, expected v2$/);
});

test('TLSMatchAttributes sniHosts in a via: mesh route entry: no sni, the host asked for is the SNI; none matches, closed (503)', () => {
  const o = run(tlsCtx, { scheme: 'https', host: 'tls-echo' }, { status: 503, backend: null });
  assert.equal(o.passed, true, o.message);
  assert.ok(o.details?.some((l) => /SNI\) is taken as the host asked for, tls-echo/.test(l)));
  assert.match(run(tlsCtx, { scheme: 'https', host: 'tls-echo' }, { status: 200 }).message, /^status 503/);
});

test('via: mesh route entry: scheme and sni are checked at their path (sni needs https)', () => {
  const bad = (route: Record<string, unknown>) =>
    (
      routeHandler.parse(
        { via: 'mesh', from: 'default/sleep-v1', host: 'x', path: '/', ...route },
        { status: 200 },
      ) as {
        path?: unknown;
      }
    ).path;
  assert.deepEqual(bad({ sni: 'v2.example.com' }), ['route', 'sni']);
  assert.deepEqual(bad({ scheme: 'tls' }), ['route', 'scheme']);
  assert.deepEqual(bad({ scheme: 'https', sni: 3 }), ['route', 'sni']);
});

test('TCPRoute weights in a via: mesh route entry: the tcp traffic shifting task 80/20 on port 9000', () => {
  const ctx = contextOf([
    ...['kubetwin.yaml', 'istio-ingressgateway.yaml', 'tcp-echo.yaml', 'tcp-echo-all-v1.yaml'].map((f) =>
      read(tcpDir + 'input/' + f),
    ),
    read(tcpDir + 'variants/tcp-echo-mesh.yaml'),
  ]);
  const ns = 'istio-io-tcp-traffic-shifting';
  const split = { [`${ns}/tcp-echo:v1`]: 80, [`${ns}/tcp-echo:v2`]: 20 };
  const o = run(ctx, { from: `${ns}/curl`, host: 'tcp-echo', port: 9000 }, { split });
  assert.equal(o.passed, true, o.message);
  const wrong = run(
    ctx,
    { from: `${ns}/curl`, host: 'tcp-echo', port: 9000 },
    { split: { ...split, [`${ns}/tcp-echo:v1`]: 100 } },
  );
  assert.equal(wrong.passed, false);
  assert.match(wrong.message, /^split /);
});
