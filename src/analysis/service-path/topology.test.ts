/**
 * kube-proxy's topology filtering (pkg/proxy/topology.go `CategorizeEndpoints`, `topologyModeFromHints`) and the
 * hints the EndpointSlice controller writes (staging/src/k8s.io/endpointslice trafficdist.go, topologycache), one
 * test per rule, as `endpoint used|unused` lines.
 * https://kubernetes.io/docs/reference/networking/virtual-ips/#traffic-distribution ·
 * https://kubernetes.io/docs/concepts/services-networking/topology-aware-routing/
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
  opts: { ready?: boolean; terminating?: boolean } = {},
) => `---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: shop, labels: {app: web}${opts.terminating ? ', deletionTimestamp: "2026-01-01T00:00:00Z"' : ''}}
spec: {nodeName: ${node}, containers: [{name: c, image: x, ports: [{name: http, containerPort: 8080}]}]}
status: {phase: Running, podIP: ${ip}, conditions: [{type: Ready, status: "${opts.ready === false ? 'False' : 'True'}"}]}
`;
const client = (node: string) => `---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: shop, labels: {app: client}}
spec: {nodeName: ${node}, containers: [{name: c, image: x}]}
status: {phase: Running, podIP: 10.244.9.99}
`;
const service = (spec: string, meta = '') =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop${meta}}\nspec: {clusterIP: 10.96.0.20, type: NodePort, selector: {app: web}, ports: [{name: http, port: 80, targetPort: http, nodePort: 30080}], ${spec}}\n`;
// Two endpoints on node-1 (zone-a), one on node-2 (zone-b), one on node-3 (zone-c).
const four =
  pod('web-1a', 'node-1', '10.244.1.10') +
  pod('web-1b', 'node-1', '10.244.1.11') +
  pod('web-2', 'node-2', '10.244.2.10') +
  pod('web-3', 'node-3', '10.244.3.10');

function path(yaml: string, opts: { from?: string; client?: Client } = {}): ServicePathResult {
  const { model } = buildYaml(
    `apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n${yaml}${client(opts.from ?? 'node-1')}`,
  );
  const r = servicePath(model, {
    service: 'shop/web',
    port: 80,
    client: opts.client ?? { kind: 'pod', pod: 'shop/client' },
  });
  assert.equal(typeof r, 'object', String(r));
  return r as ServicePathResult;
}

/** A Service without a selector and its hand-written EndpointSlice (`endpoints`: the slice's endpoint lines). */
const handWritten = (endpoints: string) => `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {clusterIP: 10.96.0.20, ports: [{name: http, port: 80}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-1, namespace: shop, labels: {kubernetes.io/service-name: web}}
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints:
${endpoints}`;

const used = (r: ServicePathResult) => r.endpoints.filter((e) => e.used).map((e) => e.ip);

describe('topology hints', () => {
  it('rule topology-prefer-same-node: PreferSameNode sends a client only to the endpoints on its own node', () => {
    const r = path(service('trafficDistribution: PreferSameNode') + four);
    assert.equal(r.topology, 'node node-1 (topology hints)');
    assert.deepEqual(used(r), ['10.244.1.10', '10.244.1.11']);
    assert.equal(
      r.endpoints.find((e) => e.ip === '10.244.2.10')?.reason,
      'hinted for another node than node-1',
    );
  });

  it('rule topology-prefer-same-node: a node with no endpoint falls back to the zone hints, then to every endpoint', () => {
    // node-2 has web-2: its own; a client on a node of zone-a without endpoints would use zone-a's. Here: node-3
    // holds web-3, so remove it and the client on node-3 (zone-c) has neither a node nor a zone hint: every endpoint.
    const noThree =
      pod('web-1a', 'node-1', '10.244.1.10') +
      pod('web-1b', 'node-1', '10.244.1.11') +
      pod('web-2', 'node-2', '10.244.2.10');
    const r = path(service('trafficDistribution: PreferSameNode') + noThree, { from: 'node-3' });
    assert.equal(r.topology, undefined);
    assert.deepEqual(used(r), ['10.244.1.10', '10.244.1.11', '10.244.2.10']);
    assert.match(r.notes.join(' '), /node hints are ignored: no ready endpoint is hinted for node node-3/);
    assert.match(r.notes.join(' '), /zone hints are ignored: no ready endpoint is hinted for zone zone-c/);
  });

  it('rule topology-prefer-same-zone: PreferSameZone hints each endpoint for its own zone, as PreferClose', () => {
    const r = path(service('trafficDistribution: PreferSameZone') + four, { from: 'node-2' });
    assert.equal(r.topology, 'zone zone-b (topology hints)');
    assert.deepEqual(used(r), ['10.244.2.10']);
  });

  it('rule topology-hints-from-any-slice: kube-proxy follows the hints of a hand-written EndpointSlice', () => {
    const selectorless =
      handWritten(`- {addresses: [10.1.0.1], zone: zone-a, hints: {forZones: [{name: zone-a}]}}
- {addresses: [10.1.0.2], zone: zone-b, hints: {forZones: [{name: zone-b}]}}
`);
    const r = path(selectorless);
    assert.equal(r.topology, 'zone zone-a (topology hints)');
    assert.deepEqual(used(r), ['10.1.0.1']);
  });

  it('rule topology-hints-ready-only: hints are judged over ready endpoints; with none ready the serving-terminating ones are used whatever their hints', () => {
    // A not-ready endpoint without a hint does not void the hints of the ready ones.
    const notReady =
      service('trafficDistribution: PreferClose') +
      four +
      pod('web-x', 'node-2', '10.244.2.11', { ready: false });
    assert.deepEqual(used(path(notReady)), ['10.244.1.10', '10.244.1.11']);
    // Every endpoint terminating: kube-proxy falls back to the serving-terminating ones of every zone.
    const terminating =
      service('trafficDistribution: PreferClose') +
      pod('web-1a', 'node-1', '10.244.1.10', { terminating: true }) +
      pod('web-2', 'node-2', '10.244.2.10', { terminating: true });
    const r = path(terminating);
    assert.equal(r.topology, undefined);
    assert.deepEqual(used(r), ['10.244.1.10', '10.244.2.10']);
  });

  it('rule topology-hints-node-port: a node port with externalTrafficPolicy Cluster follows the hints of the node it arrives on', () => {
    const r = path(service('trafficDistribution: PreferClose') + four, {
      client: { kind: 'external', ip: '203.0.113.7', via: { node: 'node-2' } },
    });
    assert.equal(r.topology, 'zone zone-b (topology hints)');
    assert.deepEqual(used(r), ['10.244.2.10']);
    // Through the load balancer the node is not known: every endpoint some node may use, with a note.
    const lb = path(
      service('trafficDistribution: PreferClose').replace('type: NodePort', 'type: LoadBalancer') +
        'status: {loadBalancer: {ingress: [{ip: 192.0.2.50}]}}\n' +
        four,
      {
        client: { kind: 'external', ip: '203.0.113.7', via: 'loadbalancer' },
      },
    );
    assert.equal(used(lb).length, 4);
    assert.match(
      lb.notes.join(' '),
      /each node the load balancer sends to passes connections only to the endpoints hinted/,
    );
  });

  it('rule topology-mode-auto: the topology cache follows node CPU, which kubetwin does not model: unknown', () => {
    const r = path(service('', ', annotations: {service.kubernetes.io/topology-mode: Auto}') + four);
    assert.match(
      r.unknown ?? '',
      /topology-mode: Auto .* which endpoints kube-proxy uses for this client is unknown/,
    );
    assert.equal(r.topology, 'unknown (topology-mode Auto)');
    // The deprecated annotation, lower case, asks for the same.
    const old = path(service('', ', annotations: {service.kubernetes.io/topology-aware-hints: auto}') + four);
    assert.match(old.unknown ?? '', /topology-aware-hints: auto/);
    // It takes precedence over trafficDistribution: the PreferClose hints are not written.
    const both = path(
      service(
        'trafficDistribution: PreferClose',
        ', annotations: {service.kubernetes.io/topology-mode: Auto}',
      ) + four,
    );
    assert.equal(both.topology, 'unknown (topology-mode Auto)');
    // A single ready endpoint is used whatever the hints: no unknown.
    const one = path(
      service('', ', annotations: {service.kubernetes.io/topology-mode: Auto}') +
        pod('web-2', 'node-2', '10.244.2.10'),
    );
    assert.equal(one.unknown, undefined);
  });

  it('rule topology-mode-auto: the hints of observed slices (a dump) are followed', () => {
    const observed = `---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-abcde
  namespace: shop
  labels: {kubernetes.io/service-name: web, endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io}
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints:
- {addresses: [10.244.1.10], nodeName: node-1, zone: zone-a, hints: {forZones: [{name: zone-a}]}, targetRef: {kind: Pod, name: web-1a}}
- {addresses: [10.244.1.11], nodeName: node-1, zone: zone-a, hints: {forZones: [{name: zone-b}]}, targetRef: {kind: Pod, name: web-1b}}
- {addresses: [10.244.2.10], nodeName: node-2, zone: zone-b, hints: {forZones: [{name: zone-b}]}, targetRef: {kind: Pod, name: web-2}}
- {addresses: [10.244.3.10], nodeName: node-3, zone: zone-c, hints: {forZones: [{name: zone-c}]}, targetRef: {kind: Pod, name: web-3}}
`;
    // The controller moved web-1b's hint to zone-b (zone-a had more than its share): a zone-b client uses it.
    const r = path(
      service('', ', annotations: {service.kubernetes.io/topology-mode: Auto}') + four + observed,
      {
        from: 'node-2',
      },
    );
    assert.equal(r.unknown, undefined);
    assert.deepEqual(used(r), ['10.244.1.11', '10.244.2.10']);
  });
});

describe('endpoint addresses', () => {
  it('rule endpoint-first-address: kube-proxy programs an endpoint by its first address only', () => {
    const twoAddresses = handWritten(`- {addresses: [10.1.0.1, 10.1.0.2]}
`);
    const r = path(twoAddresses);
    assert.deepEqual(used(r), ['10.1.0.1']);
    assert.match(
      r.endpoints.find((e) => e.ip === '10.1.0.2')?.reason ?? '',
      /kube-proxy uses only addresses\[0\]/,
    );
  });
});

describe('externalIPs', () => {
  // The Service page's example (https://kubernetes.io/docs/concepts/services-networking/service/#external-ips).
  const docs = (spec: string) => `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {clusterIP: 10.96.0.20, selector: {app: web}, externalIPs: [198.51.100.32], ports: [{name: http, port: 80, targetPort: http}]${spec}}
`;
  const outside: Client = { kind: 'external', ip: '203.0.113.7', via: 'external-ip' };

  it('rule external-ips: kube-proxy takes an externalIP of a ClusterIP Service to its endpoints', () => {
    const r = path(docs('') + pod('web-1', 'node-1', '10.244.1.10'), { client: outside });
    assert.equal(r.verdict, 'routed');
    assert.equal(r.entry, 'ExternalIP');
    assert.deepEqual(r.frontends, ['198.51.100.32:80']);
    assert.deepEqual(used(r), ['10.244.1.10']);
    assert.equal(r.sourceIP?.preserved, false);
  });

  it('rule external-ips: with externalTrafficPolicy Local the node it is routed to decides: unknown when a node has no endpoint', () => {
    const r = path(docs(', externalTrafficPolicy: Local') + pod('web-1', 'node-1', '10.244.1.10'), {
      client: outside,
    });
    assert.equal(r.sourceIP?.preserved, true);
    assert.match(
      r.unknown ?? '',
      /a connection routed to node-2, node-3 \(no ready endpoint there\) is dropped/,
    );
  });
});

describe('endpoint conditions', () => {
  it('rule serving-unset-is-true: a terminating endpoint written without serving is still the fallback', () => {
    // pkg/proxy/endpointslicecache.go: serving := Conditions.Serving == nil || *Conditions.Serving
    const slice = handWritten(`- {addresses: [10.1.0.1], conditions: {ready: false, terminating: true}}
`);
    const r = path(slice);
    assert.equal(r.verdict, 'routed');
    assert.deepEqual(used(r), ['10.1.0.1']);
  });
});
