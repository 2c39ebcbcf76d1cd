/**
 * Istio `ServiceEntry`: hosts outside Kubernetes' Service registry that the mesh knows, and what a sidecar
 * does with a request for a host it does not know (meshConfig.outboundTrafficPolicy).
 * https://istio.io/latest/docs/reference/config/networking/service-entry/
 * https://istio.io/latest/docs/tasks/traffic-management/egress/egress-control/
 */
import type { ServiceEntry, ServiceEntryPort } from '../../../model/mesh.ts';
import type { ClusterModel, Pod } from '../../../model/types.ts';
import { cidrContains, parseCidr, parseIP } from '../../../lib/ip.ts';
import { hostCovers } from '../_hosts.ts';
import type { MeshDecision } from '../types.ts';

/**
 * Whether a ServiceEntry is visible to a namespace: `exportTo` empty or `*` (every namespace, the default of
 * meshConfig.defaultServiceExportTo), `.` (its own), a namespace name; `~` exports to none.
 * https://istio.io/latest/docs/reference/config/networking/service-entry/#ServiceEntry-export_to
 */
export function exportedTo(se: { namespace: string; exportTo: readonly string[] }, ns: string): boolean {
  if (!se.exportTo.length) return true;
  return se.exportTo.some((t) => t === '*' || t === ns || (t === '.' && se.namespace === ns));
}

const age = (se: ServiceEntry) => [se.creationTimestamp ?? '9999', se.namespace, se.name].join('/');

/** Does the entry declare `host` (a name, or an IP inside one of its `addresses`)? */
function declares(se: ServiceEntry, host: string): boolean {
  const ip = parseIP(host);
  if (ip)
    return se.addresses.some((a) => {
      const c = parseCidr(a.includes('/') ? a : `${a}/${a.includes(':') ? 128 : 32}`);
      return !!c && cidrContains(c, ip);
    });
  return se.hosts.some((h) => hostCovers(h, host));
}

export interface EntryMatch {
  readonly entry: ServiceEntry;
  /** The entry's port the request was sent to; undefined when it declares the host but not the port. */
  readonly port?: ServiceEntryPort;
  readonly notes: readonly string[];
}

/**
 * The ServiceEntry a client namespace's sidecar uses for a request host: among those exported to it that
 * declare the host (exactly, by wildcard, or an IP in `addresses`), an exact host before a wildcard, then
 * the oldest (noted: Istio merges entries of one host in ways kubetwin does not model).
 */
export function entryFor(
  entries: readonly ServiceEntry[],
  host: string,
  port: number,
  clientNs: string,
): EntryMatch | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  const found = entries
    .filter((se) => exportedTo(se, clientNs) && declares(se, h))
    .sort((a, b) => {
      const ea = a.hosts.includes(h) ? 0 : 1;
      const eb = b.hosts.includes(h) ? 0 : 1;
      return ea - eb || (age(a) < age(b) ? -1 : 1);
    });
  if (!found.length) return undefined;
  const [entry, ...others] = found;
  const notes = others.map(
    (o) => `${o.key} also declares ${h}; kubetwin takes ${entry.key} (an exact host, then the oldest)`,
  );
  return { entry, port: entry.ports.find((p) => p.number === port), notes };
}

export interface EntryEndpoints {
  readonly workloads: readonly string[];
  readonly endpoints: readonly string[];
  readonly problem?: string;
  readonly notes: readonly string[];
}

const owner = (p: Pod) => {
  if (!p.owner) return `${p.namespace}/${p.name}`;
  const parts = p.owner.split('/');
  return `${parts[1]}/${parts[2]}`;
};
const hostPort = (a: string, p: number) => `${a.includes(':') ? `[${a}]` : a}:${p}`;

/**
 * Where the sidecar sends a request for an entry's host and port, by its `resolution`: `NONE` the address the
 * application dialed (original destination); `STATIC` the `endpoints` addresses, or the ready pods the
 * `workloadSelector` picks in the entry's namespace; `DNS`/`DNS_ROUND_ROBIN` the endpoints' names, else the
 * host itself, resolved by the proxy. An endpoint's `ports[name]` overrides the port's `targetPort`, which
 * overrides `number`.
 */
export function entryEndpoints(
  model: ClusterModel,
  se: ServiceEntry,
  port: ServiceEntryPort,
  host: string,
): EntryEndpoints {
  const target = port.targetPort ?? port.number;
  const notes: string[] = [];
  if (se.location === 'MESH_EXTERNAL')
    notes.push(
      `${se.key} is MESH_EXTERNAL: the sidecar does not send mTLS to it (a DestinationRule tls setting can originate TLS); what the host answers is outside the model`,
    );
  else
    notes.push(
      `${se.key} is MESH_INTERNAL: its endpoints are taken as part of the mesh (auto mTLS where they run a sidecar)`,
    );
  if (se.workloadSelector) {
    const sel = se.workloadSelector;
    const picks = (labels: Readonly<Record<string, string>>) =>
      Object.entries(sel).every(([k, v]) => labels[k] === v);
    const pods = model.pods.filter((p) => p.namespace === se.namespace && p.ready && p.ip && picks(p.labels));
    // WorkloadEntries (VMs) of the entry's namespace are picked by the same labels; an entry's `ports[name]`
    // overrides the target port. One without an address is reached through its network's gateway (not modeled).
    const vms = (model.mesh?.workloadEntries ?? []).filter(
      (w) => w.namespace === se.namespace && picks(w.labels),
    );
    const vmEndpoints = vms.map((w) =>
      w.address
        ? hostPort(w.address, (port.name ? w.ports[port.name] : undefined) ?? target)
        : `${w.key} (no address: reached through its network's gateway, not modeled)`,
    );
    const endpoints = [...pods.map((p) => hostPort(p.ip!, target)), ...vmEndpoints].sort();
    return {
      workloads: [...new Set([...pods.map(owner), ...vms.map((w) => w.key)])].sort(),
      endpoints,
      notes,
      ...(endpoints.length
        ? {}
        : {
            problem: `${se.key} workloadSelector picks no ready pod and no WorkloadEntry in ${se.namespace} — requests get 503`,
          }),
    };
  }
  if (se.endpoints.length) {
    const endpoints = se.endpoints.map((e) =>
      hostPort(e.address, (port.name ? e.ports[port.name] : undefined) ?? target),
    );
    return { workloads: [], endpoints, notes };
  }
  if (se.resolution === 'STATIC')
    return {
      workloads: [],
      endpoints: [],
      notes,
      problem: `${se.key} has resolution STATIC but no endpoints — requests get 503`,
    };
  if (se.resolution === 'NONE')
    return {
      workloads: [],
      endpoints: [`original destination ${hostPort(host, target)}`],
      notes: [
        ...notes,
        'resolution NONE: the sidecar forwards to the address the application resolved and dialed',
      ],
    };
  return {
    workloads: [],
    endpoints: [hostPort(host, target)],
    notes: [...notes, `resolution ${se.resolution}: the sidecar resolves ${host} itself by DNS`],
  };
}

/**
 * Istio's Kubernetes registry adds to a Service the WorkloadEntries of its namespace that its selector picks
 * (istio/istio pilot/pkg/serviceregistry/kube/controller, `WorkloadInstanceHandler`; a WorkloadEntry without
 * labels is never picked): a sidecar may send such a Service's requests to a VM, which kubetwin does not model.
 * The decision becomes unknown, naming them.
 */
export function behindWorkloadEntries(model: ClusterModel, d: MeshDecision | string): MeshDecision | string {
  if (typeof d === 'string' || d.unknown) return d;
  const entries = model.mesh?.workloadEntries ?? [];
  if (!entries.length) return d;
  const named = new Set<string>();
  for (const x of d.destinations) {
    if (x.kind) continue;
    const svc = model.services.find((s) => s.namespace === x.namespace && s.name === x.name);
    const sel = svc?.selector;
    if (!sel || !Object.keys(sel).length) continue;
    for (const w of entries)
      if (
        w.namespace === x.namespace &&
        Object.keys(w.labels).length &&
        Object.entries(sel).every(([k, v]) => w.labels[k] === v)
      )
        named.add(`${w.key} (Service ${x.namespace}/${x.name})`);
  }
  if (!named.size) return d;
  return {
    ...d,
    unknown: `Istio adds to a Service the WorkloadEntries its selector picks in its namespace, and the sidecar may send requests to them; kubetwin does not model that: ${[...named].sort().join(', ')}`,
  };
}
