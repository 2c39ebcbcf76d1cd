import type { ClusterModel, Pod } from '../../model/types.ts';

/**
 * Names the destination groups whose pods back a Service but declare no container port, when the matrix checks
 * declared ports only: their columns list no port (`·` or `-`) although those pods listen where the Service sends.
 * A containerPort is informational — "Not specifying a port here DOES NOT prevent that port from being exposed"
 * (https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports) — so the note gives the
 * ports their EndpointSlices carry, for `--port`. Pods that back no Service (clients) are not named: nothing says
 * they listen. Empty when no group is affected.
 */
export function portlessNote(
  model: ClusterModel,
  pods: readonly Pod[],
  groupOf: (p: Pod) => string,
): string[] {
  const portless = new Map(pods.filter((p) => !p.ports.length).map((p) => [p.key, p]));
  if (!portless.size) return [];
  const served = new Map<string, Set<string>>();
  for (const slice of model.endpointSlices)
    for (const e of slice.endpoints) {
      const pod = e.targetRef && portless.get(e.targetRef);
      if (!pod) continue;
      const g = groupOf(pod);
      const set = served.get(g) ?? served.set(g, new Set()).get(g)!;
      for (const sp of slice.ports) if (sp.port !== undefined) set.add(`${sp.port}/${sp.protocol}`);
    }
  const names = [...served.keys()].filter((g) => served.get(g)!.size).sort();
  if (!names.length) return [];
  const ports = [...new Set(names.flatMap((g) => [...served.get(g)!]))].sort();
  const listed = names
    .slice(0, 8)
    .map((g) => `${g} (${[...served.get(g)!].sort().join(', ')})`)
    .join(', ');
  return [
    `${names.length} destination(s) back a Service but declare no containerPort, so their columns list no port although their pods listen where the Service sends: ${listed}${names.length > 8 ? `, … (${names.length})` : ''}; ask with ${ports.map((p) => `--port ${p}`).join(' ')}`,
  ];
}
