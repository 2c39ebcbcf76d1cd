/**
 * The HTML report in parts (`renderReportHtmlParts`): the findings table comes a batch of rows at a time, so a
 * report with one finding per peer of a large cluster is never held as one string, and the parts joined are the
 * page `renderReportHtml` returns, one row per line, each row with its own escaped patch. The findings of
 * `egress-without-dns` that one patch fixes are one row naming every workload.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../cluster/_test-helpers.ts';
import { PolicyEngine } from '../analysis/policy/index.ts';
import { buildReport } from '../analysis/report/index.ts';
import type { Finding } from '../analysis/doctor/index.ts';
import { renderReportHtml, renderReportHtmlParts, reportGraphLayout } from './report-html.ts';

const yaml =
  'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x}\nspec: {containers: [{name: c, image: i}]}\n';

async function pageWith(findings: Finding[]) {
  const { model, diagnostics } = buildYaml(yaml);
  const data = buildReport({
    title: 't',
    model,
    diagnostics,
    engine: new PolicyEngine(model),
    flows: [],
    findings,
  });
  const graph = await reportGraphLayout(data);
  return { parts: [...renderReportHtmlParts(data, graph)], page: renderReportHtml(data, graph) };
}

// A code the doctor does not summarize (`groupFindings`): every finding is its own row.
const finding = (i: number, patch?: string): Finding => ({
  code: 'peer-selects-nothing',
  severity: 'error',
  message: `Pod/x/p-${i}: <isolated> & more`,
  objects: [{ key: `Pod/x/p-${i}`, source: { file: 'c.yaml', doc: 0, line: i + 1, column: 1 } }],
  breaks: 'DNS',
  fix: 'Allow "DNS"',
  ...(patch === undefined ? {} : { patch }),
});

test('report html in parts: 2,500 findings come in batches; joined, the page; one row per finding, its own patch escaped', async () => {
  const patchOf = (i: number) =>
    i % 700 < 350 ? `kind: <A> ${i % 3 === 0 ? '&' : ''}` : i % 2 ? undefined : 'kind: "B"';
  const findings = Array.from({ length: 2500 }, (_, i) => finding(i, patchOf(i)));
  const { parts, page } = await pageWith(findings);
  assert.ok(parts.length >= 5, `${parts.length} parts: the findings must not be one string`);
  assert.equal(parts.join(''), page);
  const lines = page.split('\n').filter((l) => l.startsWith('<tr><td><span class="error">'));
  assert.equal(lines.length, 2500);
  lines.forEach((l, i) => {
    assert.ok(l.includes(`Pod/x/p-${i}: &lt;isolated&gt; &amp; more`), `row ${i}`);
    const p = patchOf(i);
    const want =
      p === undefined
        ? 'Allow &quot;DNS&quot;</td></tr>'
        : `<pre>${p.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}</pre></td></tr>`;
    assert.ok(l.endsWith(want), `row ${i}: ${l.slice(-80)}`);
  });
});

test('report html in parts: no findings is a paragraph, not an empty table', async () => {
  const { parts, page } = await pageWith([]);
  assert.equal(parts.join(''), page);
  assert.ok(page.includes('<h2 id="findings">Findings</h2>\n<p>No findings.</p>\n'));
  assert.ok(!page.includes('<table class="findings">'));
});

test('report html: egress-without-dns findings that one patch fixes are one row naming every workload; another patch, another row', async () => {
  const egress = (i: number, ns: string): Finding => ({
    code: 'egress-without-dns',
    severity: 'error',
    message: `Pod/${ns}/p-${i}: egress is isolated by NetworkPolicy/${ns}/deny, and no rule lets it query kube-system/kube-dns (53/UDP)`,
    objects: [
      { key: `NetworkPolicy/${ns}/deny`, source: { file: 'c.yaml', doc: 0, line: 1, column: 1 } },
      { key: `Pod/${ns}/p-${i}`, source: { file: 'c.yaml', doc: 0, line: i + 2, column: 1 } },
    ],
    breaks: `every DNS lookup from Pod/${ns}/p-${i} times out`,
    fix: 'Allow egress to the DNS pods on 53/UDP and 53/TCP.',
    patch: `kind: NetworkPolicy\nnamespace: ${ns}`,
  });
  const findings = [...[0, 1, 2].map((i) => egress(i, 'a')), egress(3, 'b')];
  const { page } = await pageWith(findings);
  const rows = page.split('\n').filter((l) => l.startsWith('<tr><td><span class="error">'));
  assert.equal(rows.length, 2);
  assert.match(rows[0], /3 workloads in a have isolated egress .*: Pod\/a\/p-0, Pod\/a\/p-1, Pod\/a\/p-2</);
  assert.match(rows[1], /Pod\/b\/p-3: egress is isolated by NetworkPolicy\/b\/deny/);
  assert.ok(page.includes('<b class="fail">4</b>error findings'), 'the card counts every finding');
});
