import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { discoverFlows, sourceText, targetText } from './index.ts';

const discover = (...docs: string[]) =>
  discoverFlows(buildFromTexts([{ file: 'in.yaml', text: docs.join('\n---\n') }]).model);
const steps = (d: ReturnType<typeof discover>, flow: string) =>
  d.flows
    .filter((f) => f.name === flow)
    .flatMap((f) => f.steps.map((s) => `${sourceText(s.from)} → ${targetText(s.to).to}`));

const pod = (ns: string, name: string, sa: string, phase = '') =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${ns}, labels: {app: ${name}}}\nspec: {serviceAccountName: ${sa}, containers: [{name: c, image: x}]}${phase ? `\nstatus: {phase: ${phase}}` : ''}`;
const binding = (kind: string, ns: string | undefined, subjects: string) =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata: {name: b${ns ? `, namespace: ${ns}` : ''}}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects: ${subjects}`;

test('rule rbac-bound-workloads-call-the-api: a workload whose ServiceAccount a binding names calls the API server by its Service, with no DNS step', () => {
  const pods = [pod('ops', 'ctl', 'ctl'), pod('ops', 'other', 'default'), pod('apps', 'web', 'ctl')];
  // A RoleBinding's ServiceAccount subject without namespace is in the binding's namespace.
  const d = discover(...pods, binding('RoleBinding', 'ops', '[{kind: ServiceAccount, name: ctl}]'));
  assert.deepEqual(steps(d, 'to the Kubernetes API'), ['ops/ctl → service:default/kubernetes:443']);
  assert.deepEqual(steps(d, 'DNS lookups'), []);
  assert.match(
    d.flows.find((f) => f.name === 'to the Kubernetes API')!.steps[0].evidence![0].text,
    /Pod\/ops\/ctl runs as ServiceAccount ops\/ctl, bound by RoleBinding ops\/b to ClusterRole view/,
  );
  // The groups every ServiceAccount token carries.
  const all = discover(
    ...pods,
    binding(
      'ClusterRoleBinding',
      undefined,
      '[{kind: Group, name: "system:serviceaccounts:apps", apiGroup: rbac.authorization.k8s.io}]',
    ),
  );
  assert.deepEqual(steps(all, 'to the Kubernetes API'), ['apps/web → service:default/kubernetes:443']);
  const every = discover(
    ...pods,
    binding('ClusterRoleBinding', undefined, '[{kind: Group, name: "system:serviceaccounts"}]'),
  );
  assert.deepEqual(
    steps(every, 'to the Kubernetes API').filter((x) => !x.startsWith('kube-system/')),
    [
      'apps/web → service:default/kubernetes:443',
      'ops/ctl → service:default/kubernetes:443',
      'ops/other → service:default/kubernetes:443',
    ],
  );
  // A user or another group is no ServiceAccount; a finished pod makes no call.
  assert.deepEqual(
    steps(
      discover(...pods, binding('ClusterRoleBinding', undefined, '[{kind: User, name: ctl}]')),
      'to the Kubernetes API',
    ),
    [],
  );
  assert.deepEqual(
    steps(
      discover(
        pod('ops', 'ctl', 'ctl', 'Succeeded'),
        binding('RoleBinding', 'ops', '[{kind: ServiceAccount, name: ctl}]'),
      ),
      'to the Kubernetes API',
    ),
    [],
  );
});

test('rule rbac-bound-workloads-call-the-api, appliesToUser: a User subject named system:serviceaccount:NAMESPACE:NAME binds that ServiceAccount (its user name), another user binds none', () => {
  const pods = [pod('ops', 'ctl', 'ctl'), pod('ops', 'other', 'default')];
  const user = (name: string) =>
    binding(
      'ClusterRoleBinding',
      undefined,
      `[{kind: User, name: "${name}", apiGroup: rbac.authorization.k8s.io}]`,
    );
  assert.deepEqual(steps(discover(...pods, user('system:serviceaccount:ops:ctl')), 'to the Kubernetes API'), [
    'ops/ctl → service:default/kubernetes:443',
  ]);
  assert.deepEqual(
    steps(discover(...pods, user('system:serviceaccount:apps:ctl')), 'to the Kubernetes API'),
    [],
  );
  assert.deepEqual(steps(discover(...pods, user('ctl')), 'to the Kubernetes API'), []);
});

test('rule rbac-bound-workloads-call-the-api reads only bindings the API server accepts: subjects: 5 is a positioned error, and the valid binding beside it still makes its call', () => {
  const built = buildFromTexts([
    {
      file: 'in.yaml',
      text: [
        pod('ops', 'ctl', 'ctl'),
        pod('ops', 'op', 'op'),
        binding('RoleBinding', 'ops', '[{kind: ServiceAccount, name: op}]'),
        binding('RoleBinding', 'ops', '5').replace('name: b,', 'name: bad,'),
      ].join('\n---\n'),
    },
  ]);
  assert.deepEqual(
    built.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.source?.path}`),
    ['invalid-field-type subjects'],
  );
  assert.deepEqual(
    discoverFlows(built.model)
      .flows.filter((f) => f.name === 'to the Kubernetes API')
      .flatMap((f) => f.steps.map((s) => sourceText(s.from))),
    ['ops/op'],
  );
});

test('rule istio-gateway-routes-are-entry-points: each host a bound VirtualService routes at an Istio Gateway server is a call from the internet', () => {
  const gateway = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: shop}
spec:
  selector: {istio: ingressgateway}
  servers:
    - {port: {number: 80, name: http, protocol: HTTP}, hosts: ["shop/*.example.com"]}
    - {port: {number: 443, name: tls, protocol: TLS}, hosts: ["*"], tls: {mode: PASSTHROUGH}}`;
  const vs = (name: string, hosts: string, gateways: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: shop}
spec:
  hosts: ${hosts}
  gateways: ${gateways}
  http:
    - match: [{uri: {prefix: /api}}, {uri: {regex: "/v[0-9]+"}}]
      route: [{destination: {host: api}}]`;
  const d = discover(
    gateway,
    vs('bound', '[www.example.com, other.org]', '[gw]'),
    vs('by-ref', '[a.example.com]', '[shop/gw]'),
    vs('mesh-only', '[b.example.com]', '[mesh]'),
  );
  assert.deepEqual(steps(d, 'from the internet'), [
    'internet → http://www.example.com:80/api',
    'internet → http://www.example.com:80/',
    'internet → http://a.example.com:80/api',
    'internet → http://a.example.com:80/',
  ]);
  // A wildcard host with no load balancer in front of the gateway has no name to call it by: said, not a step.
  const wild = discover(gateway.replace('"shop/*.example.com"', '"*"'), vs('any', '["*"]', '[gw]'));
  assert.deepEqual(steps(wild, 'from the internet'), []);
  assert.match(
    wild.notes.map((n) => n.text).join('\n'),
    /VirtualService\/shop\/any bound to Gateway\/shop\/gw servers\[0\] \(HTTP 80\): no host name to call it by/,
  );
  // Behind a public load balancer the wildcard host is called at its address; behind an internal one it is not.
  const front = (annotations: string) => `apiVersion: v1
kind: Pod
metadata: {name: gw-0, namespace: shop, labels: {istio: ingressgateway}}
spec: {containers: [{name: istio-proxy, image: x, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: gw, namespace: shop, annotations: {${annotations}}}
spec: {type: LoadBalancer, selector: {istio: ingressgateway}, ports: [{port: 80, targetPort: 8080}]}
status: {loadBalancer: {ingress: [{ip: 203.0.113.20}]}}`;
  const wildGateway = [gateway.replace('"shop/*.example.com"', '"*"'), vs('any', '["*"]', '[gw]')];
  assert.deepEqual(steps(discover(...wildGateway, front('')), 'from the internet'), [
    'internet → ip:203.0.113.20:80',
    'internet → http://203.0.113.20:80/api',
    'internet → http://203.0.113.20:80/',
  ]);
  assert.deepEqual(
    steps(
      discover(...wildGateway, front('networking.gke.io/load-balancer-type: Internal')),
      'from the internet',
    ),
    [],
  );
});
