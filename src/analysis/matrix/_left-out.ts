import type { Pod } from '../../model/types.ts';

/**
 * Says what the matrix leaves out and why: pods without an IP (Pending, unschedulable or finished) hold no
 * connection, so they are not rows, and a group (namespace, workload) whose pods all lack one disappears.
 * Empty when nothing is left out.
 */
export function leftOutNote(
  pods: readonly Pod[],
  inScope: (p: Pod) => boolean,
  groupOf: (p: Pod) => string,
  groupNoun: string,
): string[] {
  const shown = new Set<string>();
  const missing = new Set<string>();
  let count = 0;
  for (const p of pods) {
    if (!inScope(p)) continue;
    if (p.ip) shown.add(groupOf(p));
    else count++;
  }
  if (!count) return [];
  for (const p of pods) if (inScope(p) && !p.ip && !shown.has(groupOf(p))) missing.add(groupOf(p));
  const names = [...missing].sort();
  const listed = `${names.slice(0, 8).join(', ')}${names.length > 8 ? `, … (${names.length})` : ''}`;
  return [
    `${count} pod(s) without an IP (Pending or finished) are left out` +
      (names.length
        ? `, and with them ${names.length} ${groupNoun}(s) that have no pod with an IP: ${listed}`
        : ''),
  ];
}
