import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { kinds, unmodeledTrafficKind } from '../../model/catalogue.ts';
import { PolicyEngine } from '../policy/index.ts';
import { reach } from '../reach/index.ts';
import {
  ipBlockPodWarnings,
  matrixUnknown,
  namingRequest,
  touchingConnection,
  unmodeledObjects,
} from './index.ts';

const topology = ['x', 'z', 'istio-system']
  .map(
    (ns) =>
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: ${ns}, labels: {app: a}}\nspec: {containers: [{name: c, image: i, ports: [{containerPort: 80}]}]}\n`,
  )
  .join('---\n');
const build = (extra: string) => buildFromTexts([{ file: 't.yaml', text: `${topology}---\n${extra}` }]).model;
const ask = (extra: string, from = 'x/a', to = 'z/a') =>
  reach(new PolicyEngine(build(extra)), { from, to, port: 80, protocol: 'TCP' });

const calicoNp = (ns: string) =>
  `apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: p, namespace: ${ns}}\nspec: {selector: all(), types: [Ingress]}\n`;
const gnp =
  'apiVersion: crd.projectcalico.org/v1\nkind: GlobalNetworkPolicy\nmetadata: {name: g}\nspec: {selector: all()}\n';
const denyAll = (ns: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: ${ns}}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n`;

test('rule unmodeled-kinds-are-kept-apart: a Calico NetworkPolicy is not read as a Kubernetes one and keeps its group in its key', () => {
  const m = build(`${calicoNp('z')}---\n${denyAll('z').replace('name: deny', 'name: p')}`);
  assert.deepEqual(
    m.networkPolicies.map((p) => p.key),
    ['NetworkPolicy/z/p'],
  );
  assert.deepEqual(
    unmodeledObjects(m).map((o) => o.key),
    ['NetworkPolicy.projectcalico.org/z/p'],
  );
});

test('rule namespaced-object-touches-its-namespace: a connection with an end in its namespace is unknown, others are not', () => {
  const r = ask(calicoNp('z'));
  assert.ok(typeof r !== 'string');
  assert.equal(r.outcome, 'allowed');
  assert.equal(r.verdict, 'unknown');
  assert.deepEqual(
    r.unknown.map((o) => o.key),
    ['NetworkPolicy.projectcalico.org/z/p'],
  );
  const elsewhere = ask(calicoNp('z'), 'x/a', 'istio-system/a');
  assert.ok(typeof elsewhere !== 'string');
  assert.equal(elsewhere.verdict, 'allowed');
});

test('rule cluster-scoped-object-touches-everything: a GlobalNetworkPolicy makes every connection unknown, even denied ones (it can allow)', () => {
  const r = ask(`${gnp}---\n${denyAll('z')}`);
  assert.ok(typeof r !== 'string');
  assert.equal(r.outcome, 'denied');
  assert.equal(r.verdict, 'unknown');
});

test('rule restrict-only-kinds-keep-a-denial: an Istio RequestAuthentication can only deny more, so DENIED stands; ALLOWED becomes unknown', () => {
  const authz =
    'apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata: {name: z, namespace: z}\nspec: {}\n';
  const denied = ask(`${authz}---\n${denyAll('z')}`);
  assert.ok(typeof denied !== 'string');
  assert.equal(denied.verdict, 'denied');
  assert.ok(denied.notes.some((n) => n.includes('could only deny more')));
  const allowed = ask(authz);
  assert.ok(typeof allowed !== 'string');
  assert.equal(allowed.verdict, 'unknown');
});

// ServiceEntry's exportTo is modeled by the mesh analysis now (src/analysis/mesh/istio-service-entry.test.ts:
// `exportTo "."` hides the entry from other namespaces); no Istio kind left unmodeled has exportTo.
test('rule mesh-root-namespace: objects in istio-system apply everywhere, others to their namespace', () => {
  const pa = (ns: string) =>
    `apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata: {name: s, namespace: ${ns}}\nspec: {jwtRules: [{issuer: x}]}\n`;
  const scope = (yaml: string) => unmodeledObjects(build(yaml))[0].scope;
  assert.equal(scope(pa('istio-system')), 'cluster');
  assert.equal(scope(pa('x')), 'namespace');
  const objs = unmodeledObjects(build(pa('x')));
  assert.equal(touchingConnection(objs, ['z', undefined]).length, 0);
  assert.equal(touchingConnection(objs, [undefined, 'x']).length, 1);
});

test('rule modeled-kind-stops-counting: once the catalogue lists a kind at modeled (or partial), it is no longer unknown', () => {
  assert.ok(unmodeledTrafficKind('GlobalNetworkPolicy', 'projectcalico.org'));
  // CiliumNetworkPolicy is modeled by the catalogue itself (the Cilium tier).
  assert.equal(unmodeledTrafficKind('CiliumNetworkPolicy', 'cilium.io'), undefined);
  const modeled = [
    ...kinds,
    {
      group: 'projectcalico.org',
      kind: 'GlobalNetworkPolicy',
      namespaced: false,
      level: 'modeled' as const,
      note: '',
    },
  ];
  assert.equal(unmodeledTrafficKind('GlobalNetworkPolicy', 'projectcalico.org', modeled), undefined);
  assert.equal(unmodeledTrafficKind('NetworkPolicy', 'networking.k8s.io'), undefined);
});

test('rule routing-object-names-the-request: a Traefik IngressRouteTCP naming the host or the Service is found; others are not (OpenShift Routes and Traefik IngressRoutes are modeled now, and are not among them)', () => {
  const m = build(
    'apiVersion: route.openshift.io/v1\nkind: Route\nmetadata: {name: r, namespace: x}\nspec: {host: shop.example.com, to: {kind: Service, name: web}}\n---\n' +
      'apiVersion: traefik.io/v1alpha1\nkind: IngressRoute\nmetadata: {name: h, namespace: x}\nspec: {routes: [{match: "Host(`shop.example.com`)", kind: Rule, services: [{name: web, port: 80}]}]}\n---\n' +
      'apiVersion: traefik.io/v1alpha1\nkind: IngressRouteTCP\nmetadata: {name: t, namespace: x}\nspec: {routes: [{match: "HostSNI(`api.example.com`)", services: [{name: api, port: 80}]}]}\n',
  );
  const objs = unmodeledObjects(m);
  const keys = (host: string, services: string[]) =>
    namingRequest(objs, { host, services }).map((o) => o.key);
  assert.deepEqual(keys('shop.example.com', []), []);
  assert.deepEqual(keys('api.example.com', []), ['IngressRouteTCP.traefik.io/x/t']);
  assert.deepEqual(keys('other.example.com', ['x/api']), ['IngressRouteTCP.traefik.io/x/t']);
  assert.deepEqual(keys('other.example.com', ['z/db']), []);
});

test('rule matrix-counts-unknown-cells: cells with an end in the object namespace are counted, with their namespaces', () => {
  const m = build(calicoNp('z'));
  const shape = {
    groups: [
      { name: 'x/a', namespace: 'x' },
      { name: 'z/a', namespace: 'z' },
    ],
    rows: () => [
      {
        entries: [
          { from: 'x/a', to: 'z/a', pairs: 1, allowedPairs: 1 },
          { from: 'z/a', to: 'x/a', pairs: 1, allowedPairs: 0 },
          { from: 'x/a', to: 'x/a', pairs: 1, allowedPairs: 1 },
        ],
      },
    ],
  };
  const u = matrixUnknown(m, shape);
  assert.ok(u);
  assert.equal(u.cells, 2, 'x->z allowed, z->x denied but Calico can admit');
  assert.equal(u.totalCells, 3);
  assert.deepEqual(u.namespaces, ['z']);
  assert.equal(matrixUnknown(build(''), shape), undefined);
});

test('rule matrix-warns-ipblock-on-assigned-pod-ips: an ipBlock that matches pod IPs is named, with the pods; one that does not is not', () => {
  const m = build('');
  const ip = m.pods.find((p) => p.namespace === 'z')!.ip!;
  const np = (cidr: string) =>
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: e, namespace: x}\nspec:\n  podSelector: {}\n  egress: [{to: [{ipBlock: {cidr: "${cidr}"}}]}]\n`;
  const hit = ipBlockPodWarnings(build(np(`${ip}/32`)), new Set(['x', 'z']));
  assert.equal(hit.length, 1);
  assert.match(hit[0], new RegExp(`z/a ${ip.replace(/\./g, '\\.')}`));
  assert.match(hit[0], /kubetwin assigned pod IPs/);
  assert.deepEqual(ipBlockPodWarnings(build(np('192.0.2.0/24')), new Set(['x', 'z'])), []);
  assert.deepEqual(ipBlockPodWarnings(build(np(`${ip}/32`)), new Set(['x'])), [], 'pods outside the matrix');
});

test('rule other-ingress-controllers-routing-apis: a Contour HTTPProxy naming the host, or an Emissary Mapping naming the Service as name.ns:port, is found; they are kept, not dropped as unknown kinds', () => {
  const m = build(
    'apiVersion: projectcontour.io/v1\nkind: HTTPProxy\nmetadata: {name: p, namespace: x}\nspec: {virtualhost: {fqdn: shop.example.com}, routes: [{conditions: [{prefix: /}], services: [{name: web, port: 80}]}]}\n---\n' +
      'apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: quote, namespace: x}\nspec: {hostname: "*", prefix: /backend/, service: "quote.x:8080"}\n',
  );
  const objs = unmodeledObjects(m);
  assert.deepEqual(
    objs.map((o) => o.key),
    ['HTTPProxy.projectcontour.io/x/p', 'Mapping.getambassador.io/x/quote'],
  );
  const keys = (host: string, services: string[]) =>
    namingRequest(objs, { host, services }).map((o) => o.key);
  // The Mapping's hostname "*" covers every host; the HTTPProxy names shop.example.com and the Service web.
  assert.deepEqual(keys('shop.example.com', []), [
    'HTTPProxy.projectcontour.io/x/p',
    'Mapping.getambassador.io/x/quote',
  ]);
  const proxyOnly = objs.filter((o) => o.kind === 'HTTPProxy');
  assert.deepEqual(
    namingRequest(proxyOnly, { host: 'other.example.com', services: ['x/web'] }).map((o) => o.key),
    ['HTTPProxy.projectcontour.io/x/p'],
  );
  const mapping = objs.filter((o) => o.kind === 'Mapping').map((o) => ({ ...o, words: ['quote.x:8080'] }));
  assert.equal(namingRequest(mapping, { host: 'a.example.com', services: ['x/quote'] }).length, 1);
  assert.equal(namingRequest(mapping, { host: 'a.example.com', services: ['x/other'] }).length, 0);
});
