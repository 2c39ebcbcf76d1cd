import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { parseManifests } from '../../parse/index.ts';
import { discoverFlows, readFlowsFile, sourceText, targetText } from './index.ts';
import { findAddresses } from './_addresses.ts';
import { renderFlowsYaml } from '../../render/flows-file.ts';

const boutiqueFile = 'testdata/apps/online-boutique/kubernetes-manifests.yaml';
const boutique = () => buildFromTexts([{ file: boutiqueFile, text: readFileSync(boutiqueFile, 'utf8') }]);
const build = (text: string) => buildFromTexts([{ file: 'in.yaml', text }]);

/** `from → service:port` for every call step (not DNS, not the internet entry). */
function calls(text?: string) {
  const d = discoverFlows(text ? build(text).model : boutique().model);
  return d.flows
    .filter((f) => f.name.startsWith('calls of'))
    .flatMap((f) => f.steps.map((s) => `${sourceText(s.from)} → ${targetText(s.to).to}`))
    .sort();
}

test('Online Boutique: every call of the architecture diagram is found, and nothing else', () => {
  const svc = (from: string, to: string[]) => to.map((t) => `default/${from} → tcp://${t}`);
  const expected = [
    ...svc('frontend', [
      'adservice:9555',
      'cartservice:7070',
      'checkoutservice:5050',
      'currencyservice:7000',
      'productcatalogservice:3550',
      'recommendationservice:8080',
      'shippingservice:50051',
    ]),
    ...svc('checkoutservice', [
      'cartservice:7070',
      'currencyservice:7000',
      'emailservice:5000',
      'paymentservice:50051',
      'productcatalogservice:3550',
      'shippingservice:50051',
    ]),
    ...svc('recommendationservice', ['productcatalogservice:3550']),
    ...svc('cartservice', ['redis-cart:6379']),
    ...svc('loadgenerator', ['frontend:80']),
  ].sort();
  assert.deepEqual(calls(), expected);
});

test('Online Boutique: each calling workload gets DNS (UDP and TCP 53 to kube-dns), the LoadBalancer an entry, the missing shopping assistant a note', () => {
  const d = discoverFlows(boutique().model);
  const dns = d.flows.find((f) => f.name === 'DNS lookups')!;
  assert.deepEqual(
    [...new Set(dns.steps.map((s) => sourceText(s.from)))].sort(),
    ['cartservice', 'checkoutservice', 'frontend', 'loadgenerator', 'recommendationservice'].map(
      (n) => `default/${n}`,
    ),
  );
  assert.deepEqual([...new Set(dns.steps.map((s) => targetText(s.to).to))].sort(), [
    'tcp://kube-dns.kube-system:53',
    'udp://kube-dns.kube-system:53',
  ]);
  const entry = d.flows.find((f) => f.name === 'from the internet')!;
  assert.equal(entry.steps.length, 1);
  assert.match(entry.steps[0].evidence![0].text, /frontend-external type LoadBalancer/);
  assert.ok(d.notes.some((n) => /shoppingassistantservice:80/.test(n.text)));
});

test('every discovered step carries evidence at file:line and a confidence', () => {
  const d = discoverFlows(boutique().model);
  for (const s of d.flows.flatMap((f) => f.steps)) {
    assert.ok(s.confidence);
    assert.ok(s.evidence?.length && s.evidence[0].source?.line, s.text);
  }
  const frontendToAds = d.flows.flatMap((f) => f.steps).find((s) => s.text.includes('adservice'))!;
  assert.equal(frontendToAds.evidence![0].source!.file, boutiqueFile);
  const line = readFileSync(boutiqueFile, 'utf8').split('\n')[frontendToAds.evidence![0].source!.line - 1];
  assert.match(line, /AD_SERVICE_ADDR/);
});

test('the flows file kubetwin flows prints reads back to the same flows', () => {
  const d = discoverFlows(boutique().model);
  const parsed = parseManifests([{ file: 'flows.yaml', text: renderFlowsYaml(d) }]);
  const back = readFlowsFile(parsed.objects, (x) => assert.fail(x.message));
  assert.deepEqual(
    back.map((f) => [f.name, f.steps.map((s) => [s.from, s.to])]),
    d.flows.map((f) => [f.name, f.steps.map((s) => [s.from, s.to])]),
  );
});

test('addresses: URLs of any scheme, JDBC and Oracle strings, host lists, user info, host:port and bare names', () => {
  const hosts = (v: string) => findAddresses(v).map((a) => `${a.scheme ?? ''}|${a.host}|${a.port ?? ''}`);
  assert.deepEqual(hosts('jdbc:postgresql://db.data:5432/shop?ssl=true'), ['postgresql|db.data|5432']);
  assert.deepEqual(hosts('mongodb://u:p@m1:27017,m2:27018/x'), ['mongodb|m1|27017', 'mongodb|m2|27018']);
  assert.deepEqual(hosts('redis://:secret@cache/0'), ['redis|cache|']);
  assert.deepEqual(hosts('jdbc:oracle:thin:@ora:1521:XE'), ['oracle|ora|1521']);
  assert.deepEqual(hosts('amqp://guest:guest@rabbit.msg.svc.cluster.local:5672/'), [
    'amqp|rabbit.msg.svc.cluster.local|5672',
  ]);
  assert.deepEqual(hosts('cart:7070'), ['|cart|7070']);
  assert.deepEqual(hosts('-addr=:8080 0.0.0.0 10.0.0.1:80'), []);
});

test('addresses: a comma-separated list of URLs is as many URLs (a comma starts a new URL only before scheme://, RFC 3986 sec. 3)', () => {
  const hosts = (v: string) => findAddresses(v).map((a) => `${a.scheme ?? ''}|${a.host}|${a.port ?? ''}`);
  // Calico's stars demo probe (tigera/docs static/files/02-backend.yaml).
  assert.deepEqual(
    hosts(
      '--urls=http://frontend.stars:80/status,http://backend.stars:6379/status,http://client.client:9000/status',
    ),
    ['http|frontend.stars|80', 'http|backend.stars|6379', 'http|client.client|9000'],
  );
  assert.deepEqual(hosts('http://a:80,http://b:81'), ['http|a|80', 'http|b|81']);
  // A comma inside a path, or between the hosts of one authority, does not start a URL.
  assert.deepEqual(hosts('http://x/a,b/c'), ['http|x|']);
  assert.deepEqual(hosts('mongodb://m1,m2/x'), ['mongodb|m1|', 'mongodb|m2|']);
});

const app = (name: string, env: string, extra = '') => `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
        - name: c
          image: x
          ports: [{containerPort: 8080}]
${env}${extra}
---
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: shop}
spec:
  selector: {app: ${name}}
  ports: [{name: http, port: 80, targetPort: 8080}, {name: admin, port: 9000, targetPort: 8080}]
`;

test('*_HOST with *_PORT, URLs without a port (scheme default), namespaced names, ConfigMap keys and $(VAR) args', () => {
  const text =
    app('db', '') +
    app('cache', '') +
    app(
      'api',
      `          env:
            - {name: DB_HOST, value: db}
            - {name: DB_PORT, value: "9000"}
            - {name: CACHE_URL, valueFrom: {configMapKeyRef: {name: cfg, key: cache}}}
            - {name: X, value: cache}
          args: ["--upstream", "http://$(X).shop"]
`,
    ) +
    `---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: shop}
data: {cache: "http://cache.shop.svc.cluster.local/"}
`;
  assert.deepEqual(calls(text), [
    'shop/api → http://cache.shop.svc.cluster.local:80/',
    'shop/api → http://cache.shop:80/',
    'shop/api → tcp://db:9000',
  ]);
});

test('a bare name counts only in a setting named for an address; a workload never calls its own Service', () => {
  const text =
    app('cart', '') +
    app(
      'web',
      `          env:\n            - {name: OTEL_SERVICE_NAME, value: web}\n            - {name: MODE, value: cart}\n            - {name: CART_HOST, value: cart}\n`,
    );
  const found = calls(text);
  // CART_HOST names cart without a port, and cart exposes two ports: both are candidates.
  assert.deepEqual(found, ['shop/web → tcp://cart:80', 'shop/web → tcp://cart:9000']);
  const d = discoverFlows(build(text).model);
  assert.ok(
    d.flows
      .flatMap((f) => f.steps)
      .filter((s) => s.text.includes('cart'))
      .every((s) => s.confidence === 'low'),
  );
});

test('args: a bare name after a flag named for an address is a call, a bare word elsewhere is not, each cited word located', () => {
  const words = [...Array.from({ length: 500 }, () => 'cart'), '--cart-addr', 'cart', 'db:9000', 'cart'];
  const text = app('cart', '') + app('db', '') + app('web', `          args: [${words.join(', ')}]\n`);
  assert.deepEqual(calls(text), [
    'shop/web → tcp://cart:80',
    'shop/web → tcp://cart:9000',
    'shop/web → tcp://db:9000',
  ]);
  const evidence = discoverFlows(build(text).model).flows.flatMap((f) =>
    f.steps.flatMap((s) => s.evidence ?? []),
  );
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes('--cart-addr'));
  for (const i of [501, 502]) {
    const cited = evidence.find((e) => e.text.includes(`args[${i}]`));
    assert.equal(cited?.text, `Deployment/shop/web args[${i}] ${words[i]}`);
    assert.equal(cited?.source?.path, `spec.template.spec.containers[0].args[${i}]`);
    assert.equal(cited?.source?.line, line + 1);
    assert.equal(
      cited?.source?.column,
      lines[line].indexOf('[') + 2 + words.slice(0, i).join(', ').length + 2,
    );
  }
  assert.ok(!evidence.some((e) => /args\[(500|503|[0-4]?\d?\d)\]/.test(e.text)), 'no other word is cited');
});

test('a name in the cluster Service domain that names no Service, even without a port (Sock Shop ZIPKIN=zipkin.jaeger.svc.cluster.local), is a note', () => {
  const text = app(
    'web',
    `          env:\n            - {name: ZIPKIN, value: zipkin.jaeger.svc.cluster.local}\n            - {name: TRACES, value: zipkin.jaeger.svc}\n            - {name: SITE, value: docs.example.com}\n`,
  );
  const d = discoverFlows(build(text).model);
  assert.deepEqual(
    d.notes.filter((n) => n.text.startsWith('names no Service')).map((n) => n.text.split(' (')[0]),
    [
      'names no Service of the cluster: zipkin.jaeger.svc.cluster.local',
      'names no Service of the cluster: zipkin.jaeger.svc',
    ],
  );
});

test('rule finished-pods-make-no-calls: a Succeeded or Failed pod read back from a cluster is no caller (and makes no DNS lookups)', () => {
  const pod = (name: string, phase: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: shop, uid: u-${name}, resourceVersion: "1"}\nspec:\n  nodeName: node-1\n  containers: [{name: c, image: x, args: ["--host=http://web.shop:80"]}]\nstatus: {phase: ${phase}, hostIP: 10.0.0.1, podIP: 10.244.0.9, podIPs: [{ip: 10.244.0.9}]}\n`;
  const web =
    'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n';
  for (const phase of ['Succeeded', 'Failed']) {
    const d = discoverFlows(build(`${web}---\n${pod('job-run', phase)}`).model);
    assert.deepEqual(
      d.flows.map((f) => f.name),
      [],
      phase,
    );
  }
  const running = discoverFlows(build(`${web}---\n${pod('job-run', 'Running')}`).model);
  assert.deepEqual(running.flows.map((f) => f.name).sort(), ['DNS lookups', 'calls of shop/job-run']);
});

test('rule issuer-flag-is-no-call: kube-apiserver --service-account-issuer names the token issuer, it is no call; an address in another flag still is', () => {
  const svc =
    'apiVersion: v1\nkind: Service\nmetadata: {name: kubernetes, namespace: default}\nspec: {ports: [{name: https, port: 443, targetPort: 6443}]}\n---\n' +
    'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n---\n';
  const apiserver = (flag: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata: {name: kube-apiserver-cp, namespace: kube-system, labels: {component: kube-apiserver}}\nspec:\n  hostNetwork: true\n  dnsPolicy: ClusterFirstWithHostNet\n  containers: [{name: kube-apiserver, image: x, command: [kube-apiserver, "${flag}"]}]\n`;
  assert.deepEqual(
    calls(svc + apiserver('--service-account-issuer=https://kubernetes.default.svc.cluster.local')),
    [],
  );
  assert.deepEqual(calls(svc + apiserver('--some-upstream=http://web.default:80')), [
    'kube-system/kube-apiserver-cp → http://web.default:80/',
  ]);
});

test("rule coredns-files-are-no-calls: names in the Corefile CoreDNS loads (a rewrite target, a hosts entry) are DNS data, not CoreDNS's calls", () => {
  const yaml = (args: string) =>
    'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n---\n' +
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dns-config, namespace: kube-system}\ndata:\n  Corefile: |\n    .:53 {\n        rewrite name shop.example.com web.shop.svc.cluster.local:80\n    }\n---\n' +
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: dns, namespace: kube-system}\nspec:\n  selector: {matchLabels: {k8s-app: kube-dns}}\n  template:\n    metadata: {labels: {k8s-app: kube-dns}}\n    spec:\n      containers: [{name: coredns, image: coredns/coredns, args: [${args}]}]\n      volumes: [{name: config-volume, configMap: {name: dns-config}}]\n`;
  assert.deepEqual(calls(yaml('-conf, /etc/coredns/Corefile')), []);
  // Any other program mounting the same file is read as before.
  assert.deepEqual(calls(yaml('--config, /etc/app/Corefile')), [
    'kube-system/dns → tcp://web.shop.svc.cluster.local:80',
  ]);
});
