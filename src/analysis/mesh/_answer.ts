import type { ClusterModel, Pod } from '../../model/types.ts';
import { lookup } from '../../model/lookup.ts';
import type { MeshDecision } from './types.ts';

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
  readonly status: number;
  readonly redirect: { readonly status: number; readonly location: string } | null;
  readonly rewrittenPath: string | null;
}

/**
 * `{backend: "ns/service", subset, workloads, split, status, redirect, rewrittenPath}`: `backend` and `subset`
 * are null when nothing is forwarded or the destinations differ; `split` (destination → weight) only when a
 * rule splits traffic; `workloads` those whose ready pods receive requests.
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
    status: d.status,
    redirect: d.redirect ?? null,
    rewrittenPath: d.rewrittenPath ?? null,
  };
}
