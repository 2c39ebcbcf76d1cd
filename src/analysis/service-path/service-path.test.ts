/**
 * The Service data path as kube-proxy programs it, one test per rule, as `endpoint used|unused` lines.
 * https://kubernetes.io/docs/reference/networking/virtual-ips/ (traffic policies, session affinity, proxy modes)
 * https://kubernetes.io/docs/concepts/services-networking/topology-aware-routing/ · KEP-1669 (terminating endpoints)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { servicePath, type Client, type ServicePathResult } from './index.ts';

// Default profile: node-1/zone-a 10.0.0.11, node-2/zone-b 10.0.0.12, node-3/zone-c 10.0.0.13.
const pod = (
  name: string,
  node: string,
  ip: string,
  opts: { ready?: boolean; terminating?: boolean; port?: number; labels?: string } = {},
) => `---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: shop, labels: {${opts.labels ?? 'app: web'}}${opts.terminating ? ', deletionTimestamp: "2026-01-01T00:00:00Z"' : ''}}
spec: {nodeName: ${node}, containers: [{name: c, image: x, ports: [{name: http, containerPort: ${opts.port ?? 8080}}]}]}
status: {phase: Running, podIP: ${ip}, conditions: [{type: Ready, status: "${opts.ready === false ? 'False' : 'True'}"}]}
`;
const client = pod('client', 'node-1', '10.244.1.99', { labels: 'app: client' });
const service = (spec: string) =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {clusterIP: 10.96.0.20, selector: {app: web}, ports: [{name: http, port: 80, targetPort: http}], ${spec}}\n`;
const three =
  pod('web-1', 'node-1', '10.244.1.10') +
  pod('web-2', 'node-2', '10.244.2.10') +
  pod('web-3', 'node-3', '10.244.3.10');
const profile = (mode: string, extra = '') =>
  `apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nkubeProxy: {mode: ${mode}${extra}}\n`;

function path(
  yaml: string,
  c: Client = { kind: 'pod', pod: 'shop/client' },
  opts: { port?: number | string; requests?: number; mode?: string } = {},
): ServicePathResult {
  const { model } = buildYaml(
    `apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n${yaml}${client}`,
    opts.mode ? { profile: opts.mode } : {},
  );
  const r = servicePath(model, {
    service: 'shop/web',
    port: opts.port ?? 80,
    client: c,
    ...(opts.requests ? { requests: opts.requests } : {}),
  });
  assert.equal(typeof r, 'object', String(r));
  return r as ServicePathResult;
}
const lines = (r: ServicePathResult) =>
  r.endpoints.map((e) => `${e.ip}:${e.port} ${e.used ? 'used' : `unused (${e.reason})`}`);

describe('kube-proxy data path', () => {
  it("ClusterIP:port goes to every ready endpoint, service port mapped to each pod's targetPort", () => {
    const r = path(
      service('') +
        pod('web-1', 'node-1', '10.244.1.10') +
        pod('web-2', 'node-2', '10.244.2.10', { port: 9090 }) +
        pod('web-3', 'node-3', '10.244.3.10', { ready: false }),
    );
    assert.equal(r.verdict, 'routed');
    assert.deepEqual(r.frontends, ['10.96.0.20:80']);
    assert.deepEqual(lines(r).sort(), [
      '10.244.1.10:8080 used',
      '10.244.2.10:9090 used',
      '10.244.3.10:8080 unused (not ready)',
    ]);
  });

  it('no ready endpoint: the serving-terminating ones are used (KEP-1669)', () => {
    const r = path(
      service('') +
        pod('web-1', 'node-1', '10.244.1.10', { terminating: true }) +
        pod('web-2', 'node-2', '10.244.2.10', { ready: false }),
    );
    assert.deepEqual(lines(r).sort(), ['10.244.1.10:8080 used', '10.244.2.10:8080 unused (not ready)']);
    assert.match(r.notes.join(' '), /serving-terminating/);
  });

  it('a port the Service does not define is not routed; no endpoint at all is rejected', () => {
    assert.equal(path(service('') + three, undefined, { port: 81 }).verdict, 'not-routed');
    const none = path(service(''));
    assert.equal(none.verdict, 'rejected');
    assert.deepEqual(none.endpoints, []);
  });

  it('sessionAffinity ClientIP pins a client to one endpoint; the timeout defaults to 10800 s', () => {
    const r = path(service('sessionAffinity: ClientIP') + three, undefined, { requests: 30 });
    assert.deepEqual(r.affinity, { mode: 'ClientIP', timeoutSeconds: 10800 });
    assert.deepEqual(r.spread, [
      { endpoint: 'one of the 3 endpoints (fixed by the first connection)', connections: 30 },
    ]);
    const t = path(
      service('sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}') + three,
    );
    assert.equal(t.affinity.timeoutSeconds, 60);
  });

  it('kube-proxy modes: iptables and nftables spread at random (expected counts), IPVS rr in turn, IPVS sh to one', () => {
    const yaml = service('') + three;
    assert.deepEqual(
      path(yaml, undefined, { requests: 30 }).spread?.map((s) => s.connections),
      [10, 10, 10],
    );
    assert.equal(path(yaml, undefined, { requests: 30 }).spreadKind, 'expected');
    assert.equal(path(yaml, undefined, { requests: 30, mode: profile('nftables') }).spreadKind, 'expected');
    const rr = path(yaml, undefined, { requests: 7, mode: profile('ipvs') });
    assert.deepEqual([rr.spreadKind, rr.spread?.map((s) => s.connections)], ['exact', [3, 2, 2]]);
    const sh = path(yaml, undefined, { requests: 7, mode: profile('ipvs', ', ipvsScheduler: sh') });
    assert.deepEqual(
      sh.spread?.map((s) => s.connections),
      [7],
    );
  });

  it('NodePort answers on every node address; the load balancer on its ingress address', () => {
    const np = path(service('type: NodePort') + three, {
      kind: 'external',
      ip: '203.0.113.7',
      via: { node: 'node-2' },
    });
    const nodePort = np.port?.nodePort;
    assert.deepEqual(np.frontends, [
      `10.0.0.11:${nodePort}`,
      `10.0.0.12:${nodePort}`,
      `10.0.0.13:${nodePort}`,
    ]);
    const lb = path(service('type: LoadBalancer, loadBalancerIP: 198.51.100.10') + three, {
      kind: 'external',
      ip: '203.0.113.7',
      via: 'loadbalancer',
    });
    assert.deepEqual(lb.frontends, ['198.51.100.10:80']);
    assert.equal(
      path(service('') + three, { kind: 'external', ip: '203.0.113.7', via: { node: 'node-2' } }).verdict,
      'not-routed',
    );
  });

  it('externalTrafficPolicy Cluster: every endpoint, source masqueraded on the node (its address, or its tunnel toward other nodes); Local: node-local endpoints only, source kept', () => {
    const cluster = path(service('type: NodePort') + three, {
      kind: 'external',
      ip: '203.0.113.7',
      via: { node: 'node-2' },
    });
    assert.equal(cluster.endpoints.filter((e) => e.used).length, 3);
    // Calico (the default profile): node-2's own address for its endpoint, its tunnel's toward node-1 and node-3,
    // and for its own endpoint the client's, which Calico's FORWARD-chain policy may judge before the masquerade.
    assert.deepEqual(cluster.sourceIP && [cluster.sourceIP.addresses, cluster.sourceIP.preserved], [
      ['10.0.0.12', '10.244.2.0', '203.0.113.7'],
      false,
    ]);
    const local = path(service('type: NodePort, externalTrafficPolicy: Local') + three, {
      kind: 'external',
      ip: '203.0.113.7',
      via: { node: 'node-2' },
    });
    assert.deepEqual(
      local.endpoints.filter((e) => e.used).map((e) => e.ip),
      ['10.244.2.10'],
    );
    assert.deepEqual(local.sourceIP && [local.sourceIP.seen, local.sourceIP.preserved], [
      '203.0.113.7',
      true,
    ]);
    const empty = path(
      service('type: NodePort, externalTrafficPolicy: Local') + pod('web-3', 'node-3', '10.244.3.10'),
      { kind: 'external', ip: '203.0.113.7', via: { node: 'node-2' } },
    );
    assert.equal(empty.verdict, 'dropped');
  });

  it('externalTrafficPolicy Local on a LoadBalancer: health checks on healthCheckNodePort pick the nodes with endpoints', () => {
    const r = path(
      service('type: LoadBalancer, loadBalancerIP: 198.51.100.10, externalTrafficPolicy: Local') +
        pod('web-1', 'node-1', '10.244.1.10'),
      { kind: 'external', ip: '203.0.113.7', via: 'loadbalancer' },
    );
    assert.equal(r.verdict, 'routed');
    assert.match(r.notes.join(' '), /healthCheckNodePort \d+ \(node-1\)/);
  });

  it('internalTrafficPolicy Local: only endpoints on the client node; none there is dropped', () => {
    const r = path(service('internalTrafficPolicy: Local') + three);
    assert.deepEqual(
      r.endpoints.filter((e) => e.used).map((e) => e.ip),
      ['10.244.1.10'],
    );
    assert.equal(
      path(service('internalTrafficPolicy: Local') + pod('web-2', 'node-2', '10.244.2.10')).verdict,
      'dropped',
    );
  });

  it('headless Service: kube-proxy does not handle it, so internalTrafficPolicy Local drops nothing', () => {
    const headless = `apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {clusterIP: None, internalTrafficPolicy: Local, selector: {app: web}, ports: [{name: http, port: 80, targetPort: http}]}\n`;
    const r = path(headless + pod('web-2', 'node-2', '10.244.2.10'));
    assert.equal(r.verdict, 'routed');
    assert.deepEqual(
      r.endpoints.filter((e) => e.used).map((e) => e.ip),
      ['10.244.2.10'],
    );
    assert.match(
      r.notes.join(' '),
      /internalTrafficPolicy Local does not apply: kube-proxy does not handle headless/,
    );
    assert.equal(r.sourceIP?.why, 'the client connects to the endpoint address itself: no NAT');
    assert.match(r.balancing.description, /^no kube-proxy rule \(headless\)/);
  });

  it('a hand-written EndpointSlice whose port is not named as the Service port: the reason names the slice port', () => {
    const selectorless = `apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {clusterIP: 10.96.0.20, ports: [{name: http, port: 80, targetPort: 9376}]}\n---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: web-1, namespace: shop, labels: {kubernetes.io/service-name: web}}\naddressType: IPv4\nports: [{protocol: TCP, port: 9376}]\nendpoints: [{addresses: [10.4.5.6]}]\n`;
    const r = path(selectorless);
    assert.equal(r.verdict, 'rejected');
    assert.equal(
      r.endpoints[0]?.reason,
      'EndpointSlice web-1 has no TCP port named "http" (a slice port is used for the Service port of the same name)',
    );
  });

  it('trafficDistribution PreferClose: endpoints hinted for the client zone; hints ignored when none is for that zone', () => {
    const r = path(service('trafficDistribution: PreferClose') + three);
    assert.equal(r.topology, 'zone zone-a (topology hints)');
    assert.deepEqual(
      r.endpoints.filter((e) => e.used).map((e) => e.ip),
      ['10.244.1.10'],
    );
    const elsewhere = path(
      service('trafficDistribution: PreferClose') +
        pod('web-2', 'node-2', '10.244.2.10') +
        pod('web-3', 'node-3', '10.244.3.10'),
    );
    assert.equal(elsewhere.topology, undefined);
    assert.equal(elsewhere.endpoints.filter((e) => e.used).length, 2);
  });
});
