import type { ClusterModel, EndpointSlice, Pod, Service } from '../model/types.ts';
import { formatLabels, formatSelector, selectorFromMap } from '../lib/labels.ts';
import { renderTable } from './table.ts';
import { renderRoutingGet, routingAliases, routingResources, type RoutingResource } from './get-routing.ts';

export const getResources = [
  'pods',
  'services',
  'endpointslices',
  'namespaces',
  'nodes',
  'networkpolicies',
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

/** A kubectl-like table of one resource kind (or all of them). Pure and deterministic. */
export function renderGet(model: ClusterModel, resource: GetResource, options: GetOptions): string {
  if (resource === 'all')
    return (
      ['namespaces', 'nodes', 'workloads', 'pods', 'services', 'endpointslices', 'networkpolicies'] as const
    )
      .map((r) => `# ${r}\n${renderGet(model, r, options)}`)
      .join('\n');
  const inNs = <T extends { namespace: string }>(items: readonly T[]) =>
    options.namespace === undefined ? items : items.filter((i) => i.namespace === options.namespace);
  const nsCol = options.namespace === undefined;
  const withNs = (headers: string[], rows: string[][], items: readonly { namespace: string }[]) =>
    nsCol
      ? renderTable(
          ['NAMESPACE', ...headers],
          rows.map((r, i) => [items[i].namespace, ...r]),
        )
      : renderTable(headers, rows);
  if ((routingResources as readonly string[]).includes(resource))
    return renderRoutingGet(model, resource as RoutingResource, options);
  switch (resource as Exclude<GetResource, RoutingResource | 'all'>) {
    case 'pods': {
      const pods = inNs(model.pods);
      const headers = ['NAME', 'READY', 'STATUS', 'IP', 'NODE', ...(options.wide ? ['PORTS', 'LABELS'] : [])];
      return withNs(
        headers,
        pods.map((p) => podRow(p, options.wide)),
        pods,
      );
    }
    case 'services': {
      const svcs = inNs(model.services);
      const headers = [
        'NAME',
        'TYPE',
        'CLUSTER-IP',
        'EXTERNAL-IP',
        'PORT(S)',
        ...(options.wide ? ['ENDPOINTS', 'SELECTOR'] : []),
      ];
      return withNs(
        headers,
        svcs.map((s) => serviceRow(s, model, options.wide)),
        svcs,
      );
    }
    case 'endpointslices': {
      const slices = inNs(model.endpointSlices);
      const headers = [
        'NAME',
        'ADDRESSTYPE',
        'PORTS',
        'ENDPOINTS',
        ...(options.wide ? ['SERVICE', 'NOT-READY', 'MANAGED-BY'] : []),
      ];
      return withNs(
        headers,
        slices.map((s) => sliceRow(s, options.wide)),
        slices,
      );
    }
    case 'namespaces':
      return renderTable(
        ['NAME', 'STATUS', ...(options.wide ? ['LABELS', 'DECLARED'] : [])],
        model.namespaces.map((n) => [
          n.name,
          'Active',
          ...(options.wide ? [formatLabels(n.labels), n.implicit ? 'no (implicit)' : 'yes'] : []),
        ]),
      );
    case 'nodes':
      return renderTable(
        ['NAME', 'STATUS', 'INTERNAL-IP', 'ZONE', 'POD-CIDR', ...(options.wide ? ['PODS', 'LABELS'] : [])],
        model.nodes.map((n) => [
          n.name,
          n.unschedulable ? 'Ready,SchedulingDisabled' : 'Ready',
          n.internalIP ?? none,
          n.zone ?? none,
          n.podCIDRs.join(',') || none,
          ...(options.wide
            ? [String(model.pods.filter((p) => p.nodeName === n.name).length), formatLabels(n.labels)]
            : []),
        ]),
      );
    case 'networkpolicies': {
      const nps = inNs(model.networkPolicies);
      const headers = [
        'NAME',
        'POD-SELECTOR',
        ...(options.wide ? ['POLICY-TYPES', 'INGRESS-RULES', 'EGRESS-RULES'] : []),
      ];
      return withNs(
        headers,
        nps.map((np) => [
          np.name,
          formatSelector(np.podSelector) || '<all pods>',
          ...(options.wide
            ? [
                np.policyTypes.join(',') + (np.policyTypesInferred ? ' (inferred)' : ''),
                String(np.ingress.length),
                String(np.egress.length),
              ]
            : []),
        ]),
        nps,
      );
    }
    case 'workloads': {
      const wls = inNs(model.workloads);
      const headers = ['NAME', 'KIND', 'REPLICAS', ...(options.wide ? ['REPLICAS-FROM', 'SELECTOR'] : [])];
      return withNs(
        headers,
        wls.map((w) => [
          w.name,
          w.kind,
          String(w.replicas),
          ...(options.wide ? [w.replicasFrom, w.selector ? formatSelector(w.selector) : none] : []),
        ]),
        wls,
      );
    }
  }
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
          ? '<pending>'
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
