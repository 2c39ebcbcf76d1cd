import type { Pod } from '../../model/types.ts';
import type { PolicyEngine } from '../policy/index.ts';

/**
 * Two pods standing for a class pair: distinct when the classes are the same (none when the class has one pod:
 * it has no pairs), and on different nodes where one of them is hostNetwork (its own node is an exception).
 */
export function representatives(
  engine: PolicyEngine,
  from: readonly Pod[],
  to: readonly Pod[],
  same: boolean,
): [Pod, Pod] | undefined {
  const host = (p: Pod) => p.hostNetwork && engine.hostNetwork === 'node';
  let fallback: [Pod, Pod] | undefined;
  for (const a of from)
    for (const b of to) {
      if (a === b) continue;
      if (!(host(a) || host(b)) || a.nodeName === undefined || a.nodeName !== b.nodeName) return [a, b];
      fallback ??= [a, b];
    }
  return same && from.length < 2 ? undefined : fallback;
}
