/**
 * Istio ServiceEntry and outboundTrafficPolicy for a meshed client's requests, each from the reference page:
 * https://istio.io/latest/docs/reference/config/networking/service-entry/
 * https://istio.io/latest/docs/tasks/traffic-management/egress/egress-control/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { clientPod, compileMesh, type MeshDecision } from './index.ts';

const app = `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Namespace
metadata: {name: other, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: other}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: vm-like, namespace: shop, labels: {app: legacy}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 9090}]}]}
`;

function route(entries: string, from: string, url: string, policy?: string): MeshDecision | string {
  const profile = {
    file: 'kubetwin.yaml',
    text: `apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nmesh: {name: istio${policy ? `, outboundTrafficPolicy: ${policy}` : ''}}\n`,
  };
  const { model } = buildFromTexts(
    [
      { file: 'app.yaml', text: app },
      { file: 'se.yaml', text: entries },
    ],
    { profile },
  );
  const u = new URL(url);
  const pod = clientPod(model, from);
  assert.ok(typeof pod !== 'string', String(pod));
  return compileMesh(model).route(
    {
      scheme: 'http',
      host: u.hostname,
      port: Number(u.port || 80),
      path: u.pathname,
      query: [],
      method: 'GET',
      headers: { host: u.hostname },
    },
    pod,
  );
}

const entry = (name: string, spec: string) => `---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${name}, namespace: shop}
spec:
${spec}`;

const decided = (d: MeshDecision | string): MeshDecision => {
  assert.ok(typeof d !== 'string', String(d));
  return d;
};

test('a DNS ServiceEntry host is routed to the host itself, resolved by the proxy', () => {
  const d = decided(
    route(
      entry(
        'ext',
        '  hosts: [api.example.com]\n  ports: [{number: 80, name: http, protocol: HTTP}]\n  resolution: DNS\n',
      ),
      'shop/web',
      'http://api.example.com/v1',
    ),
  );
  assert.equal(d.status, 200);
  assert.match(d.by, /ServiceEntry shop\/ext \(MESH_EXTERNAL, resolution DNS\)/);
  assert.deepEqual(d.destinations[0].endpoints, ['api.example.com:80']);
});

test('a wildcard host covers its subdomains', () => {
  const d = decided(
    route(
      entry('wild', '  hosts: ["*.example.com"]\n  ports: [{number: 80, name: http, protocol: HTTP}]\n'),
      'shop/web',
      'http://a.example.com/',
    ),
  );
  assert.match(d.by, /ServiceEntry shop\/wild/);
  assert.deepEqual(d.destinations[0].endpoints, ['original destination a.example.com:80']);
});

test('STATIC endpoints take the endpoint port by port name over targetPort', () => {
  const d = decided(
    route(
      entry(
        'static',
        '  hosts: [db.corp]\n  ports: [{number: 80, name: http, protocol: HTTP, targetPort: 8080}]\n  resolution: STATIC\n  endpoints:\n  - {address: 192.0.2.1}\n  - {address: 192.0.2.2, ports: {http: 9000}}\n',
      ),
      'shop/web',
      'http://db.corp/',
    ),
  );
  assert.deepEqual(d.destinations[0].endpoints, ['192.0.2.1:8080', '192.0.2.2:9000']);
});

test('workloadSelector picks the ready pods of the entry namespace', () => {
  const d = decided(
    route(
      entry(
        'sel',
        '  hosts: [legacy.corp]\n  location: MESH_INTERNAL\n  ports: [{number: 80, name: http, protocol: HTTP, targetPort: 9090}]\n  resolution: STATIC\n  workloadSelector: {labels: {app: legacy}}\n',
      ),
      'shop/web',
      'http://legacy.corp/',
    ),
  );
  assert.deepEqual(d.destinations[0].workloads, ['shop/vm-like']);
  assert.match(d.destinations[0].endpoints[0], /:9090$/);
});

test('service-entry-workload-selector-workload-entries: workloadSelector picks the WorkloadEntries of the entry namespace too, on their port by name', () => {
  // https://istio.io/latest/docs/reference/config/networking/workload-entry/: a ServiceEntry selects WorkloadEntries
  // (VMs) and pods by its labels; the entry's ports map (by service port name) overrides targetPort.
  const we = (name: string, ns: string, spec: string) =>
    `---\napiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata: {name: ${name}, namespace: ${ns}}\nspec: ${spec}\n`;
  const sel = entry(
    'vms',
    '  hosts: [vm.corp]\n  location: MESH_INTERNAL\n  ports: [{number: 80, name: http, protocol: HTTP, targetPort: 8080}]\n  resolution: STATIC\n  workloadSelector: {labels: {app: vm}}\n',
  );
  const vms = [
    we('vm-1', 'shop', '{address: 10.128.0.5, labels: {app: vm}}'),
    we('vm-2', 'shop', '{address: 10.128.0.6, labels: {app: vm}, ports: {http: 9000}}'),
    // Another namespace's, or other labels: not picked.
    we('vm-3', 'other', '{address: 10.128.0.7, labels: {app: vm}}'),
    we('db', 'shop', '{address: 10.128.0.8, labels: {app: db}}'),
  ].join('');
  const d = decided(route(sel + vms, 'shop/web', 'http://vm.corp/'));
  assert.equal(d.status, 200);
  assert.deepEqual(d.destinations[0].workloads, ['WorkloadEntry/shop/vm-1', 'WorkloadEntry/shop/vm-2']);
  assert.deepEqual(d.destinations[0].endpoints, ['10.128.0.5:8080', '10.128.0.6:9000']);
  // Without any: 503, said of pods and WorkloadEntries.
  const none = decided(route(sel, 'shop/web', 'http://vm.corp/'));
  assert.equal(none.status, 503);
  assert.match(none.destinations[0].problem ?? '', /no ready pod and no WorkloadEntry in shop/);
});

test('kubernetes-service-selects-workload-entries: a Service whose selector picks a WorkloadEntry of its namespace is unknown for a sidecar client', () => {
  // istio/istio pilot/pkg/serviceregistry/kube/controller (WorkloadInstanceHandler): Kubernetes Services select
  // WorkloadEntries with labels in their namespace, so the sidecar may send requests to the VM.
  const svc = `---\napiVersion: v1\nkind: Service\nmetadata: {name: legacy, namespace: shop}\nspec: {selector: {app: legacy}, ports: [{port: 80, targetPort: 9090}]}\n`;
  const vm = `---\napiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata: {name: legacy-vm, namespace: shop}\nspec: {address: 10.128.0.9, labels: {app: legacy}}\n`;
  const d = decided(route(svc + vm, 'shop/web', 'http://legacy.shop/'));
  assert.match(d.unknown ?? '', /WorkloadEntry\/shop\/legacy-vm \(Service shop\/legacy\)/);
  // Without the WorkloadEntry the answer stands.
  assert.equal(decided(route(svc, 'shop/web', 'http://legacy.shop/')).unknown, undefined);
});

test('exportTo "." hides the entry from other namespaces (they fall to the outbound policy)', () => {
  const se = entry(
    'private',
    '  hosts: [api.example.com]\n  exportTo: ["."]\n  ports: [{number: 80, name: http, protocol: HTTP}]\n  resolution: DNS\n',
  );
  assert.match(decided(route(se, 'shop/web', 'http://api.example.com/')).by, /ServiceEntry/);
  const other = decided(route(se, 'other/web', 'http://api.example.com/', 'REGISTRY_ONLY'));
  assert.equal(other.status, 502);
});

test('REGISTRY_ONLY answers 502 for an undeclared host; ALLOW_ANY passes it through', () => {
  assert.equal(decided(route('', 'shop/web', 'http://unknown.example.org/', 'REGISTRY_ONLY')).status, 502);
  const pass = decided(route('', 'shop/web', 'http://unknown.example.org/', 'ALLOW_ANY'));
  assert.equal(pass.status, 200);
  assert.match(pass.by, /PassthroughCluster/);
});

test('without mesh.outboundTrafficPolicy the answer says the default ALLOW_ANY was taken', () => {
  const d = decided(route('', 'shop/web', 'http://unknown.example.org/'));
  assert.ok(d.notes.some((n) => /does not set mesh.outboundTrafficPolicy/.test(n)));
});

test('a declared host on a port the entry does not list is not in the registry', () => {
  const d = decided(
    route(
      entry(
        'ext',
        '  hosts: [api.example.com]\n  ports: [{number: 80, name: http, protocol: HTTP}]\n  resolution: DNS\n',
      ),
      'shop/web',
      'http://api.example.com:8080/',
      'REGISTRY_ONLY',
    ),
  );
  assert.equal(d.status, 502);
});

test('a short name that is no Service stays an input error, not a passthrough', () => {
  assert.equal(typeof route('', 'shop/web', 'http://nosuchservice/'), 'string');
});

test('service-entry-tls-origination: a DestinationRule port-level tls SIMPLE for the entry host is named on the answer', () => {
  const entries = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: cnn, namespace: shop}
spec:
  hosts: [edition.cnn.com]
  ports: [{number: 80, name: http, protocol: HTTP}, {number: 443, name: https, protocol: HTTPS}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: cnn, namespace: shop}
spec:
  hosts: [edition.cnn.com]
  http:
  - match: [{port: 80}]
    route: [{destination: {host: edition.cnn.com, port: {number: 443}}}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: cnn, namespace: shop}
spec:
  host: edition.cnn.com
  trafficPolicy:
    portLevelSettings: [{port: {number: 443}, tls: {mode: SIMPLE}}]
`;
  const d = route(entries, 'shop/web', 'http://edition.cnn.com/politics');
  assert.ok(typeof d !== 'string', String(d));
  assert.ok(
    d.notes.some((n) =>
      n.startsWith(
        'DestinationRule/shop/cnn trafficPolicy.portLevelSettings[port 443] SIMPLE: the sidecar originates TLS',
      ),
    ),
    d.notes.join('\n'),
  );
});
