import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { discoverFlows } from '../flows/index.ts';
import { PolicyEngine } from '../policy/index.ts';
import { renderPoliciesYaml } from '../../render/policies-yaml.ts';
import { suggestPolicies } from './index.ts';
import { flowEdges } from './_edges.ts';
import { applied } from '../../../test/helpers/suggest-cases.ts';

const build = (...docs: string[]) => buildFromTexts([{ file: 'in.yaml', text: docs.join('\n---\n') }]).model;
const suggest = (...docs: string[]) => {
  const model = build(...docs);
  return { model, s: suggestPolicies(model, discoverFlows(model).flows) };
};

const deployment = (ns: string, name: string, labels: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}${labels}}}
    spec:
${extra}      containers: [{name: main, image: x, ports: [{containerPort: 8080, name: http}]}]`;
const service = (ns: string, name: string, ports = '[{port: 8080, targetPort: 8080}]') =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${ns}}\nspec: {selector: {app: ${name}}, ports: ${ports}}`;

const meshedShop = [
  'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {istio-injection: enabled}}',
  deployment('shop', 'web', '', '      serviceAccountName: web\n').replace(
    'image: x,',
    'image: x, env: [{name: API_ADDR, value: "api:8080"}],',
  ),
  deployment('shop', 'api', ''),
  service('shop', 'api'),
];
const istiod = [
  'apiVersion: v1\nkind: Namespace\nmetadata: {name: istio-system}',
  deployment('istio-system', 'istiod', ', istio: pilot'),
  `apiVersion: v1\nkind: Service\nmetadata: {name: istiod, namespace: istio-system}\nspec: {selector: {app: istiod}, ports: [{port: 15012, name: https-dns}, {port: 443, name: https-webhook, targetPort: 15017}]}`,
];
const istioProfile = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nmesh: {name: istio}';

test('rule mesh-proxies-need-their-control-plane: suggest admits every meshed workload to istiod on 15012, and the result is proven', () => {
  const texts = [{ file: 'in.yaml', text: [...meshedShop, ...istiod].join('\n---\n') }];
  const model = buildFromTexts(texts).model;
  const { s, after } = applied(texts, [...discoverFlows(model).flows]);
  assert.deepEqual([s.check.denied, s.check.extra, s.check.unknown], [[], [], []]);
  const engine = new PolicyEngine(after);
  const pilot = after.pods.find((p) => p.namespace === 'istio-system')!;
  for (const name of ['web', 'api']) {
    const pod = after.pods.find((p) => p.labels.app === name)!;
    assert.ok(engine.allows({ kind: 'pod', pod }, { kind: 'pod', pod: pilot }, 15012, 'TCP'), name);
    // The control plane's port only, not istiod's others.
    assert.ok(!engine.allows({ kind: 'pod', pod }, { kind: 'pod', pod: pilot }, 15017, 'TCP'), name);
  }
});

test('rule mesh-proxies-need-their-control-plane: without istiod in the input the suggestion says it is not proven, naming the Service and the workloads', () => {
  const { model, s } = suggest(istioProfile, ...meshedShop);
  assert.equal(s.check.unknown.length, 1);
  assert.match(
    s.check.unknown[0],
    /istio proxies of 2 workload\(s\) \(shop\/api, shop\/web\).*Service istio-system\/istiod port 15012, which is not in the input/,
  );
  assert.match(renderPoliciesYaml(model, s), /^# NOT PROVEN: the istio proxies/m);
  // Without a mesh nothing is said.
  const plain = suggest(...meshedShop);
  assert.deepEqual(plain.s.check.unknown, []);
});

test('rule default-deny-cuts-admission-webhooks: a default deny written where an admission webhook is served is not proven, with the port named', () => {
  const webhook = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: api-admission}
webhooks:
  - name: validate.api.example.com
    clientConfig: {service: {namespace: shop, name: api, port: 8080}}
    failurePolicy: Fail
    sideEffects: None
    admissionReviewVersions: [v1]
    rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}]`;
  const { s } = suggest(...meshedShop.slice(1), webhook);
  assert.equal(s.check.unknown.length, 1);
  assert.match(
    s.check.unknown[0],
    /^the API server calls admission webhooks in shop \(TCP 8080 on Deployment\/shop\/api\)/,
  );
  assert.deepEqual(suggest(...meshedShop.slice(1)).s.check.unknown, []);
});

test('rule rbac-bound-workloads-call-the-api: suggest admits a bound workload to the API server endpoint only (its /32, the endpoint port)', () => {
  const binding = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: web, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: web}
subjects: [{kind: ServiceAccount, name: web}]`;
  const { model, s } = suggest(...meshedShop.slice(1), binding);
  assert.deepEqual([s.check.denied, s.check.extra], [[], []]);
  const web = s.policies.find((p) => p.name === 'kubetwin-web')!;
  const api = model.endpointSlices.find((e) => e.serviceName === 'kubernetes' && e.namespace === 'default')!;
  const address = api.endpoints[0].addresses[0];
  const port = api.ports[0].port;
  const rule = web.egress.find((r) => r.peer.kind === 'cidr');
  assert.deepEqual(rule && [rule.peer, rule.ports], [
    { kind: 'cidr', cidr: `${address}/32` },
    [{ protocol: 'TCP', port }],
  ]);
  // The unbound workload gets no such rule.
  assert.ok(!s.policies.find((p) => p.name === 'kubetwin-api')?.egress.some((r) => r.peer.kind === 'cidr'));
});

test('rule FindPort: a named targetPort resolves to the container port with that name and the Service port’s protocol, so the DNS edges of a pod naming dns on UDP 53 and on TCP 5353 (two containers) are UDP 53 and TCP 5353', () => {
  // Port names are unique within a container (validateContainerPorts); two containers may share one, which the API
  // server only warns about, and podutil.FindPort matches name and protocol.
  const coredns = `apiVersion: apps/v1
kind: Deployment
metadata: {name: coredns, namespace: kube-system}
spec:
  selector: {matchLabels: {k8s-app: kube-dns}}
  template:
    metadata: {labels: {k8s-app: kube-dns}}
    spec:
      containers:
        - {name: coredns, image: x, ports: [{name: dns, containerPort: 53, protocol: UDP}]}
        - {name: tcp-front, image: x, ports: [{name: dns, containerPort: 5353, protocol: TCP}]}`;
  const kubeDns = `apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system}
spec:
  clusterIP: 10.96.0.10
  selector: {k8s-app: kube-dns}
  ports: [{name: dns, port: 53, protocol: UDP, targetPort: dns}, {name: dns-tcp, port: 53, protocol: TCP, targetPort: dns}]`;
  const web = deployment('shop', 'web', '').replace(
    'image: x,',
    'image: x, env: [{name: API_ADDR, value: "api:8080"}],',
  );
  const model = build(coredns, kubeDns, web, deployment('shop', 'api', ''), service('shop', 'api'));
  const dns = flowEdges(model, discoverFlows(model).flows)
    .edges.filter((e) => e.to.kind === 'pods' && e.to.group === 'kube-system/coredns')
    .filter((e) => e.from.kind === 'pods' && e.from.group === 'shop/web')
    .map((e) => `${e.port}/${e.protocol}`);
  assert.deepEqual(dns, ['53/UDP', '5353/TCP']);
});
