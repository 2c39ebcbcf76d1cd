import { kinds } from '../model/catalogue.ts';
import type { RawObject } from '../parse/index.ts';

const clusterScoped = new Set(kinds.filter((k) => !k.namespaced).map((k) => k.kind));

function keyOf(o: RawObject, defaultNamespace: string): string {
  const kind = String(o.body.kind ?? '');
  const meta = (o.body.metadata ?? {}) as { namespace?: unknown; name?: unknown };
  const ns = clusterScoped.has(kind)
    ? ''
    : typeof meta.namespace === 'string'
      ? meta.namespace
      : defaultNamespace;
  return `${kind}/${ns}/${String(meta.name ?? '')}`;
}

/**
 * "What if I apply this?": the manifests over the live objects. A manifest object with the live one's kind,
 * namespace (the `-n` default when it names none, as `kubectl apply -n` does) and name replaces it; the other live
 * objects stay. `replaced` counts the live objects replaced.
 */
export function overlay(
  live: readonly RawObject[],
  manifests: readonly RawObject[],
  defaultNamespace: string,
): { objects: RawObject[]; replaced: number } {
  const mine = new Set(manifests.map((o) => keyOf(o, defaultNamespace)));
  const kept = live.filter((o) => !mine.has(keyOf(o, defaultNamespace)));
  return { objects: [...kept, ...manifests], replaced: live.length - kept.length };
}
