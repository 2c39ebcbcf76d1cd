import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eTopology, engineFor, np } from '../policy/_test-helpers.ts';
import { reach, type ReachResult } from './index.ts';

const deployment = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: x}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: i, ports: [{name: http, containerPort: 8080}]}]}`;
const service = `apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: x}\nspec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}`;
const onlyHttp = np(
  'web',
  'x',
  '  podSelector: {matchLabels: {app: web}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {ns: z}}}], ports: [{port: 8080}]}]',
);

function run(yaml: string, from: string, to: string, port: number): ReachResult {
  const r = reach(engineFor(yaml), { from, to, port, protocol: 'TCP' });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('rule service-after-dnat: traffic to a Service is judged at each endpoint pod on its targetPort', () => {
  const yaml = e2eTopology(`${deployment}\n---\n${service}\n---\n${onlyHttp}`);
  const r = run(yaml, 'z/a', 'service:x/web', 80);
  assert.equal(r.outcome, 'allowed');
  assert.equal(r.pairs.length, 2);
  assert.deepEqual([...new Set(r.pairs.map((p) => p.port))], [8080]);
  assert.equal(run(yaml, 'y/a', 'service:x/web', 80).outcome, 'denied');
});

test('reach: a workload REF gives one verdict per pod, summarised; a pod REF one verdict', () => {
  const yaml = e2eTopology(`${deployment}\n---\n${onlyHttp}`);
  const r = run(yaml, 'z/a', 'x/web', 8080);
  assert.equal(r.pairs.length, 2);
  assert.equal(r.allowedPairs, 2);
  assert.equal(run(yaml, 'z/a', 'x/a', 80).pairs.length, 1);
});

test('reach: internet is every public address, cut at ipBlock boundaries', () => {
  const yaml = e2eTopology(
    np(
      'p',
      'x',
      '  podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [8.0.0.0/8]}}]}]',
    ),
  );
  const r = run(yaml, 'internet', 'x/a', 80);
  assert.equal(r.outcome, 'partial');
  const denied = r.pairs.filter((p) => !p.allowed).map((p) => p.from);
  assert.deepEqual(denied, ['internet 8.0.0.0-8.255.255.255']);
  assert.equal(run(e2eTopology(), 'internet', 'x/a', 80).outcome, 'allowed');
});

test('reach: REFs that name nothing are errors, with what the namespace holds', () => {
  const engine = engineFor(e2eTopology(`${deployment}\n---\n${service}`));
  assert.match(
    String(reach(engine, { from: 'x/nope', to: 'x/a', port: 80, protocol: 'TCP' })),
    /--from: no workload or pod x\/nope \(in that namespace: a, b, c, web/,
  );
  assert.match(
    String(reach(engine, { from: 'x/a', to: 'service:x/web', port: 81, protocol: 'TCP' })),
    /has no port 81\/TCP \(ports: 80\/TCP\)/,
  );
  assert.match(
    String(reach(engine, { from: 'x/a', to: 'ip:999.1.1.1', port: 81, protocol: 'TCP' })),
    /is not an address/,
  );
});

test('reach: an ip: REF that is a pod IP or a ClusterIP resolves to the pod or the Service endpoints', () => {
  const engine = engineFor(e2eTopology(`${deployment}\n---\n${service}`));
  const a = engine.model.pods.find((p) => p.namespace === 'x' && p.name === 'a')!;
  const r = reach(engine, {
    from: `ip:${a.ip}`,
    to: `ip:${engine.model.services.find((s) => s.name === 'web')!.clusterIPs[0]}`,
    port: 80,
    protocol: 'TCP',
  });
  assert.ok(typeof r !== 'string');
  assert.deepEqual(
    r.pairs.map((p) => [p.from, p.port]),
    [
      ['x/a', 8080],
      ['x/a', 8080],
    ],
  );
});

test('reach: a Service as a source stands for the pods behind it, whatever the port', () => {
  const yaml = e2eTopology(`${deployment}\n---\n${service}`);
  const r = run(yaml, 'service:x/web', 'x/a', 443);
  assert.equal(r.pairs.length, 2);
  assert.match(r.notes.join(), /stands for the pods behind it/);
});

test('rule unmodeled-field-is-unknown: a Cilium rule with a field kubetwin does not model (authentication, Kafka) makes reach unknown, never ALLOWED', () => {
  const profile = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: cilium}\n';
  const cnp = (extra: string) =>
    `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: web, namespace: x}\nspec:\n  endpointSelector: {matchLabels: {pod: a}}\n  ingress:\n  - fromEndpoints: [{matchLabels: {pod: b}}]\n${extra}`;
  const judge = (extra: string) => {
    const r = reach(engineFor(e2eTopology(cnp(extra)), { profile }), {
      from: 'x/b',
      to: 'x/a',
      port: 80,
      protocol: 'TCP',
    });
    assert.ok(typeof r !== 'string', String(r));
    return r;
  };
  const plain = judge('');
  assert.equal(plain.verdict, 'allowed');
  assert.deepEqual(plain.unknownReasons, []);
  const auth = judge('    authentication: {mode: required}\n');
  assert.equal(auth.outcome, 'allowed', 'the modeled parts allow it');
  assert.equal(auth.verdict, 'unknown');
  assert.match(auth.unknownReasons.join('\n'), /authentication is not modeled by kubetwin/);
  const kafka = judge('    toPorts: [{ports: [{port: "80"}], rules: {kafka: [{topic: t}]}}]\n');
  assert.equal(kafka.verdict, 'unknown');
  assert.match(kafka.unknownReasons.join('\n'), /toPorts\[0\]\.rules\.kafka is not modeled by kubetwin/);
});

test('reach: from the internet to a ClusterIP Service, a note says there is no path through it from outside', () => {
  const yaml = e2eTopology(`${deployment}\n---\n${service}`);
  const note = (r: ReachResult) => r.notes.filter((n) => n.includes('type ClusterIP'));
  assert.deepEqual(note(run(yaml, 'internet', 'service:x/web', 80)), [
    "Service x/web is type ClusterIP, reachable only from inside the cluster: from outside there is no path through it; the verdicts are the policies' for a client that reaches its pods directly",
  ]);
  assert.deepEqual(note(run(yaml, 'z/a', 'service:x/web', 80)), [], 'no note from a pod');
  const nodePort = yaml.replace(
    'ports: [{port: 80, targetPort: http}]',
    'type: NodePort, ports: [{port: 80, targetPort: http}]',
  );
  assert.deepEqual(
    note(run(nodePort, 'internet', 'service:x/web', 80)),
    [],
    'no note for a NodePort Service',
  );
});

test('reach: from the internet to a LoadBalancer Service with no external address, a note says it is pending and reachable only through its node port', () => {
  const yaml = e2eTopology(`${deployment}\n---\n${service}`).replace(
    'ports: [{port: 80, targetPort: http}]',
    'type: LoadBalancer, ports: [{port: 80, targetPort: http, nodePort: 30080}]',
  );
  const note = (r: ReachResult) => r.notes.filter((n) => n.includes('type LoadBalancer'));
  assert.deepEqual(note(run(yaml, 'internet', 'service:x/web', 80)), [
    "Service x/web is type LoadBalancer with no external address (EXTERNAL-IP <pending>: neither status.loadBalancer.ingress nor the profile's loadBalancers give one): from outside it is reachable only through node port 30080/TCP where the nodes are reachable; the verdicts are the policies' for a client that reaches its pods",
  ]);
  const provisioned = yaml.replace(
    'type: LoadBalancer, ports: [{port: 80, targetPort: http, nodePort: 30080}]}',
    'type: LoadBalancer, ports: [{port: 80, targetPort: http, nodePort: 30080}]}\nstatus: {loadBalancer: {ingress: [{ip: 203.0.113.7}]}}',
  );
  assert.notEqual(provisioned, yaml);
  assert.deepEqual(
    note(run(provisioned, 'internet', 'service:x/web', 80)),
    [],
    'no note once it has an address',
  );
});

// https://docs.cilium.io/en/stable/security/policy/language/#dns-based
test('reach fqdn without externalHosts: judged at every public range; toFQDNs decides by name, disagreeing ranges are unknown', () => {
  const cilium = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: cilium}\n';
  const fqdnPolicy = `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: fq, namespace: x}\nspec:
  endpointSelector: {matchLabels: {pod: a}}
  egress:
  - toFQDNs: [{matchName: api.github.com}]
  - toEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": kube-system, k8s-app: kube-dns}}]
    toPorts: [{ports: [{port: "53", protocol: ANY}], rules: {dns: [{matchPattern: "*"}]}}]`;
  const at = (yaml: string, to: string, profile?: string) => {
    const r = reach(engineFor(e2eTopology(yaml), profile ? { profile } : {}), {
      from: 'x/a',
      to,
      port: 443,
      protocol: 'TCP',
    });
    assert.ok(typeof r !== 'string', String(r));
    return r;
  };
  const github = at(fqdnPolicy, 'fqdn:api.github.com', cilium);
  assert.equal(github.verdict, 'allowed');
  assert.ok(github.pairs.length > 1);
  assert.match(github.notes.join('\n'), /no address in the profile's externalHosts/);
  assert.equal(at(fqdnPolicy, 'fqdn:support.github.com', cilium).verdict, 'denied');
  // An ipBlock admits some public ranges: the answer depends on the address, so it is unknown, not ALLOWED.
  const someRanges = np(
    'eg',
    'x',
    '  podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]\n  egress: [{to: [{ipBlock: {cidr: 8.8.8.0/24}}]}]',
  );
  const google = at(someRanges, 'fqdn:dns.google');
  assert.equal(google.outcome, 'partial');
  assert.equal(google.verdict, 'unknown');
  assert.match(google.unknownReasons.join('\n'), /depends on what it resolves to/);
});

// A finished pod (phase Succeeded or Failed: an evicted pod, a completed Job run) runs nothing and holds no IP; it is
// not among its workload's replicas (IsPodActive, kubernetes/kubernetes pkg/controller/controller_utils.go).
test('reach: a workload REF leaves its finished pods out, and says how many', () => {
  const pod = (name: string, phase: string, ip: string) =>
    `---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web-5d8f7c9b4-${name}\n  namespace: x\n  uid: u-${name}\n  labels: {app: web, pod-template-hash: 5d8f7c9b4}\n  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f7c9b4, uid: u-rs, controller: true}]\nspec: {nodeName: n1, containers: [{name: c, image: i, ports: [{containerPort: 8080}]}]}\nstatus: {phase: ${phase}, hostIP: 10.0.0.11, ${ip ? `podIP: ${ip}, ` : ''}conditions: [{type: Ready, status: "True"}]}\n`;
  const yaml = e2eTopology(pod('aaaaa', 'Running', '10.244.1.50') + pod('evict', 'Failed', ''));
  const r = run(yaml, 'z/a', 'x/web', 8080);
  assert.deepEqual([r.outcome, r.pairs.length], ['allowed', 1]);
  assert.ok(
    r.notes.some((n) => n.startsWith('1 finished pod(s) of Deployment x/web')),
    r.notes.join('\n'),
  );
});
