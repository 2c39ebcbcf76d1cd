import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { planLab, type LabPlan } from './index.ts';

const update = process.env.KUBETWIN_UPDATE_GOLDENS === '1';
const dir = new URL('../../../testdata/lab/', import.meta.url);

function plan(file: string): LabPlan {
  const text = readFileSync(new URL(file, dir), 'utf8');
  const built = buildFromTexts([{ file, text }]);
  const errors = built.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, []);
  return planLab(built.model);
}

/** The plan as a reviewer reads it: the ip commands one per line, then each namespace's nft script. */
function render(p: LabPlan): string {
  return [
    `# namespaces: ${p.namespaces.join(' ')}`,
    ...p.skipped.map((s) => `# skipped ${s.key}: ${s.reason}`),
    ...p.limits.map((l) => `# limit: ${l}`),
    ...p.commands.map((c) => c.join(' ')),
    ...p.nft.flatMap((n) => [`# nft -f - in ${n.netns}`, n.script]),
  ].join('\n');
}

function golden(name: string, actual: string) {
  const url = new URL(name, dir);
  if (update) writeFileSync(url, actual);
  assert.equal(actual, readFileSync(url, 'utf8'));
}

test('plan: small cluster golden (namespaces, veths, routes, kube-proxy nft, policy chains)', () => {
  golden('small.plan.txt', render(plan('small.yaml')));
});

test('plan: every name the lab creates starts with the prefix, links fit 15 characters', () => {
  const p = plan('small.yaml');
  for (const ns of p.namespaces) assert.ok(ns.startsWith('kt-'), ns);
  for (const l of [
    ...p.pods.map((x) => x.hostLink),
    ...p.nodes.flatMap((n) => [n.fabricLink, n.fabricPeer]),
  ]) {
    assert.ok(l.startsWith('kt-'), l);
    assert.ok(l.length <= 15, l);
  }
  for (const n of p.nft)
    for (const m of n.script.matchAll(/^table ip (\S+)/gm)) assert.ok(m[1].startsWith('kt-'));
});

test('plan: isolation — no command touches the host namespace, no route leaves the lab', () => {
  const p = plan('small.yaml');
  for (const c of p.commands) {
    assert.ok(c[1] === '-n' || (c[1] === 'netns' && c[2] === 'exec'), c.join(' '));
    assert.ok(p.namespaces.includes(c[1] === '-n' ? c[2] : c[3]), c.join(' '));
  }
  // Default routes only in pod namespaces, towards the link-local gateway on their own veth.
  const defaults = p.commands.filter((c) => c.includes('route') && c.includes('default'));
  assert.equal(defaults.length, p.pods.length);
  for (const c of defaults) assert.ok(p.pods.some((x) => x.netns === c[2]));
});

test('plan: named ports resolve per destination, ipBlock except is a set, ClientIP affinity and eTP Local', () => {
  const p = plan('small.yaml');
  const all = p.nft.map((n) => n.script).join('\n');
  assert.match(all, /meta l4proto tcp th dport \{ 5432 \} counter accept/);
  assert.match(all, /ip daddr \. th dport \{ 10\.244\.2\.\d+ \. 5432 \}/);
  assert.match(all, /ip daddr 10\.244\.0\.0\/16 ip daddr != \{ 10\.244\.2\.0\/24 \}/);
  assert.match(all, /update @svc\d+-tcp-80-ep0-affinity \{ ip saddr \}/);
  // eTP Local: node n2 has no endpoint of shop/web, so its NodePort chain drops.
  const n2 = p.nft.find((n) => n.netns === p.nodes.find((x) => x.name === 'n2')!.netns)!.script;
  assert.match(n2, /chain svc\d+-tcp-80-ext \{\n {4}counter drop/);
});

test('plan: Service endpoint ports are served even when undeclared; cluster DNS endpoint ports go to the DNS server', () => {
  const text = `apiVersion: v1
kind: Pod
metadata: {name: a, namespace: default, labels: {app: a}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Service
metadata: {name: a, namespace: default}
spec: {selector: {app: a}, ports: [{port: 80, targetPort: 8080}]}
`;
  const p = planLab(buildFromTexts([{ file: 'a.yaml', text }]).model);
  const a = p.pods.find((x) => x.ref === 'default/a')!;
  assert.deepEqual(a.ports, []);
  assert.deepEqual(a.serve, [{ port: 8080, protocol: 'TCP' }]);
  assert.equal(p.dnsService?.clusterIP, '10.96.0.10');
  const coredns = p.pods.filter((x) => x.dns.length);
  assert.ok(coredns.length > 0, 'the add-on CoreDNS pods answer DNS');
  for (const c of coredns) {
    assert.deepEqual(c.dns.map((d) => `${d.port}/${d.protocol}`).sort(), ['53/TCP', '53/UDP']);
    assert.ok(!c.serve.some((s) => s.port === 53), 'the responder leaves port 53 to the DNS server');
  }
});

test('plan: internalTrafficPolicy Local keeps ClusterIP traffic on the node, dropped where it has no endpoint', () => {
  const text = readFileSync(new URL('small.yaml', dir), 'utf8').replace(
    'externalTrafficPolicy: Local',
    'externalTrafficPolicy: Local\n  internalTrafficPolicy: Local',
  );
  const p = planLab(buildFromTexts([{ file: 'small.yaml', text }]).model);
  const script = (node: string) =>
    p.nft.find((n) => n.netns === p.nodes.find((x) => x.name === node)!.netns)!.script;
  assert.match(script('n1'), /# shop\/web 80\/TCP\n(.*\n)*? {4}numgen random mod 1/);
  assert.match(script('n2'), /# shop\/web 80\/TCP\n(.*\n)*? {4}counter drop/);
});

test('plan: each pod gets the resolv.conf and /etc/hosts kubelet writes, and hosts: files dns', () => {
  const p = plan('small.yaml');
  const web = p.pods.find((x) => x.ref === 'shop/web')!;
  const files = p.etc.filter((f) => f.netns === web.netns);
  assert.deepEqual(
    files.map((f) => f.file),
    ['resolv.conf', 'hosts', 'nsswitch.conf'],
  );
  assert.equal(
    files[0].content,
    'search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
  );
  assert.match(files[1].content, new RegExp(`^${web.ip.replace(/\./g, '\\.')}\\tweb$`, 'm'));
  for (const f of p.etc) assert.ok(f.netns.startsWith(p.prefix));
});
