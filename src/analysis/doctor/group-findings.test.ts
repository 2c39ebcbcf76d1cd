/**
 * Rule egress-without-dns, as people read it: one finding per workload whose egress is isolated without DNS, each
 * with the same per-namespace patch, is one finding per namespace (`groupFindings`) in text and report tables,
 * naming its workloads (ten, then a count); `--all` (and JSON, SARIF) keep each finding, and the counts are always of every finding.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-egress-traffic
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderFindingsText } from '../../render/findings-text.ts';
import { groupFindings, type Finding } from './index.ts';

const at = (key: string, line: number) => ({ key, source: { file: 'c.yaml', doc: 0, line, column: 1 } });

const egress = (pod: string, ns: string, policy: string, line: number): Finding => ({
  code: 'egress-without-dns',
  severity: 'error',
  message: `Pod/${ns}/${pod}: egress is isolated by NetworkPolicy/${ns}/${policy}, and no rule lets it query kube-system/kube-dns (53/UDP)`,
  objects: [at(`NetworkPolicy/${ns}/${policy}`, line), at(`Pod/${ns}/${pod}`, 100 + line)],
  breaks: `every DNS lookup from Pod/${ns}/${pod} times out: it cannot reach any Service by name`,
  fix: 'Allow egress to the DNS pods on 53/UDP and 53/TCP.',
  patch: `kind: NetworkPolicy\nmetadata: {name: allow-dns, namespace: ${ns}}`,
});

const other: Finding = {
  code: 'peer-selects-nothing',
  severity: 'error',
  message: 'shop/deny ingress[0] peer 0: namespaceSelector name=x matches no namespace',
  objects: [at('NetworkPolicy/shop/deny', 2)],
  breaks: 'b',
  fix: 'f',
  patch: `kind: NetworkPolicy\nmetadata: {name: allow-dns, namespace: shop}`,
};

const findings = [
  egress('a', 'shop', 'deny', 1),
  other,
  egress('b', 'shop', 'deny-b', 3),
  egress('c', 'shop', 'deny', 4),
  egress('d', 'web', 'deny', 5),
];

test('egress-without-dns: findings one patch fixes are one, at the first one, naming its workloads', () => {
  const shown = groupFindings(findings);
  assert.deepEqual(
    shown.map((f) => f.code),
    ['egress-without-dns', 'peer-selects-nothing', 'egress-without-dns'],
  );
  const [shop, kept, web] = shown;
  assert.equal(
    shop.message,
    '3 workloads in shop have isolated egress (the policies isolating each: doctor --all, -o json) and no rule lets them query kube-system/kube-dns (53/UDP): Pod/shop/a, Pod/shop/b, Pod/shop/c',
  );
  assert.deepEqual(
    shop.objects.map((o) => o.key),
    ['NetworkPolicy/shop/deny', 'Pod/shop/a', 'Pod/shop/b', 'Pod/shop/c'],
  );
  assert.equal(shop.patch, findings[0].patch);
  assert.match(shop.breaks, /these 3 workloads/);
  // Another rule's finding with the same patch text is not folded in; a workload alone keeps its own finding.
  assert.equal(kept, other);
  assert.equal(web, findings[4]);
});

test('egress-without-dns: the text shows the summary, --all each finding; both count every finding', () => {
  const text = renderFindingsText(findings);
  assert.equal(text.match(/error egress-without-dns/g)?.length, 2);
  assert.match(
    text,
    /5 finding\(s\): 5 error, 0 warning, 0 info \(shown as 3 block\(s\): --all prints each finding\)\n$/,
  );
  const all = renderFindingsText(findings, { all: true });
  assert.equal(all.match(/error egress-without-dns/g)?.length, 4);
  assert.match(all, /5 finding\(s\): 5 error, 0 warning, 0 info\n$/);
});

test('egress-without-dns: the summary line names ten workloads and counts the rest; its objects keep every one', () => {
  const many = Array.from({ length: 12 }, (_, i) =>
    egress(`p${String(i).padStart(2, '0')}`, 'big', 'deny', i + 1),
  );
  const [big] = groupFindings(many);
  assert.match(
    big.message,
    /: Pod\/big\/p00, (Pod\/big\/p0\d, ){8}Pod\/big\/p09, and 2 more \(doctor --all, -o json\)$/,
  );
  assert.doesNotMatch(big.message, /p10|p11/);
  assert.equal(big.objects.length, 13);
});
