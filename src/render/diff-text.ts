import type { ClusterDiff } from '../analysis/diff/index.ts';
import { layerOrder } from '../analysis/diff/index.ts';
import { causeText, fieldLine, layerTitle, tag } from './_diff-common.ts';

export interface DiffTextOptions {
  readonly title: string;
  /** Most effects printed per layer (one screen); the rest are counted. */
  readonly perLayer?: number;
}

/** The diff on one screen: counts, then each layer's effects (capped) with their cause, then object changes. */
export function renderDiffText(diff: ClusterDiff, options: DiffTextOptions): string {
  const max = options.perLayer ?? 4;
  const cut = (t: string) => (t.length > 90 ? `${t.slice(0, 89)}…` : t);
  const s = diff.summary;
  const lines = [`kubetwin diff — ${options.title}`, ''];
  lines.push(
    `Objects   ${s.objects.added} added, ${s.objects.removed} removed, ${s.objects.modified} modified`,
  );
  if (!diff.effects.length && !diff.objects.length) {
    lines.push('No changes.');
    return lines.join('\n') + '\n';
  }
  lines.push(
    `Effects   ${layerOrder.map((l) => `${l} ${s.layers[l]}`).join(' · ')}`,
    `Verdict   ${s.flowsBroken} flow step(s) broken, ${s.flowsFixed} fixed; ${s.newErrors} new error finding(s); ${s.newExposure} newly exposed port(s)`,
  );
  for (const layer of layerOrder) {
    const list = diff.effects.filter((e) => e.layer === layer);
    if (!list.length) continue;
    lines.push('', `${layerTitle[layer].toUpperCase()} (${list.length})`);
    for (const e of list.slice(0, max)) {
      lines.push(`  [${tag(e)}] ${e.subject}: ${cut(e.before)} → ${cut(e.after)}`);
      for (const d of e.details.filter((d) => d !== 'opened' && d !== 'closed')) lines.push(`      ${d}`);
      lines.push(`      ${causeText(e.cause, diff, 3)}`);
    }
    if (list.length > max) lines.push(`  … ${list.length - max} more (-o md or -o json lists them all)`);
  }
  if (diff.objects.length) {
    lines.push('', `OBJECT CHANGES (${diff.objects.length})`);
    for (const o of diff.objects.slice(0, 8)) lines.push(`  ${o.change.padEnd(8)} ${o.key}  ${fieldLine(o)}`);
    if (diff.objects.length > 8) lines.push(`  … ${diff.objects.length - 8} more`);
  }
  for (const n of diff.notes) lines.push('', `Note: ${n}`);
  return lines.join('\n') + '\n';
}
