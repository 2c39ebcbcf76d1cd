import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { buildFromTexts, type ManifestText } from '../../api/index.ts';
import { discoverFlows } from '../flows/index.ts';
import { analyseCluster } from '../../pipeline/index.ts';
import { failsAt } from '../doctor/index.ts';
import { renderPoliciesYaml } from '../../render/policies-yaml.ts';
import { suggestPolicies } from './index.ts';
import {
  applied,
  checkRandomCase,
  ciliumProfile,
  dir,
  flowsOf,
  randomCase,
  withoutDropped,
} from '../../../test/helpers/suggest-cases.ts';

/** An example folder with its profile's CNI set to Cilium. */
const onCilium = (d: string): ManifestText[] =>
  dir(d).map((t) =>
    t.file.endsWith('kubetwin.yaml')
      ? { ...t, text: t.text.replace(/cni: \{name: \w+/, 'cni: {name: cilium') }
      : t,
  );

const flows = () => flowsOf('examples/e-commerce/flows.yaml');

test('suggest policies --cni cilium on e-commerce as-documented: CiliumNetworkPolicies only, every needed connection allowed, nothing else in the matrix, proven again on the cluster rebuilt from the YAML', () => {
  const texts = onCilium('examples/e-commerce/as-documented');
  const { s, yaml, after, cluster } = applied(texts, flows(), { cni: 'cilium' });
  assert.deepEqual([s.check.denied, s.check.extra, s.check.unenforced], [[], [], undefined]);
  assert.equal(yaml.match(/^kind: /gm)?.length, yaml.match(/^kind: CiliumNetworkPolicy$/gm)?.length);
  assert.ok((after.ciliumPolicies?.length ?? 0) >= s.policies.length);
  // The existing NetworkPolicies are kept (Cilium enforces them too): nothing new is needed on the rebuilt cluster.
  assert.ok(after.networkPolicies.length > 0);
  const again = suggestPolicies(after, flows(), { cni: 'cilium' });
  assert.deepEqual([again.check.denied, again.check.extra, again.policies.length], [[], [], 0]);
  // 8 of the 9 flows: the 9th needs a TLS certificate the example lacks, which no policy can fix.
  const a = analyseCluster(cluster, { flows: flows(), now: '2026-11-01T00:00:00Z' });
  assert.equal(a.traces.filter((t) => t.outcome === 'delivered').length, 8);
  assert.deepEqual(
    a.traces
      .flatMap((t) => t.steps)
      .filter((x) => x.trace.outcome !== 'delivered')
      .map((x) => x.trace.failure?.reason.split(':')[0]),
    ['TLS'],
  );
});

test('suggest policies --cni cilium: clients from the internet are admitted with fromEntities [world], peers in another namespace name io.kubernetes.pod.namespace, DNS goes to kube-dns on 53 UDP and TCP only, ports are named at ingress and numbered at egress', () => {
  const { yaml } = applied(onCilium('examples/e-commerce/as-documented'), flows(), { cni: 'cilium' });
  assert.match(
    yaml,
    /# customer login: internet → https:\/\/api\.yourdomain\.com\/auth\/login\n\s+- fromEntities: \[world\]/,
  );
  assert.match(
    yaml,
    /- toEndpoints:\n\s+- matchLabels: \{app: api-gateway, "k8s:io\.kubernetes\.pod\.namespace": e-commerce\}/,
  );
  // A named port at ingress (resolved against the selected pod), its number at egress.
  const auth = yaml.split('---').find((d) => d.includes('name: kubetwin-auth-service\n'))!;
  assert.match(
    auth,
    /ingress:\n\s+# customer login: e-commerce\/api-gateway → http:\/\/auth-service:8000\/login\n\s+- fromEndpoints:\n\s+- matchLabels: \{app: api-gateway\}\n\s+toPorts:\n\s+- ports: \[\{port: "http", protocol: TCP\}\]/,
  );
  assert.match(auth, /egress:\n[^]*- ports: \[\{port: "5672", protocol: TCP\}\]/);
  const dns = yaml.split('---').filter((d) => d.includes('name: kubetwin-allow-dns'));
  assert.ok(dns.length > 0);
  for (const d of dns) {
    assert.match(d, /matchLabels: \{k8s-app: kube-dns, "k8s:io\.kubernetes\.pod\.namespace": kube-system\}/);
    assert.match(d, /ports: \[\{port: "53", protocol: TCP\}, \{port: "53", protocol: UDP\}\]\n/);
  }
});

test('suggest policies --cni cilium on e-commerce fixed/ --replace: 9/9 flows delivered, nothing else allowed, doctor --fail-on error clean', () => {
  const { s, cluster } = applied(onCilium('examples/e-commerce/fixed'), flows(), {
    cni: 'cilium',
    replace: true,
  });
  assert.deepEqual([s.check.denied, s.check.extra], [[], []]);
  assert.ok(s.dropped.some((k) => k.startsWith('NetworkPolicy/')));
  const kept = withoutDropped(cluster, s.dropped);
  assert.equal(kept.model.networkPolicies.filter((p) => p.namespace !== 'kube-system').length, 0);
  const a = analyseCluster(kept, { flows: flows(), now: '2026-11-01T00:00:00Z' });
  assert.equal(a.traces.filter((t) => t.outcome === 'delivered').length, 9);
  assert.equal(
    failsAt(a.findings, 'error'),
    false,
    a.findings
      .filter((f) => f.severity === 'error')
      .map((f) => f.message)
      .join('\n'),
  );
});

test('suggest policies --cni cilium on Online Boutique with discovered flows: all delivered, nothing else, ports named at ingress and numbered at egress, deterministic', () => {
  const texts = [
    {
      file: 'ob.yaml',
      text: readFileSync('testdata/apps/online-boutique/kubernetes-manifests.yaml', 'utf8'),
    },
    ciliumProfile,
  ];
  const found = [...discoverFlows(buildFromTexts(texts).model).flows];
  const { s, yaml, cluster } = applied(texts, found, { cni: 'cilium' });
  assert.deepEqual([s.check.denied, s.check.extra], [[], []]);
  const a = analyseCluster(cluster, { flows: found, now: '2026-11-01T00:00:00Z' });
  assert.ok(a.traces.length > 0 && a.traces.every((t) => t.outcome === 'delivered'));
  assert.deepEqual(
    a.findings.filter((f) => f.severity === 'error').map((f) => f.message),
    [],
  );
  // Cilium resolves an egress port name against every endpoint's names, an ingress one against the selected pod's.
  const frontend = yaml.split('---').find((d) => d.includes('name: kubetwin-frontend\n'))!;
  assert.match(
    frontend,
    /# calls of default\/frontend: default\/frontend → tcp:\/\/adservice:9555 \(ob\.yaml:\d+\)\n\s+- toEndpoints:\n\s+- matchLabels: \{app: adservice\}\n\s+toPorts:\n\s+- ports: \[\{port: "9555", protocol: TCP\}\]/,
  );
  const model = buildFromTexts(texts).model;
  assert.equal(renderPoliciesYaml(model, suggestPolicies(model, found, { cni: 'cilium' })), yaml);
});

test('suggest policies --cni cilium on a cluster whose CNI is not Cilium: proven as Cilium would enforce them, and the header says they change nothing until Cilium is the CNI', () => {
  const texts = [
    {
      file: 'ob.yaml',
      text: readFileSync('testdata/apps/online-boutique/kubernetes-manifests.yaml', 'utf8'),
    },
  ];
  const model = buildFromTexts(texts).model;
  const s = suggestPolicies(model, discoverFlows(model).flows, { cni: 'cilium' });
  assert.deepEqual([s.check.denied, s.check.extra], [[], []]);
  assert.match(
    s.check.unenforced ?? '',
    /not Cilium: CiliumNetworkPolicies change nothing until Cilium is the CNI/,
  );
  assert.match(renderPoliciesYaml(model, s), /^# WARNING: the profile's CNI is \S+, not Cilium/m);
});

test('property (Cilium): on random clusters with random flows, the suggested CiliumNetworkPolicies deliver every flow and allow no pair outside them', () => {
  fc.assert(
    fc.property(randomCase, (c) =>
      checkRandomCase({ ...c, texts: [...c.texts, ciliumProfile] }, { cni: 'cilium' }),
    ),
    { numRuns: 20, seed: 14 },
  );
});
