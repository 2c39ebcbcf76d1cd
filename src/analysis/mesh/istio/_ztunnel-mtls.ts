/**
 * The PeerAuthentication mode ztunnel enforces on an ambient pod's port. istiod resolves the same levels as for a
 * sidecar (workload port, workload, namespace, mesh; UNSET inherits) and hands ztunnel, for a STRICT port, a DENY
 * of connections without an mTLS identity (`istio_converted_static_strict`, or a converted port-level policy);
 * PERMISSIVE and DISABLE both leave the port open to plaintext: HBONE is always mTLS, so DISABLE cannot turn it off
 * (istio/istio pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go,
 * `convertedSelectorPeerAuthentications`, `convertPeerAuthentication`;
 * https://istio.io/latest/docs/ambient/usage/l4-policy/#peer-authentication).
 */
import type { PeerAuthentication } from '../../../model/mesh.ts';
import type { SourceRef } from '../../../model/diagnostic.ts';
import type { Pod } from '../../../model/types.ts';
import { matches, selectorFromMap } from '../../../lib/labels.ts';
import { effectiveMtls } from './_mtls.ts';

export interface ZtunnelMtls {
  /** STRICT refuses plaintext; PERMISSIVE accepts both. */
  readonly mode: 'STRICT' | 'PERMISSIVE';
  readonly by: string;
  readonly source?: SourceRef;
  readonly notes: readonly string[];
  /** Why a STRICT verdict is not certain, when it is not. */
  readonly unknown?: string;
}

/** The mode of `pod`'s `port` (the container port) at its ztunnel. */
export function ztunnelMtls(
  policies: readonly PeerAuthentication[],
  rootNamespace: string,
  pod: Pod,
  port: number,
): ZtunnelMtls {
  const eff = effectiveMtls(policies, rootNamespace, pod, port);
  const notes = [...eff.notes];
  if (eff.mode === 'DISABLE')
    notes.push(
      `${eff.by} is DISABLE, which ztunnel treats as PERMISSIVE: HBONE is always mTLS, and plaintext is accepted`,
    );
  const mode = eff.mode === 'STRICT' ? 'STRICT' : 'PERMISSIVE';
  const base = { mode, by: eff.by, ...(eff.source ? { source: eff.source } : {}), notes } as const;
  return mode === 'STRICT' ? { ...base, ...portLevelGap(policies, rootNamespace, pod) } : base;
}

/**
 * istiod's ambient conversion drops a PERMISSIVE or DISABLE port of a workload policy whose own mode is UNSET when
 * the namespace policy is UNSET and the mesh policy STRICT, and then sends the workload no STRICT policy at all
 * (`convertPeerAuthentication` skips the port on `nsCfg != nil && !isMtlsModeStrict(nsCfg)`): the workload's other
 * ports, STRICT by inheritance for a sidecar, may then accept plaintext. Said as unknown, not decided.
 */
function portLevelGap(
  policies: readonly PeerAuthentication[],
  rootNamespace: string,
  pod: Pod,
): { unknown?: string } {
  if (pod.namespace === rootNamespace) return {};
  const mine = policies.filter((p) => p.namespace === pod.namespace);
  const workload = mine.find(
    (p) =>
      p.selector &&
      matches(selectorFromMap(p.selector), pod.labels) &&
      p.mode === 'UNSET' &&
      p.portLevel.some((l) => l.mode === 'PERMISSIVE' || l.mode === 'DISABLE'),
  );
  const ns = mine.find((p) => !p.selector);
  const mesh = policies.find((p) => p.namespace === rootNamespace && !p.selector);
  if (!workload || ns?.mode !== 'UNSET' || mesh?.mode !== 'STRICT') return {};
  return {
    unknown: `${workload.key} sets non-STRICT ports under an UNSET namespace policy ${ns.key} and a STRICT mesh policy ${mesh.key}: istiod's ambient conversion may then send ztunnel no STRICT policy for the pod, so whether its other ports refuse plaintext is not known`,
  };
}
