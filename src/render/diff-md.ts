import type { ClusterDiff, Effect } from '../analysis/diff/index.ts';
import { layerOrder } from '../analysis/diff/index.ts';
import { causeText, directions, fieldLine, layerTitle, tag } from './_diff-common.ts';

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const severityTitle = { high: '🔴 High', medium: '🟠 Medium', low: '⚪ Low' } as const;
/** Mermaid charts past this many edges stop rendering legibly in a PR comment. */
const maxEdges = 60;

function effectLine(e: Effect, diff: ClusterDiff): string {
  const details = e.details.filter((d) => d !== 'opened' && d !== 'closed');
  return (
    `- **${tag(e)}** \`${esc(e.subject)}\`: ${esc(e.before)} → ${esc(e.after)}` +
    (details.length ? `<br>${details.map(esc).join('<br>')}` : '') +
    `<br><sub>${esc(causeText(e.cause, diff))}</sub>`
  );
}

/** Mermaid `graph LR` of the changed edges only (exposure, flows, connectivity): green opened, red closed. */
function mermaid(diff: ClusterDiff): string[] {
  const edges = diff.effects.filter((e) => e.edge);
  if (!edges.length) return [];
  const ids = new Map<string, string>();
  const id = (n: string) => ids.get(n) ?? (ids.set(n, `n${ids.size}`), ids.get(n)!);
  const shown = edges.slice(0, maxEdges);
  const body: string[] = [];
  const styles: string[] = [];
  shown.forEach((e, i) => {
    const t = tag(e);
    const good = t === 'opened' || t === 'fixed' || t === 'unexposed';
    body.push(`  ${id(e.edge!.from)} -->|"${e.edge!.label.replace(/"/g, "'")} ${t}"| ${id(e.edge!.to)}`);
    styles.push(`  linkStyle ${i} stroke:${good ? '#2da44e' : '#cf222e'}`);
  });
  const nodes = [...ids].map(([name, n]) => `  ${n}["${name.replace(/"/g, "'")}"]`);
  const lines = ['```mermaid', 'graph LR', ...nodes, ...body, ...styles, '```'];
  if (edges.length > maxEdges)
    lines.push(`_${edges.length - maxEdges} more changed edges are listed above but not drawn._`);
  return lines;
}

/**
 * The diff as a pull-request comment (GitHub-flavoured Markdown): a summary table per layer, the changes grouped by
 * severity in collapsible `<details>`, a Mermaid graph of changed edges only, and the object changes.
 */
export function renderDiffMd(diff: ClusterDiff, options: { readonly title: string }): string {
  const s = diff.summary;
  const out = [`### kubetwin diff — ${esc(options.title)}`, ''];
  if (!diff.effects.length && !diff.objects.length) return out.concat('No network changes.', '').join('\n');
  out.push(
    `${s.objects.added} object(s) added, ${s.objects.removed} removed, ${s.objects.modified} modified · ` +
      `**${s.flowsBroken}** flow step(s) broken, **${s.flowsFixed}** fixed · **${s.newErrors}** new error(s) · **${s.newExposure}** newly exposed port(s)`,
    '',
    '| layer | changes | worse | better |',
    '|---|---:|---:|---:|',
  );
  for (const l of layerOrder) {
    if (!s.layers[l]) continue;
    const d = directions(diff, l);
    if (l === 'connectivity') {
      // Opening or closing a port is neither better nor worse by itself: the counts say which.
      const opened = diff.effects.filter((e) => e.layer === l && e.details[0] === 'opened').length;
      out.push(
        `| ${layerTitle[l]} | ${s.layers[l]} (${opened} opened, ${s.layers[l] - opened} closed) | — | — |`,
      );
    } else out.push(`| ${layerTitle[l]} | ${s.layers[l]} | ${d.broken} | ${d.fixed} |`);
  }
  for (const sev of ['high', 'medium', 'low'] as const) {
    const list = diff.effects.filter((e) => e.severity === sev);
    if (!list.length) continue;
    out.push(
      '',
      `<details${sev === 'high' ? ' open' : ''}><summary><b>${severityTitle[sev]} (${list.length})</b></summary>`,
      '',
    );
    for (const l of layerOrder) {
      const part = list.filter((e) => e.layer === l);
      if (!part.length) continue;
      out.push(`**${layerTitle[l]}**`, '', ...part.map((e) => effectLine(e, diff)), '');
    }
    out.push('</details>');
  }
  const graph = mermaid(diff);
  if (graph.length)
    out.push('', '<details><summary><b>Changed edges</b></summary>', '', ...graph, '', '</details>');
  if (diff.objects.length) {
    out.push(
      '',
      `<details><summary><b>Object changes (${diff.objects.length})</b></summary>`,
      '',
      '| object | change | where |',
      '|---|---|---|',
    );
    for (const o of diff.objects) out.push(`| \`${esc(o.key)}\` | ${o.change} | ${esc(fieldLine(o))} |`);
    out.push('', '</details>');
  }
  for (const n of diff.notes) out.push('', `> ${esc(n)}`);
  return out.join('\n') + '\n';
}
