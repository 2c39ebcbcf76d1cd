/**
 * Istio VirtualService `tcp` and `tls` rules, for sidecars and at the ingress gateway, each from istio.io:
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#TCPRoute (L4MatchAttributes)
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#TLSRoute (TLSMatchAttributes)
 * https://istio.io/latest/docs/reference/config/networking/gateway/#ServerTLSSettings-TLSmode
 * https://istio.io/latest/docs/tasks/traffic-management/tcp-traffic-shifting/ (tcp-echo v1/v2, port 31400)
 * https://istio.io/latest/docs/tasks/traffic-management/ingress/ingress-sni-passthrough/ (my-nginx)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { clientPod, compileMesh, meshActual, type MeshDecision } from './index.ts';

const gwDir = 'testdata/scenarios/mesh-istio-bookinfo-gateway/input/';
const ingress = ['kubetwin.yaml', 'istio-ingressgateway.yaml'].map((f) => ({
  file: gwDir + f,
  text: readFileSync(gwDir + f, 'utf8'),
}));
const deploy = (name: string, labels: string, port: number) => `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: default}
spec:
  selector: {matchLabels: {${labels}}}
  template:
    metadata: {labels: {${labels}}}
    spec: {containers: [{name: c, image: x, ports: [{containerPort: ${port}}]}]}
`;
const app = `apiVersion: v1
kind: Namespace
metadata: {name: default, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Service
metadata: {name: tcp-echo, namespace: default}
spec:
  clusterIP: 10.96.0.50
  selector: {app: tcp-echo}
  ports: [{name: tcp, port: 9000}, {name: tcp-other, port: 9001}]
---
apiVersion: v1
kind: Service
metadata: {name: my-nginx, namespace: default}
spec: {selector: {run: my-nginx}, ports: [{name: https, port: 443}]}
${deploy('tcp-echo-v1', 'app: tcp-echo, version: v1', 9000)}${deploy('tcp-echo-v2', 'app: tcp-echo, version: v2', 9000)}${deploy('my-nginx', 'run: my-nginx', 443)}${deploy('sleep', 'app: sleep', 80)}${deploy('curl', 'app: curl, track: canary', 80)}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: tcp-echo, namespace: default}
spec:
  host: tcp-echo
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
`;

function model(extra: string) {
  return buildFromTexts([...ingress, { file: 'app.yaml', text: app }, { file: 'extra.yaml', text: extra }]);
}
function fromSleep(extra: string, url: string, sni?: string, from = 'default/sleep'): MeshDecision {
  const m = model(extra).model;
  const u = new URL(url);
  const host = u.hostname;
  const d = compileMesh(m).route(
    {
      scheme: u.protocol === 'https:' ? 'https' : 'http',
      host,
      port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
      path: '/',
      query: [],
      method: 'GET',
      headers: { host },
      ...(sni ? { sni } : {}),
    },
    clientPod(m, from) as never,
  );
  assert.equal(typeof d, 'object', String(d));
  return d as MeshDecision;
}
const vs = (spec: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: tcp-echo, namespace: default}
spec:
  hosts: [tcp-echo]
${spec}`;

test('TCPRoute: the tcp traffic shifting task, 80/20 between v1 and v2 on port 9000 (a weighted split)', () => {
  const d = fromSleep(
    vs(`  tcp:
  - match: [{port: 9000}]
    route:
    - {destination: {host: tcp-echo, port: {number: 9000}, subset: v1}, weight: 80}
    - {destination: {host: tcp-echo, port: {number: 9000}, subset: v2}, weight: 20}
`),
    'http://tcp-echo:9000',
  );
  assert.equal(d.connection, 'tcp');
  assert.deepEqual(meshActual(d), {
    backend: 'default/tcp-echo',
    subset: null,
    workloads: ['default/tcp-echo-v1', 'default/tcp-echo-v2'],
    split: { 'default/tcp-echo:v1': 80, 'default/tcp-echo:v2': 20 },
    status: 200,
    redirect: null,
    rewrittenPath: null,
  });
  assert.equal(d.winner?.at, 'spec.tcp[0].match[0]');
});

test('L4MatchAttributes port: a rule for 9001 does not take 9000; no rule left: the Service chain, every endpoint', () => {
  const d = fromSleep(
    vs(`  tcp:
  - match: [{port: 9001}]
    route: [{destination: {host: tcp-echo, subset: v2}}]
`),
    'http://tcp-echo:9000',
  );
  assert.equal(d.winner, undefined);
  assert.deepEqual(meshActual(d).workloads, ['default/tcp-echo-v1', 'default/tcp-echo-v2']);
  assert.match(d.lost[0].reason, /destination port 9000 is not 9001/);
});

test('L4MatchAttributes sourceLabels and sourceNamespace: only a client with the labels takes the rule', () => {
  const spec = vs(`  tcp:
  - match: [{sourceLabels: {track: canary}, sourceNamespace: default}]
    route: [{destination: {host: tcp-echo, subset: v2}}]
  - route: [{destination: {host: tcp-echo, subset: v1}}]
`);
  assert.equal(meshActual(fromSleep(spec, 'http://tcp-echo:9000', undefined, 'default/curl')).subset, 'v2');
  const d = fromSleep(spec, 'http://tcp-echo:9000');
  assert.equal(meshActual(d).subset, 'v1');
  assert.match(d.lost[0].reason, /lacks label track=canary/);
});

test('L4MatchAttributes destinationSubnets: a subnet holding the ClusterIP wins; one that does not, loses', () => {
  const spec = vs(`  tcp:
  - match: [{destinationSubnets: [10.96.0.0/24]}]
    route: [{destination: {host: tcp-echo, subset: v2}}]
  - match: [{destinationSubnets: [192.168.0.0/16]}]
    route: [{destination: {host: tcp-echo, subset: v1}}]
  - route: [{destination: {host: tcp-echo, subset: v1}}]
`);
  const d = fromSleep(spec, 'http://tcp-echo:9000');
  assert.equal(meshActual(d).subset, 'v2');
  assert.ok(d.lost.some((l) => /10\.96\.0\.50 is not in 192\.168\.0\.0\/16/.test(l.reason)));
});

test('a tcp rule without match ends the walk: later rules never apply', () => {
  const d = fromSleep(
    vs(`  tcp:
  - route: [{destination: {host: tcp-echo, subset: v1}}]
  - match: [{port: 9000}]
    route: [{destination: {host: tcp-echo, subset: v2}}]
`),
    'http://tcp-echo:9000',
  );
  assert.equal(meshActual(d).subset, 'v1');
  assert.match(d.lost[0].reason, /matches first and ends the walk/);
});

const nginxVs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: nginx, namespace: default}
spec:
  hosts: [nginx.example.com]
  gateways: [mygateway]
  tls:
  - match: [{port: 443, sniHosts: [nginx.example.com]}]
    route: [{destination: {host: my-nginx, port: {number: 443}}}]
`;
const passthrough = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: mygateway, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    tls: {mode: PASSTHROUGH}
    hosts: [nginx.example.com]
---
${nginxVs}`;
const atGateway = (extra: string, host: string, port: number, sni?: string) =>
  compileMesh(model(extra).model).gatewayRoute({
    scheme: 'https',
    host,
    port,
    path: '/',
    query: [],
    method: 'GET',
    headers: { host },
    ...(sni ? { sni } : {}),
  });

test('Gateway TLS PASSTHROUGH: the SNI picks the tls rule of the bound VirtualService (SNI passthrough task)', () => {
  const a = atGateway(passthrough, 'nginx.example.com', 443);
  assert.equal(a.unknown, undefined);
  assert.match(a.tls ?? '', /PASSTHROUGH/);
  assert.deepEqual(meshActual(a.decision!).workloads, ['default/my-nginx']);
  assert.equal(a.decision!.destinations[0].port, 443);
});

test('TLSMatchAttributes sniHosts: an SNI no rule lists matches no filter chain, the connection is closed', () => {
  const wider = passthrough.replace('hosts: [nginx.example.com]\n---', 'hosts: ["*.example.com"]\n---');
  const a = atGateway(wider, 'other.example.com', 443);
  assert.match(a.decision?.closed ?? '', /no tls rule's sniHosts take SNI other\.example\.com/);
  assert.equal(a.decision?.status, 503);
});

test('Gateway AUTO_PASSTHROUGH: the SNI outbound_.PORT_.SUBSET_.HOST names the destination; another SNI is closed', () => {
  const auto = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: cross-network, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: tls, protocol: TLS}
    tls: {mode: AUTO_PASSTHROUGH}
    hosts: ["*.local"]
`;
  const a = atGateway(auto, 'x.local', 443, 'outbound_.9000_.v2_.tcp-echo.default.svc.cluster.local');
  assert.deepEqual(meshActual(a.decision!).workloads, ['default/tcp-echo-v2']);
  assert.equal(meshActual(a.decision!).subset, 'v2');
  assert.match(atGateway(auto, 'x.local', 443, 'x.local').decision?.closed ?? '', /is not a cluster name/);
});

test('Gateway TCP server: tcp rules bound to the Gateway route port 31400 (tcp traffic shifting task)', () => {
  const tcpGw = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: tcp-echo-gateway, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 31400, name: tcp, protocol: TCP}
    hosts: ["*"]
---
${vs(`  gateways: [tcp-echo-gateway]
  tcp:
  - match: [{port: 31400}]
    route: [{destination: {host: tcp-echo, port: {number: 9000}, subset: v1}}]
`)}`;
  const a = compileMesh(model(tcpGw).model).gatewayRoute({
    scheme: 'http',
    host: '203.0.113.10',
    port: 31400,
    path: '/',
    query: [],
    method: 'GET',
    headers: { host: '203.0.113.10' },
  });
  assert.equal(a.decision?.connection, 'tcp');
  assert.deepEqual(meshActual(a.decision!).workloads, ['default/tcp-echo-v1']);
});

test('TLS port from a sidecar: tls rules by SNI; without any tls rule, every endpoint', () => {
  const tlsVs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: nginx-mesh, namespace: default}
spec:
  hosts: [my-nginx.default.svc.cluster.local]
  tls:
  - match: [{sniHosts: [my-nginx.default.svc.cluster.local]}]
    route: [{destination: {host: my-nginx}}]
`;
  const ok = fromSleep(tlsVs, 'https://my-nginx:443', 'my-nginx.default.svc.cluster.local');
  assert.equal(ok.connection, 'tls');
  assert.equal(ok.winner?.at, 'spec.tls[0].match[0]');
  const other = fromSleep(tlsVs, 'https://my-nginx:443');
  assert.match(other.closed ?? '', /SNI my-nginx\b/);
  assert.ok(other.notes.some((n) => /SNI\) is taken as the host asked for/.test(n)));
  assert.deepEqual(meshActual(fromSleep('', 'https://my-nginx:443')).workloads, ['default/my-nginx']);
});

test('istiod refuses a tls rule without sniHosts and a destination subnet that is no CIDR: errors at their line', () => {
  const { diagnostics } = model(
    vs(`  tls:
  - match: [{port: 443}]
    route: [{destination: {host: tcp-echo}}]
  tcp:
  - match: [{destinationSubnets: [10.0.0.0/33]}]
    route: [{destination: {host: tcp-echo}}]
`),
  );
  const mine = diagnostics.filter((d) => d.code === 'invalid-mesh-route');
  assert.equal(mine.length, 2, JSON.stringify(mine.map((d) => d.message)));
  assert.ok(mine.every((d) => d.source?.file === 'extra.yaml' && d.source.line > 0));
});

test('doctor inputs: a tcp rule to an unknown subset, and a PASSTHROUGH server no tls rule binds, are reported at their line', () => {
  const codes = (extra: string) => model(extra).diagnostics.map((d) => `${d.code} ${d.message}`);
  const badSubset = codes(
    vs(`  tcp:
  - route: [{destination: {host: tcp-echo, subset: v3}}]
`),
  );
  assert.ok(
    badSubset.some((c) => /^mesh-unknown-subset .*spec\.tcp\[0\] .*closes these connections/.test(c)),
  );
  const unbound = codes(
    passthrough.replace(
      / {2}tls:\n {2}- match[\s\S]*$/,
      '  http:\n  - route: [{destination: {host: my-nginx}}]\n',
    ),
  );
  assert.ok(unbound.some((c) => /^istio-gateway-server-unbound .*no VirtualService with tls rules/.test(c)));
  assert.ok(!codes(passthrough).some((c) => c.startsWith('istio-gateway-server-unbound')));
});

test('istiod refuses an SNI host none of the VirtualService hosts covers (validateSniHost)', () => {
  const bad = nginxVs.replace('sniHosts: [nginx.example.com]', 'sniHosts: [other.example.com]');
  const found = model(bad).diagnostics.filter((d) => d.code === 'invalid-mesh-route');
  assert.equal(found.length, 1);
  assert.match(found[0].message, /SNI host other\.example\.com is not within/);
  const wild = bad.replace('hosts: [nginx.example.com]', 'hosts: ["*.example.com"]');
  assert.equal(model(wild).diagnostics.filter((d) => d.code === 'invalid-mesh-route').length, 0);
});

test('Gateway PASSTHROUGH: the SNI (not the Host) picks the server and the tls rule', () => {
  const a = atGateway(passthrough, '203.0.113.10', 443, 'nginx.example.com');
  assert.deepEqual(meshActual(a.decision!).workloads, ['default/my-nginx']);
  const other = atGateway(passthrough, 'nginx.example.com', 443, 'other.example.com');
  assert.match(other.refused ?? '', /lists the SNI other\.example\.com: no filter chain matches/);
});
