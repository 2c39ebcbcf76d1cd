import type { Cause, ClusterDiff, Effect, EffectLayer, ObjectChange } from '../analysis/diff/index.ts';

export const layerTitle: Record<EffectLayer, string> = {
  exposure: 'Internet exposure',
  flow: 'Flows',
  connectivity: 'Connectivity (workload → workload port)',
  routing: 'HTTP routing',
  dns: 'DNS',
  service: 'Services and endpoints',
  finding: 'Findings',
  posture: 'Posture per namespace',
};

/** `[fixed]`, `[BROKEN]`, `[opened]`… one tag per effect, the same in every format. */
export function tag(e: Effect): string {
  if (e.layer === 'connectivity') return e.details[0] === 'opened' ? 'opened' : 'closed';
  if (e.layer === 'exposure') return e.change === 'added' ? 'EXPOSED' : 'unexposed';
  if (e.layer === 'finding') return e.change === 'added' ? 'new' : 'resolved';
  if (e.direction === 'broken') return 'BROKEN';
  if (e.direction === 'fixed') return 'fixed';
  return e.change;
}

/** The first changed field of an object change with its place on each side (`spec.x a.yaml:3 → b.yaml:4`). */
export function fieldLine(o: ObjectChange | undefined): string {
  if (!o) return '';
  if (o.change === 'added') return `added at ${o.afterAt}`;
  if (o.change === 'removed') return `removed (was at ${o.beforeAt})`;
  const f = o.fields[0];
  const more =
    o.fields.length > 1 ? ` (+${o.fields.length - 1} more field${o.fields.length > 2 ? 's' : ''})` : '';
  return `${f.path} ${f.beforeAt ?? '(absent)'} → ${f.afterAt ?? '(absent)'}${more}`;
}

/** "caused by KEY (field file:line → file:line)" or "caused by one of: A, B, C (+N)". */
export function causeText(c: Cause, diff: ClusterDiff, max = 4): string {
  if (!c.objects.length) return 'cause not found among the object changes';
  if (c.certain && c.objects.length === 1) {
    const o = diff.objects.find((x) => x.key === c.objects[0]);
    return `caused by ${c.objects[0]}${o ? `: ${fieldLine(o)}` : ''}`;
  }
  const shown = c.objects.slice(0, max).join(', ');
  const rest = c.objects.length > max ? ` (+${c.objects.length - max} more)` : '';
  return `caused by one of: ${shown}${rest}`;
}

/** Counts per layer of effects judged broken and fixed. */
export function directions(diff: ClusterDiff, layer: EffectLayer): { broken: number; fixed: number } {
  const list = diff.effects.filter((e) => e.layer === layer);
  return {
    broken: list.filter((e) => e.direction === 'broken').length,
    fixed: list.filter((e) => e.direction === 'fixed').length,
  };
}
