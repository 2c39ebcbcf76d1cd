import type { Matrix, MatrixEntry } from '../analysis/matrix/index.ts';
import type { ClusterModel } from '../model/types.ts';
import { endpoint, identities, l4Of, l4Summary, labelList } from './hubble.ts';

/** Identity labels every pod of a namespace shares: the namespace, its labels, the cluster. */
const namespaceLevel =
  /^k8s:(io\.kubernetes\.pod\.namespace|io\.cilium\.k8s\.namespace\.labels\.|io\.cilium\.k8s\.policy\.cluster)/;

/**
 * The matrix as `hubble observe -o json` lines (as `trace -o hubble` prints them, through the same helpers): one
 * `{"flow": …}` per (source group, destination group, port), FORWARDED when every pod pair may connect, DROPPED
 * (`drop_reason_desc` POLICY_DENIED) when none may. A partial cell (some pod pairs only) is two lines, one
 * FORWARDED and one DROPPED, whose `Summary` counts the pod pairs of each (`2 of 6 pod pairs`), so a filter on
 * `verdict` finds it either way. An endpoint is the group's representative pod (`Matrix.representative`): its
 * identity, labels and pod name with `--by pod`; its labels and workload with `--by workload`; only the
 * namespace-level identity labels with `--by namespace` (identity 0: a namespace is no single identity). No IP,
 * node or direction (a cell is not one packet), no timestamps. Streamed row by row, denied entries included.
 * https://docs.cilium.io/en/stable/observability/hubble/ · cilium/cilium api/v1/flow/flow.proto
 */
export function* renderMatrixHubble(model: ClusterModel, m: Matrix): Generator<string> {
  const ids = identities(model);
  const cluster = model.profile.cni.cluster ?? 'default';
  const side = (group: string, namespace: string) => {
    const pod = m.representative(group);
    if (!pod) return { namespace };
    if (m.by === 'namespace')
      return {
        ID: 0,
        identity: 0,
        cluster_name: cluster,
        namespace,
        labels: labelList(model, pod, cluster).filter((l) => namespaceLevel.test(l)),
      };
    const e = endpoint(model, ids, { kind: 'pod', pod });
    if (m.by === 'pod' || !('pod_name' in e)) return e;
    const { pod_name: _omit, ...rest } = e;
    return rest;
  };
  const nsOf = new Map(m.groups.map((g) => [g.name, g.namespace]));
  const ends = new Map<string, unknown>();
  const endOf = (g: string) => ends.get(g) ?? ends.set(g, side(g, nsOf.get(g) ?? '')).get(g);
  const line = (e: MatrixEntry, forwarded: boolean, pairs: number) =>
    JSON.stringify({
      flow: {
        verdict: forwarded ? 'FORWARDED' : 'DROPPED',
        ...(forwarded ? {} : { drop_reason_desc: 'POLICY_DENIED' }),
        l4: l4Of(e.protocol, e.port),
        source: endOf(e.from),
        destination: endOf(e.to),
        Type: 'L3_L4',
        is_reply: false,
        Summary: `${l4Summary(e.protocol)}${pairs < e.pairs ? `; ${pairs} of ${e.pairs} pod pairs` : ''}`,
      },
    }) + '\n';
  for (const row of m.rows({ denied: true })) {
    let out = '';
    for (const e of row.entries) {
      if (e.allowedPairs > 0) out += line(e, true, e.allowedPairs);
      if (e.allowedPairs < e.pairs) out += line(e, false, e.pairs - e.allowedPairs);
    }
    if (out) yield out;
  }
}
