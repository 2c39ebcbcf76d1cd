import type { ClusterDiff } from '../analysis/diff/index.ts';

/**
 * The diff as JSON for tools: `apiVersion` names the shape; keys appear in a fixed order and lists are sorted
 * (objects by key, effects by layer, severity and subject), so the same inputs give byte-identical output.
 */
export function renderDiffJson(
  diff: ClusterDiff,
  meta: { readonly base: string; readonly head: string },
): string {
  return (
    JSON.stringify(
      {
        apiVersion: 'kubetwin.dev/diff/v1',
        base: meta.base,
        head: meta.head,
        summary: diff.summary,
        effects: diff.effects,
        objects: diff.objects,
        notes: diff.notes,
      },
      null,
      2,
    ) + '\n'
  );
}
