import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml, codes } from './_test-helpers.ts';

const svc = (name: string, spec: string, meta = '') =>
  `---\napiVersion: v1\nkind: Service\nmetadata: {name: ${name}${meta}}\nspec:\n${spec}\n`;
const port80 = '  ports: [{port: 80}]';

test('ClusterIP: an explicit clusterIP is honoured; others are allocated inside the service CIDR, deterministically', () => {
  const text = svc('a', `  clusterIP: 10.96.5.5\n${port80}`) + svc('b', port80);
  const first = buildYaml(text).model.services;
  const again = buildYaml(text).model.services;
  const a = first.find((s) => s.name === 'a')!;
  const b = first.find((s) => s.name === 'b')!;
  assert.deepEqual(a.clusterIPs, ['10.96.5.5']);
  assert.match(b.clusterIPs[0], /^10\.(9[6-9]|10[0-9]|11[01])\./);
  assert.deepEqual(again.find((s) => s.name === 'b')!.clusterIPs, b.clusterIPs);
});

test('ClusterIP allocation never reuses a taken IP, and adding a Service does not move the others', () => {
  const base = svc('b', port80) + svc('c', port80);
  const before = buildYaml(base).model.services.find((s) => s.name === 'b')!.clusterIPs[0];
  const withTaker = buildYaml(base + svc('z', `  clusterIP: ${before}\n${port80}`)).model.services;
  const ips = withTaker.map((s) => s.clusterIPs[0]);
  assert.equal(new Set(ips).size, ips.length);
  const after = buildYaml(base + svc('d', port80)).model.services.find((s) => s.name === 'b')!.clusterIPs[0];
  assert.equal(after, before);
});

test('the kubernetes Service takes the first address of the service CIDR, kube-dns the profile DNS IP', () => {
  const { model } = buildYaml('');
  assert.deepEqual(
    model.services.map((s) => `${s.namespace}/${s.name}=${s.clusterIPs[0]}`),
    ['default/kubernetes=10.96.0.1', 'kube-system/kube-dns=10.96.0.10'],
  );
  assert.equal(model.pods.filter((p) => p.labels['k8s-app'] === 'kube-dns').length, 2);
});

test('a clusterIP outside the service CIDR or already allocated is refused by the API server', () => {
  const { model, diagnostics } = buildYaml(
    svc('x', `  clusterIP: 192.168.1.1\n${port80}`) + svc('y1', `  clusterIP: 10.96.0.10\n${port80}`),
  );
  assert.deepEqual(codes(diagnostics).sort(), ['ip-conflict', 'ip-out-of-range']);
  assert.equal(
    model.services.some((s) => s.name === 'x' || s.name === 'y1'),
    false,
  );
});

test('headless: clusterIP None gets no address', () => {
  const s = buildYaml(svc('h', `  clusterIP: None\n  selector: {app: a}`)).model.services.find(
    (x) => x.name === 'h',
  )!;
  assert.deepEqual([s.headless, s.clusterIPs], [true, []]);
});

test('NodePort: explicit nodePorts honoured, others allocated in 30000-32767; a taken nodePort is refused', () => {
  const text =
    svc('n1', '  type: NodePort\n  ports: [{name: a, port: 80, nodePort: 30080}, {name: b, port: 81}]') +
    svc('n2', '  type: NodePort\n  ports: [{port: 80, nodePort: 30080}]');
  const { model, diagnostics } = buildYaml(text);
  const n1 = model.services.find((s) => s.name === 'n1')!;
  assert.equal(n1.ports[0].nodePort, 30080);
  assert.ok(n1.ports[1].nodePort! >= 30000 && n1.ports[1].nodePort! <= 32767);
  assert.ok(codes(diagnostics).includes('nodeport-conflict'));
  assert.equal(
    model.services.some((s) => s.name === 'n2'),
    false,
  );
});

test('LoadBalancer: status ingress, else loadBalancerIP, else the profile address; Local policy gets a healthCheckNodePort', () => {
  const profile =
    'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nloadBalancers: {default/c: 203.0.113.9}\n';
  const text =
    svc('a', `  type: LoadBalancer\n${port80}\nstatus: {loadBalancer: {ingress: [{ip: 198.51.100.1}]}}`) +
    svc('b', `  type: LoadBalancer\n  loadBalancerIP: 198.51.100.2\n${port80}`) +
    svc('c', `  type: LoadBalancer\n  externalTrafficPolicy: Local\n${port80}`) +
    svc('d', `  type: LoadBalancer\n${port80}`);
  const s = buildYaml(text, { profile }).model.services;
  const by = (n: string) => s.find((x) => x.name === n)!;
  assert.deepEqual(
    ['a', 'b', 'c', 'd'].map((n) => by(n).loadBalancerIngress),
    [['198.51.100.1'], ['198.51.100.2'], ['203.0.113.9'], []],
  );
  assert.equal(by('c').externalTrafficPolicy, 'Local');
  assert.ok(by('c').healthCheckNodePort! >= 30000);
  assert.equal(by('a').healthCheckNodePort, undefined);
});

test('ExternalName: no clusterIP, no endpoints; sessionAffinity ClientIP defaults to 10800 s', () => {
  const s = buildYaml(
    svc('e', '  type: ExternalName\n  externalName: db.example.com') +
      svc('f', `  sessionAffinity: ClientIP\n${port80}`),
  ).model.services;
  assert.deepEqual(s.find((x) => x.name === 'e')!.clusterIPs, []);
  assert.equal(s.find((x) => x.name === 'f')!.sessionAffinityTimeoutSeconds, 10800);
});

test('targetPort "8080" in quotes is a port name to Kubernetes, and invalid as one', () => {
  const { diagnostics } = buildYaml(svc('q', '  ports: [{port: 80, targetPort: "8080"}]'));
  const d = diagnostics.find((x) => x.code === 'invalid-target-port')!;
  assert.match(d.message, /quoted number/);
  assert.equal(d.source?.path, 'spec.ports[0].targetPort');
});

test('port name "" is accepted on a single-port Service, as the API server does (a name is required only with several ports)', () => {
  const svc = (ports: string) =>
    `apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: ${ports}\n`;
  const single = buildYaml(svc('[{name: "", port: 80}]'));
  assert.deepEqual(
    codes(single.diagnostics).filter((c) => c.startsWith('invalid') || c === 'missing-field'),
    [],
  );
  assert.equal(single.model.services.filter((s) => s.name === 'web').length, 1);
  const two = buildYaml(svc('[{name: "", port: 80}, {name: b, port: 81}]'));
  assert.ok(codes(two.diagnostics).includes('missing-field'));
});

test('rule externally-accessible: a ClusterIP Service with externalIPs may set externalTrafficPolicy, one without may not', () => {
  // pkg/api/service/util.go ExternallyAccessible: NodePort, LoadBalancer, or ClusterIP with externalIPs.
  const withIPs = buildYaml(
    svc('a', `  externalTrafficPolicy: Local\n  externalIPs: [198.51.100.32]\n${port80}`),
  );
  assert.deepEqual(
    codes(withIPs.diagnostics).filter((c) => c === 'invalid-field'),
    [],
  );
  assert.equal(withIPs.model.services.find((s) => s.name === 'a')!.externalTrafficPolicy, 'Local');
  const without = buildYaml(svc('b', `  externalTrafficPolicy: Local\n${port80}`));
  assert.ok(codes(without.diagnostics).includes('invalid-field'));
});

test('rule supported-traffic-distribution: a trafficDistribution the API server does not support is an error, not ignored', () => {
  // validation.go supportedTrafficDistribution: PreferClose, PreferSameZone, PreferSameNode.
  const bad = buildYaml(svc('a', `  selector: {app: a}\n  trafficDistribution: PreferSameRegion\n${port80}`));
  assert.ok(
    bad.diagnostics.some(
      (d) => d.code === 'invalid-field' && /trafficDistribution "PreferSameRegion"/.test(d.message),
    ),
  );
  const good = buildYaml(svc('a', `  selector: {app: a}\n  trafficDistribution: PreferSameNode\n${port80}`));
  assert.deepEqual(
    codes(good.diagnostics).filter((c) => c === 'invalid-field'),
    [],
  );
});
