/**
 * Istio's effective mTLS mode for a workload port, from PeerAuthentications: the workload policy (selector
 * matching the pod; its `portLevelMtls` entry for the port first) over the namespace policy (no selector) over
 * the mesh policy (no selector, in the root namespace); `UNSET` inherits from the next level; with no policy
 * at all the mode is PERMISSIVE. A policy with a selector in the root namespace is ignored (istio/api#3604). Several candidates at one level: the oldest is taken, with a note.
 * https://istio.io/latest/docs/reference/config/security/peer_authentication/
 * https://istio.io/latest/docs/concepts/security/#peer-authentication
 */
import { matches, selectorFromMap } from '../../../lib/labels.ts';
import type { MtlsMode, PeerAuthentication } from '../../../model/mesh.ts';
import type { SourceRef } from '../../../model/diagnostic.ts';
import type { Pod } from '../../../model/types.ts';

export interface EffectiveMtls {
  /** Never UNSET: PERMISSIVE when nothing sets it. */
  readonly mode: Exclude<MtlsMode, 'UNSET'>;
  /** `PeerAuthentication/ns/name spec.mtls.mode` (or `spec.portLevelMtls.PORT`), or the default. */
  readonly by: string;
  readonly source?: SourceRef;
  readonly notes: readonly string[];
}

const oldest = (ps: readonly PeerAuthentication[]) =>
  [...ps].sort(
    (a, b) =>
      (a.creationTimestamp ?? '9999').localeCompare(b.creationTimestamp ?? '9999') ||
      a.key.localeCompare(b.key),
  );

/** The effective mode of `pod`'s `port` (the container port a connection arrives on). */
export function effectiveMtls(
  policies: readonly PeerAuthentication[],
  rootNamespace: string,
  pod: Pod,
  port: number,
): EffectiveMtls {
  const notes: string[] = [];
  const pick = (level: string, ps: readonly PeerAuthentication[]) => {
    const sorted = oldest(ps);
    if (sorted.length > 1)
      notes.push(
        `${sorted.length} ${level} PeerAuthentications apply (${sorted.map((p) => p.key).join(', ')}): Istio takes the oldest, ${sorted[0].key}`,
      );
    return sorted[0];
  };
  const workload = pick(
    'workload',
    policies.filter(
      (p) =>
        p.namespace === pod.namespace &&
        p.namespace !== rootNamespace &&
        p.selector &&
        matches(selectorFromMap(p.selector), pod.labels),
    ),
  );
  const namespace = pick(
    'namespace-wide',
    policies.filter((p) => p.namespace === pod.namespace && !p.selector),
  );
  const mesh =
    pod.namespace === rootNamespace
      ? undefined
      : pick(
          'mesh-wide',
          policies.filter((p) => p.namespace === rootNamespace && !p.selector),
        );
  const levels: { mode: MtlsMode; by: string; source?: SourceRef }[] = [];
  if (workload) {
    const pl = workload.portLevel.find((x) => x.port === port);
    if (pl)
      levels.push({ mode: pl.mode, by: `${workload.key} spec.portLevelMtls.${port}`, source: pl.source });
    levels.push({ mode: workload.mode, by: `${workload.key} spec.mtls.mode`, source: workload.modeSource });
  }
  for (const p of [namespace, mesh])
    if (p) levels.push({ mode: p.mode, by: `${p.key} spec.mtls.mode`, source: p.modeSource });
  const set = levels.find((l) => l.mode !== 'UNSET');
  if (!set) return { mode: 'PERMISSIVE', by: 'Istio default (no PeerAuthentication sets a mode)', notes };
  return { mode: set.mode as EffectiveMtls['mode'], by: set.by, source: set.source, notes };
}
