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
      const [before, after] = cutPair(e.before, e.after);
      lines.push(`  [${tag(e)}] ${e.subject}: ${before} → ${after}`);
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

const width = 90;

/**
 * Before and after cut to one line each so that what differs stays visible: a long common start (the same
 * backend, the same certificate name) is elided on both sides rather than the differing end cut off.
 */
export function cutPair(before: string, after: string): [string, string] {
  const cut = (t: string) => (t.length > width ? `${t.slice(0, width - 1)}…` : t);
  if (before.length <= width && after.length <= width) return [before, after];
  let same = 0;
  while (same < before.length && same < after.length && before[same] === after[same]) same++;
  // Keep a little context before the first difference, from a word start.
  const from = same < 30 ? 0 : Math.max(0, before.lastIndexOf(' ', same - 20) + 1);
  if (from === 0) return [cut(before), cut(after)];
  return [cut(`…${before.slice(from)}`), cut(`…${after.slice(from)}`)];
}
