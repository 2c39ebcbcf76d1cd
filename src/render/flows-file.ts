/**
 * Discovered flows written as a flows file (docs/flows.md): YAML with each step's evidence and confidence as
 * comments, so the user can read, edit and commit it and pass it back with `--flows`; JSON and Markdown carry the
 * same data. Pure and deterministic.
 */
import type { Discovery, Evidence, Flow, FlowStep } from '../analysis/flows/index.ts';
import { sourceText, targetText } from '../analysis/flows/index.ts';

const q = (s: string) => JSON.stringify(s);
const where = (e: Evidence) => (e.source ? ` (${e.source.file}:${e.source.line})` : '');
const oneLine = (s: string) => s.replace(/\s+/g, ' ');

function stepFields(step: FlowStep): string {
  const to = targetText(step.to);
  const parts = [`from: ${sourceText(step.from)}`, `to: ${q(to.to)}`];
  if (to.port) parts.push(`port: ${to.port}`);
  if (to.protocol) parts.push(`protocol: ${to.protocol}`);
  return `{${parts.join(', ')}}`;
}

export function renderFlowsYaml(d: Discovery, title = ''): string {
  const out = [
    `# Flows kubetwin found in the manifests${title ? ` of ${title}` : ''} (kubetwin flows).`,
    '# Each step names the evidence it was read from (file:line) and how sure discovery is of it.',
    '# Review, edit and commit this file, then pass it with --flows (docs/flows.md).',
    'flows:',
  ];
  if (!d.flows.length) out[out.length - 1] = 'flows: []';
  for (const f of d.flows) {
    out.push(`  - name: ${q(f.name)}`, '    steps:');
    for (const s of f.steps) {
      for (const [i, e] of (s.evidence ?? []).entries())
        out.push(
          `      # ${i === 0 ? `${s.confidence ?? 'declared'}: ` : '  and '}${oneLine(e.text)}${where(e)}`,
        );
      out.push(`      - ${stepFields(s)}`);
    }
  }
  if (d.notes.length) {
    out.push('', '# Not flows:');
    for (const n of d.notes) out.push(`#   ${oneLine(n.text)}${where(n)}`);
  }
  return out.join('\n') + '\n';
}

export function renderFlowsJson(d: Discovery): string {
  const flows = d.flows.map((f: Flow) => ({
    name: f.name,
    steps: f.steps.map((s) => ({
      from: sourceText(s.from),
      ...targetText(s.to),
      confidence: s.confidence,
      evidence: (s.evidence ?? []).map((e) => ({
        text: e.text,
        ...(e.source ? { file: e.source.file, line: e.source.line } : {}),
      })),
    })),
  }));
  const notes = d.notes.map((e) => ({
    text: e.text,
    ...(e.source ? { file: e.source.file, line: e.source.line } : {}),
  }));
  return JSON.stringify({ flows, notes }, null, 2) + '\n';
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');

export function renderFlowsMarkdown(d: Discovery, title = ''): string {
  const out = [`# Discovered flows${title ? ` — ${title}` : ''}`, ''];
  for (const f of d.flows) {
    out.push(`## ${f.name}`, '', '| from | to | confidence | evidence |', '| --- | --- | --- | --- |');
    for (const s of f.steps) {
      const to = targetText(s.to);
      out.push(
        `| ${cell(sourceText(s.from))} | ${cell(`${to.to}${to.port ? ` port ${to.port}` : ''}${to.protocol ? `/${to.protocol}` : ''}`)} | ${s.confidence ?? ''} | ${cell((s.evidence ?? []).map((e) => `${e.text}${where(e)}`).join('; '))} |`,
      );
    }
    out.push('');
  }
  if (d.notes.length) {
    out.push('## Not flows', '');
    for (const n of d.notes) out.push(`- ${cell(n.text)}${where(n)}`);
    out.push('');
  }
  return out.join('\n');
}
