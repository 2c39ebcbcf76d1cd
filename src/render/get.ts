import type { ClusterModel, EndpointSlice, Pod, Service } from '../model/types.ts';
import { formatLabels, formatSelector, selectorFromMap, type Selector } from '../lib/labels.ts';
import { ciliumLabels } from '../model/cilium-policy.ts';
import { renderTable } from './table.ts';
import { compileMesh } from '../analysis/mesh/index.ts';
import { renderRoutingGet, routingAliases, routingResources, type RoutingResource } from './get-routing.ts';

export const getResources = [
  'pods',
  'services',
  'endpointslices',
  'namespaces',
  'nodes',
  'networkpolicies',
  'ciliumnetworkpolicies',
  'workloads',
  ...routingResources,
  'all',
] as const;
export type GetResource = (typeof getResources)[number];

/** Short names kubectl accepts, mapped to kubetwin's resource names. */
export const resourceAliases: Readonly<Record<string, GetResource>> = {
  po: 'pods',
  pod: 'pods',
  svc: 'services',
  service: 'services',
  ep: 'endpointslices',
  endpointslice: 'endpointslices',
  ns: 'namespaces',
  namespace: 'namespaces',
  no: 'nodes',
  node: 'nodes',
  netpol: 'networkpolicies',
  networkpolicy: 'networkpolicies',
  cnp: 'ciliumnetworkpolicies',
  ciliumnetworkpolicy: 'ciliumnetworkpolicies',
  ccnp: 'ciliumnetworkpolicies',
  ciliumclusterwidenetworkpolicies: 'ciliumnetworkpolicies',
  workload: 'workloads',
  deploy: 'workloads',
  deployments: 'workloads',
  statefulsets: 'workloads',
  sts: 'workloads',
  daemonsets: 'workloads',
  ds: 'workloads',
  ...routingAliases,
};

export interface GetOptions {
  /** Only this namespace; undefined means all namespaces (`-A`). */
  readonly namespace?: string;
  readonly wide: boolean;
}

const none = '<none>';

type CoreResource = Exclude<GetResource, RoutingResource | 'all'>;

interface TableContext {
  readonly model: ClusterModel;
  readonly wide: boolean;
  /** The namespaced items of the namespace asked for (all with -A). */
  inNs<T extends { namespace: string }>(items: readonly T[]): readonly T[];
  /** A table with a NAMESPACE column first when every namespace is shown. */
  table(headers: string[], rows: string[][], items: readonly { namespace: string }[]): string;
}

/** One table per resource, each declaring its own columns (no switch on the kind). */
const tables: Readonly<Record<CoreResource, (c: TableContext) => string>> = {
  pods: (c) => {
    const pods = c.inNs(c.model.pods);
    // MESH (wide, with a mesh): the mesh whose proxy the pod runs, as the injector decides; istio-ambient for a
    // pod Istio's ztunnel captures instead (ambient mode, no sidecar).
    const mesh = c.wide && c.model.mesh?.name ? compileMesh(c.model) : undefined;
    const meshCell = (p: Pod) =>
      mesh!.sidecar(p).meshed ? mesh!.name! : mesh!.ambient(p) ? 'istio-ambient' : none;
    return c.table(
      [
        'NAME',
        'READY',
        'STATUS',
        'IP',
        'NODE',
        ...(c.wide ? ['PORTS', ...(mesh ? ['MESH'] : []), 'LABELS'] : []),
      ],
      pods.map((p) => {
        const row = podRow(p, c.wide);
        if (mesh) row.splice(row.length - 1, 0, meshCell(p));
        return row;
      }),
      pods,
    );
  },
  services: (c) => {
    const svcs = c.inNs(c.model.services);
    return c.table(
      ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', ...(c.wide ? ['ENDPOINTS', 'SELECTOR'] : [])],
      svcs.map((s) => serviceRow(s, c.model, c.wide)),
      svcs,
    );
  },
  endpointslices: (c) => {
    const slices = c.inNs(c.model.endpointSlices);
    return c.table(
      [
        'NAME',
        'ADDRESSTYPE',
        'PORTS',
        'ENDPOINTS',
        ...(c.wide ? ['SERVICE', 'NOT-READY', 'MANAGED-BY'] : []),
      ],
      slices.map((s) => sliceRow(s, c.wide)),
      slices,
    );
  },
  namespaces: (c) =>
    renderTable(
      ['NAME', 'STATUS', ...(c.wide ? ['LABELS', 'DECLARED'] : [])],
      c.model.namespaces.map((n) => [
        n.name,
        'Active',
        ...(c.wide ? [formatLabels(n.labels), n.implicit ? 'no (implicit)' : 'yes'] : []),
      ]),
    ),
  nodes: (c) =>
    renderTable(
      ['NAME', 'STATUS', 'INTERNAL-IP', 'ZONE', 'POD-CIDR', ...(c.wide ? ['PODS', 'LABELS'] : [])],
      c.model.nodes.map((n) => [
        n.name,
        n.unschedulable ? 'Ready,SchedulingDisabled' : 'Ready',
        n.internalIP ?? none,
        n.zone ?? none,
        (!n.podCIDRsAssumed && n.podCIDRs.join(',')) || none,
        ...(c.wide
          ? [String(c.model.pods.filter((p) => p.nodeName === n.name).length), formatLabels(n.labels)]
          : []),
      ]),
    ),
  networkpolicies: (c) => {
    const nps = c.inNs(c.model.networkPolicies);
    return c.table(
      ['NAME', 'POD-SELECTOR', ...(c.wide ? ['POLICY-TYPES', 'INGRESS-RULES', 'EGRESS-RULES'] : [])],
      nps.map((np) => [
        np.name,
        formatSelector(np.podSelector) || '<all pods>',
        ...(c.wide
          ? [
              np.policyTypes.join(',') + (np.policyTypesInferred ? ' (inferred)' : ''),
              String(np.ingress.length),
              String(np.egress.length),
            ]
          : []),
      ]),
      nps,
    );
  },
  // Both Cilium kinds in one table, as the policy engine reads them; a clusterwide one shows namespace <none>.
  ciliumnetworkpolicies: (c) => {
    const cps = (c.model.ciliumPolicies ?? []).map((p) => ({ ...p, namespace: p.namespace ?? none }));
    const shown = cps.filter((p) => p.namespace === none || c.inNs([p]).length);
    return c.table(
      ['NAME', 'KIND', 'ENDPOINT-SELECTOR', ...(c.wide ? ['INGRESS-RULES', 'EGRESS-RULES'] : [])],
      shown.map((p) => [
        p.name,
        p.kind,
        p.specs
          .map((s) => (s.endpointSelector ? ciliumSelector(s.endpointSelector) : 'nodeSelector'))
          .join('; '),
        ...(c.wide
          ? (['ingress', 'egress'] as const).map((d) =>
              String(p.specs.flatMap((s) => s.rules).filter((r) => r.section.startsWith(d)).length),
            )
          : []),
      ]),
      shown,
    );
  },
  workloads: (c) => {
    const wls = c.inNs(c.model.workloads);
    return c.table(
      ['NAME', 'KIND', 'REPLICAS', ...(c.wide ? ['REPLICAS-FROM', 'SELECTOR'] : [])],
      wls.map((w) => [
        w.name,
        w.kind,
        String(w.replicas),
        ...(c.wide ? [w.replicasFrom, w.selector ? formatSelector(w.selector) : none] : []),
      ]),
      wls,
    );
  },
};

/** A kubectl-like table of one resource kind (or all of them). Pure and deterministic. */
export function renderGet(model: ClusterModel, resource: GetResource, options: GetOptions): string {
  if (resource === 'all')
    return (
      [
        'namespaces',
        'nodes',
        'workloads',
        'pods',
        'services',
        'endpointslices',
        'networkpolicies',
        // Listed only when the input holds Cilium policies: an empty table would say nothing.
        ...(model.ciliumPolicies?.length ? (['ciliumnetworkpolicies'] as const) : []),
      ] as const
    )
      .map((r) => `# ${r}\n${renderGet(model, r, options)}`)
      .join('\n');
  if ((routingResources as readonly string[]).includes(resource))
    return renderRoutingGet(model, resource as RoutingResource, options);
  const all = options.namespace === undefined;
  return tables[resource as CoreResource]({
    model,
    wide: options.wide,
    inNs: (items) => (all ? items : items.filter((i) => i.namespace === options.namespace)),
    table: (headers, rows, items) =>
      all
        ? renderTable(
            ['NAMESPACE', ...headers],
            rows.map((r, i) => [items[i].namespace, ...r]),
          )
        : renderTable(headers, rows),
  });
}

/** A Cilium endpointSelector without the namespace requirement the builder adds to a namespaced policy. */
function ciliumSelector(sel: Selector): string {
  const own = sel.requirements.filter((r) => r.key !== ciliumLabels.namespace);
  return formatSelector({ ...sel, requirements: own }) || '<all pods>';
}

function podRow(p: Pod, wide: boolean): string[] {
  const n = p.containers.length;
  const status = p.terminating ? 'Terminating' : p.phase;
  const row = [p.name, `${p.ready ? n : 0}/${n}`, status, p.ip ?? none, p.nodeName ?? none];
  if (wide)
    row.push(
      p.ports.length
        ? p.ports.map((x) => `${x.name ? `${x.name}:` : ''}${x.containerPort}/${x.protocol}`).join(',')
        : none,
      formatLabels(p.labels),
    );
  return row;
}

function serviceRow(s: Service, model: ClusterModel, wide: boolean): string[] {
  const clusterIP = s.type === 'ExternalName' ? none : s.headless ? 'None' : s.clusterIPs.join(',');
  const external =
    s.type === 'ExternalName'
      ? (s.externalName ?? none)
      : s.loadBalancerIngress.length || s.externalIPs.length
        ? [...s.loadBalancerIngress, ...s.externalIPs].join(',')
        : s.type === 'LoadBalancer'
          ? // MetalLB gives one the input does not decide: not <pending>, which would say there is none.
            s.loadBalancerPending?.undetermined
            ? '<unknown>'
            : '<pending>'
          : none;
  const ports = s.ports.length
    ? s.ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol}`).join(',')
    : none;
  const row = [s.name, s.type, clusterIP, external, ports];
  if (wide) {
    const slices = model.endpointSlices.filter(
      (e) => e.namespace === s.namespace && e.serviceName === s.name,
    );
    row.push(endpointsSummary(slices), s.selector ? formatSelector(selectorFromMap(s.selector)) : none);
  }
  return row;
}

/** `addr:port,...` of ready endpoints, the first three and `+ N more...`, as `kubectl get endpoints` prints. */
function endpointsSummary(slices: readonly EndpointSlice[]): string {
  const all: string[] = [];
  for (const s of slices)
    for (const e of s.endpoints) {
      if (!e.conditions.ready) continue;
      for (const a of e.addresses) {
        if (!s.ports.length) all.push(a);
        for (const p of s.ports) all.push(`${a.includes(':') ? `[${a}]` : a}:${p.port}`);
      }
    }
  if (!all.length) return none;
  return all.length > 3 ? `${all.slice(0, 3).join(',')} + ${all.length - 3} more...` : all.join(',');
}

function sliceRow(s: EndpointSlice, wide: boolean): string[] {
  const ports = s.ports.length ? s.ports.map((p) => String(p.port ?? '<unset>')).join(',') : none;
  const addrs = s.endpoints.flatMap((e) => e.addresses);
  const eps = !addrs.length
    ? none
    : addrs.length > 3
      ? `${addrs.slice(0, 3).join(',')} + ${addrs.length - 3} more...`
      : addrs.join(',');
  const row = [s.name, s.addressType, ports, eps];
  if (wide)
    row.push(
      s.serviceName || none,
      String(s.endpoints.filter((e) => !e.conditions.ready).length),
      s.managedBy,
    );
  return row;
}
