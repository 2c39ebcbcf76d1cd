import type { ClusterModel, Pod, Service } from '../../model/types.ts';
import type { Mesh } from './index.ts';
import { lookup } from '../../model/lookup.ts';
import type { MeshDecision, MeshMirror } from './types.ts';

/**
 * The client pod a `NS/NAME` (or `NAME` in `defaultNs`) names: that pod, else the first ready pod of a
 * workload of that name; or why there is none.
 */
export function clientPod(model: ClusterModel, ref: string, defaultNs = 'default'): Pod | string {
  const [ns, name] = ref.includes('/') ? ref.split('/', 2) : [defaultNs, ref];
  const l = lookup(model);
  const pod = l.podByRef(`${ns}/${name}`);
  if (pod) return pod;
  const pods = model.workloads
    .filter((w) => w.namespace === ns && w.name === name)
    .flatMap((w) => l.podsOfWorkload(w.key))
    .filter((p) => p.ip)
    .sort((a, b) => Number(b.ready) - Number(a.ready) || (a.name < b.name ? -1 : 1));
  return pods[0] ?? `${ns}/${name} names no pod, and no workload with a scheduled pod`;
}

/** The contract fields `kubetwin test` compares for a `route:` entry with `via: mesh`. */
export interface MeshActual {
  readonly backend: string | null;
  readonly subset: string | null;
  readonly workloads: readonly string[];
  readonly split?: Readonly<Record<string, number>>;
  /** Null when the answer is unknown. */
  readonly status: number | null;
  readonly redirect: { readonly status: number; readonly location: string } | null;
  readonly rewrittenPath: string | null;
  /** A connection (`tcp`/`tls` rules) the proxy closes: why. */
  readonly closed?: string;
  /** Why the answer is not known. */
  readonly unknown?: string;
}

/**
 * `{backend: "ns/service", subset, workloads, split, status, redirect, rewrittenPath}`: `backend` and `subset`
 * are null when nothing is forwarded or the destinations differ; `split` (destination → weight) only when a
 * rule splits traffic; `workloads` those whose ready pods receive requests; `closed` for a connection the proxy
 * closes, `unknown` (status null) when the twin cannot tell.
 */
export function meshActual(d: MeshDecision): MeshActual {
  const fwd = d.status === 200 ? d.destinations.filter((x) => x.weight > 0) : [];
  const services = [...new Set(fwd.map((x) => `${x.namespace}/${x.name}`))];
  const subsets = [...new Set(fwd.map((x) => x.subset ?? null))];
  const workloads = [...new Set(fwd.filter((x) => !x.problem).flatMap((x) => x.workloads))].sort();
  return {
    backend: services.length === 1 ? services[0] : null,
    subset: subsets.length === 1 ? subsets[0] : null,
    workloads,
    ...(d.destinations.length > 1
      ? {
          split: Object.fromEntries(
            d.destinations.map((x) => [
              `${x.namespace}/${x.name}${x.subset ? `:${x.subset}` : ''}`,
              x.weight,
            ]),
          ),
        }
      : {}),
    status: d.unknown ? null : d.status,
    redirect: d.redirect ?? null,
    rewrittenPath: d.rewrittenPath ?? null,
    ...(d.closed ? { closed: d.closed } : {}),
    ...(d.unknown ? { unknown: d.unknown } : {}),
  };
}

/**
 * What `endpoints` says for a client pod whose mesh proxy, not kube-proxy, picks the endpoint: the proxy
 * balances requests itself (Istio: Envoy's LEAST_REQUEST unless a DestinationRule says otherwise; Linkerd:
 * latency-aware EWMA) after applying the mesh's routes. Empty when the client runs no proxy.
 * https://istio.io/latest/docs/reference/config/networking/destination-rule/#LoadBalancerSettings-SimpleLB
 * https://linkerd.io/2.15/features/load-balancing/
 */
export function meshEndpointNotes(mesh: Mesh, client: Pod, service: Service): string[] {
  const s = mesh.sidecar(client);
  if (!mesh.name || !s.meshed) return [];
  const lb =
    mesh.name === 'istio'
      ? "Envoy's LEAST_REQUEST balancing (unless a DestinationRule sets loadBalancer)"
      : 'latency-aware EWMA balancing';
  const by = mesh.routedBy(service, client.namespace);
  return [
    `${client.namespace}/${client.name} runs the ${mesh.name} proxy (${s.reason}): for HTTP the proxy, not kube-proxy, picks the endpoint, with ${lb}${by ? `; ${by} narrows the endpoints first — see kubetwin route --via mesh` : ''}`,
  ];
}

/**
 * One mirror in words, for `route --via mesh` and the trace's side hop: where the copies go, the share of requests
 * copied, and that the answer does not depend on them (the proxy discards the copy's response).
 */
export function describeMirror(m: MeshMirror): string {
  const to = `${m.kind ?? 'Service'} ${m.namespace}/${m.name}:${m.port}${m.subset ? ` subset ${m.subset}` : ''}`;
  const share = m.percent <= 0 ? '0% of requests: no copy is sent' : `${m.percent}% of requests`;
  const where = m.problem
    ? ` — ${m.problem}: the copies are lost`
    : ` — workloads: ${m.workloads.join(', ') || 'none'}`;
  return `${to}, ${share}${m.percent > 0 ? where : ''} (fire-and-forget: the response comes from the route's destinations)`;
}
