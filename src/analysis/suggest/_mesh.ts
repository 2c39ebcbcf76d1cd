import type { ClusterModel, Pod } from '../../model/types.ts';
import { controlPlaneTargets, meshedWorkloadPods } from '../mesh/index.ts';

/** One connection a mesh proxy needs to its control plane: from a meshed pod to a control-plane pod. */
export interface ControlPlaneNeed {
  readonly from: Pod;
  readonly to: Pod;
  readonly port: number;
  readonly why: string;
}

/**
 * What the mesh's proxies need beyond the application's flows (rule `mesh-proxies-need-their-control-plane`):
 * every meshed workload's proxy (an injected sidecar, the proxy of an Istio gateway pod, an Istio ambient waypoint or
 * ztunnel) connects to its control
 * plane for configuration and certificates — Istio's istiod on 15012, Linkerd's destination, identity and policy
 * controllers (`meshControlPlane`, with its sources) — and does not become ready without it. One pod per workload
 * stands for it. A control-plane Service the input does not hold (or whose selector picks no pod in it) cannot be
 * admitted by name: it is returned in `missing`, with the workloads it leaves cut off, for the answer to say so.
 */
export function meshControlPlaneNeeds(model: ClusterModel): {
  needs: ControlPlaneNeed[];
  missing: string[];
} {
  const name = model.mesh?.name;
  if (!name) return { needs: [], missing: [] };
  // A hostNetwork pod is never a NetworkPolicy peer, so no rule can name it.
  const meshed = meshedWorkloadPods(model).filter((p) => !p.hostNetwork);
  if (!meshed.length) return { needs: [], missing: [] };
  const group = (p: Pod) =>
    p.owner ? `${p.namespace}/${p.owner.split('/').pop()}` : `${p.namespace}/${p.name}`;
  const needs: ControlPlaneNeed[] = [];
  const missing: string[] = [];
  for (const t of controlPlaneTargets(model)) {
    const where = `Service ${t.namespace}/${t.entry.service} port ${t.entry.port}`;
    if (!t.pods.length) {
      const names = meshed.map(group);
      const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? `, and ${names.length - 3} more` : '');
      missing.push(
        `the ${name} proxies of ${names.length} workload(s) (${shown}) get ${t.entry.does} from ${where}, ${t.service ? 'whose selector picks no pod in the input' : 'which is not in the input'}: these policies do not admit that connection, so a default deny of egress cuts those proxies off. Add the control plane's manifests (-f) and suggest again`,
      );
      continue;
    }
    for (const from of meshed)
      for (const { pod: to, port } of t.pods)
        needs.push({
          from,
          to,
          port,
          why: `mesh control plane: the ${name} proxy of ${group(from)} gets ${t.entry.does} from ${where}`,
        });
  }
  return { needs, missing };
}
