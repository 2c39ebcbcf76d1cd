import type { ClusterModel } from '../model/types.ts';
import type { Diagnostic } from '../model/diagnostic.ts';
import { renderTable } from './table.ts';
import { summarizeDiagnostics } from './diagnostics.ts';

/** Analyses the report will grow into, and are not built yet; printed so nobody mistakes silence for a pass. */
export const notBuiltYet = [
  'declared flows, trace and doctor findings',
];

/** The interim main job: what the cluster holds, per namespace, and what the input problems are. */
export function renderInventory(model: ClusterModel, diagnostics: readonly Diagnostic[]): string {
  const p = model.profile;
  const lines: string[] = [];
  lines.push('kubetwin report — cluster inventory', '');
  lines.push(
    `Profile: pods ${p.podCIDR}, services ${p.serviceCIDR}, domain ${p.clusterDomain}, DNS ${p.dnsServiceIP}, CNI ${p.cni.name} (${p.cni.enforcesNetworkPolicy ? 'enforces' : 'does NOT enforce'} NetworkPolicy), kube-proxy ${p.kubeProxy.mode}`,
  );
  lines.push(
    `Nodes: ${model.nodes.map((n) => `${n.name} ${n.internalIP ?? '<no ip>'} ${n.zone ?? ''} ${n.podCIDR ?? ''}`.trim()).join('; ')}`,
    '',
  );
  const rows = model.namespaces.map((ns) => {
    const inNs = <T extends { namespace: string }>(xs: readonly T[]) =>
      xs.filter((x) => x.namespace === ns.name);
    const pods = inNs(model.pods);
    const policies = inNs(model.networkPolicies);
    const isolation =
      policies.length === 0
        ? 'none'
        : policies.some((np) => np.podSelector.requirements.length === 0 && !np.podSelector.nothing)
          ? 'namespace-wide policy'
          : 'some pods';
    return [
      ns.name + (ns.implicit ? ' (implicit)' : ''),
      String(inNs(model.workloads).length),
      `${pods.filter((x) => x.ready).length}/${pods.length}`,
      String(inNs(model.services).length),
      String(policies.length),
      isolation,
    ];
  });
  lines.push(
    renderTable(
      ['NAMESPACE', 'WORKLOADS', 'PODS READY', 'SERVICES', 'NETWORKPOLICIES', 'POLICY COVERAGE'],
      rows,
    ).trimEnd(),
    '',
  );
  const svcs = model.services.filter(
    (s) => !['kube-system', 'default'].includes(s.namespace) || s.name !== 'kubernetes',
  );
  lines.push(
    renderTable(
      ['SERVICE', 'TYPE', 'CLUSTER-IP', 'PORTS', 'READY ENDPOINTS'],
      svcs.map((s) => {
        const eps = model.endpointSlices
          .filter((e) => e.namespace === s.namespace && e.serviceName === s.name)
          .flatMap((e) => e.endpoints);
        return [
          `${s.namespace}/${s.name}`,
          s.type,
          s.headless ? 'None' : s.clusterIPs.join(',') || '<none>',
          s.ports.map((x) => `${x.port}/${x.protocol}`).join(',') || '<none>',
          `${eps.filter((e) => e.conditions.ready).length}/${eps.length}`,
        ];
      }),
    ).trimEnd(),
    '',
  );
  lines.push(
    `Others kept for later analyses: ${model.others.length ? [...new Set(model.others.map((o) => o.kind))].sort().join(', ') : 'none'}`,
  );
  lines.push(`Input diagnostics: ${summarizeDiagnostics(diagnostics)} (printed on stderr)`, '');
  lines.push('Not built yet (kubetwin says so rather than guess):', ...notBuiltYet.map((n) => `  - ${n}`));
  return lines.join('\n') + '\n';
}
