/**
 * The report's flow line when nothing was traced: "0/0 delivered" in a green card read as a clean bill of health,
 * and the Markdown report drew an empty table and an empty graph. Every format now says no flow was declared or
 * found and how to declare some; the Markdown drops the empty flow sections and the HTML card is not green.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../cluster/_test-helpers.ts';
import { PolicyEngine } from '../analysis/policy/index.ts';
import { buildReport } from '../analysis/report/index.ts';
import { renderReportMd } from './report-md.ts';
import { renderReportText } from './report-text.ts';
import { renderReportHtml, reportGraphLayout } from './report-html.ts';

function reportWithoutFlows() {
  const { model, diagnostics } = buildYaml(
    'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x}\nspec: {containers: [{name: c, image: i}]}\n',
  );
  return buildReport({
    title: 't',
    model,
    diagnostics,
    engine: new PolicyEngine(model),
    flows: [],
    findings: [],
  });
}

test('report without flows: Markdown says none was declared or found, with no empty flow table or graph', () => {
  const md = renderReportMd(reportWithoutFlows());
  assert.match(
    md,
    /- \*\*Flows:\*\* none declared and none found in the manifests: nothing traced \(pass --flows FILE/,
  );
  assert.ok(!md.includes('0/0 delivered'), md);
  assert.ok(!md.includes('## What works and what is broken'), 'no empty flow table');
  assert.ok(!md.includes('```mermaid'), 'no empty flow graph');
  assert.ok(!md.includes('## Traces'), 'no empty traces section');
});

test('report without flows: the text line and the HTML card say the same, and the card is not marked ok', async () => {
  const data = reportWithoutFlows();
  assert.match(renderReportText(data), /^Flows {5}none declared and none found in the manifests/m);
  const html = renderReportHtml(data, await reportGraphLayout(data));
  assert.match(html, /<div class="card" id="card-flows"><b class="">0\/0<\/b>/);
});
