import type { ClusterModel, Service, ServicePort } from '../../model/types.ts';
import { nftProto, nftSet } from './_match.ts';
import type { LabNode, LabServicePort } from './types.ts';

interface Backend {
  readonly ip: string;
  readonly port: number;
  readonly node?: string;
}

/** Ready IPv4 endpoints of a Service port, from its EndpointSlices (port matched by name, as kube-proxy does). */
function backends(model: ClusterModel, svc: Service, sp: ServicePort): Backend[] {
  const out = new Map<string, Backend>();
  for (const slice of model.endpointSlices) {
    if (slice.namespace !== svc.namespace || slice.serviceName !== svc.name || slice.addressType !== 'IPv4')
      continue;
    const ep = slice.ports.find((p) => (p.name ?? '') === (sp.name ?? '') && p.protocol === sp.protocol);
    if (!ep?.port) continue;
    for (const e of slice.endpoints)
      if (e.conditions.ready)
        for (const ip of e.addresses) out.set(`${ip}:${ep.port}`, { ip, port: ep.port, node: e.nodeName });
  }
  return [...out.values()].sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1));
}

/** Every IPv4 ClusterIP Service port, with its ready endpoints, in model order. */
export function servicePorts(
  model: ClusterModel,
): (LabServicePort & { backends: Backend[]; svc: Service })[] {
  const out: (LabServicePort & { backends: Backend[]; svc: Service })[] = [];
  for (const svc of model.services) {
    const cip = svc.clusterIPs.find((ip) => ip.includes('.'));
    if (!cip || svc.type === 'ExternalName') continue;
    for (const sp of svc.ports) {
      if (sp.protocol === 'SCTP') continue;
      const b = backends(model, svc, sp);
      out.push({
        service: `${svc.namespace}/${svc.name}`,
        clusterIP: cip,
        port: sp.port,
        protocol: sp.protocol,
        nodePort: sp.nodePort,
        endpoints: b.map((x) => `${x.ip}:${x.port}`),
        backends: b,
        svc,
      });
    }
  }
  return out;
}

/**
 * The Service data path as kube-proxy's nftables mode programs it on each node (pkg/proxy/nftables): a `services`
 * chain at the dstnat hook looks `daddr . proto . dport` up in the `service-ips` verdict map (and the node's own
 * address in `service-nodeports`); each Service port chain picks a ready endpoint with `numgen random mod N`
 * (after the ClientIP affinity sets, when `sessionAffinity: ClientIP`), each endpoint chain DNATs; a Service port
 * without ready endpoints is rejected in the filter hook (`no-endpoint-services`); with `internalTrafficPolicy:
 * Local` ClusterIP traffic goes to this node's endpoints only (dropped when it has none); NodePort traffic with
 * `externalTrafficPolicy: Local` goes to this node's endpoints only (dropped when it has none); traffic from
 * outside the pod CIDR and hairpin traffic is masqueraded.
 * https://github.com/kubernetes/kubernetes/tree/master/pkg/proxy/nftables
 */
export function planServices(model: ClusterModel, node: LabNode, table: string): string {
  const ports = servicePorts(model);
  const podCIDR = model.profile.podCIDR.includes('.') ? model.profile.podCIDR : undefined;
  const chains: string[] = [];
  const serviceIps: string[] = [];
  const nodePorts: string[] = [];
  const noEndpoints: string[] = [];
  const noEndpointNodePorts: string[] = [];
  const sets: string[] = [];
  ports.forEach((sp, i) => {
    const proto = nftProto(sp.protocol);
    const base = `svc${i}-${proto}-${sp.port}`;
    if (!sp.backends.length) {
      noEndpoints.push(`${sp.clusterIP} . ${proto} . ${sp.port} : goto reject-chain`);
      if (sp.nodePort) noEndpointNodePorts.push(`${proto} . ${sp.nodePort} : goto reject-chain`);
      return;
    }
    serviceIps.push(`${sp.clusterIP} . ${proto} . ${sp.port} : goto ${base}`);
    const affinity = sp.svc.sessionAffinity === 'ClientIP';
    const timeout = sp.svc.sessionAffinityTimeoutSeconds ?? 10800;
    const epChains = sp.backends.map((b, k) => {
      const ep = `${base}-ep${k}`;
      const lines = [`  chain ${ep} {`, `    ip saddr ${b.ip} jump mark-for-masquerade`];
      if (affinity) {
        sets.push(
          `  set ${ep}-affinity {`,
          `    type ipv4_addr; flags dynamic,timeout; timeout ${timeout}s;`,
          '  }',
        );
        lines.push(`    update @${ep}-affinity { ip saddr }`);
      }
      lines.push(`    meta l4proto ${proto} dnat to ${b.ip}:${b.port}`, '  }');
      chains.push(...lines);
      return ep;
    });
    const pick = (eps: string[]) => [
      ...(affinity ? eps.map((ep) => `    ip saddr @${ep}-affinity goto ${ep}`) : []),
      `    numgen random mod ${eps.length} vmap { ${eps.map((ep, k) => `${k} : goto ${ep}`).join(', ')} }`,
    ];
    // internalTrafficPolicy Local: this node's endpoints only, dropped when it has none (KEP-2086).
    const internal =
      sp.svc.internalTrafficPolicy === 'Local'
        ? epChains.filter((_, k) => sp.backends[k].node === node.name)
        : epChains;
    chains.push(
      `  chain ${base} {`,
      `    # ${sp.service} ${sp.port}/${sp.protocol}`,
      ...(podCIDR ? [`    ip daddr ${sp.clusterIP} ip saddr != ${podCIDR} jump mark-for-masquerade`] : []),
      ...(internal.length ? pick(internal) : ['    counter drop']),
      '  }',
    );
    if (sp.nodePort && sp.svc.type !== 'ClusterIP') {
      const ext = `${base}-ext`;
      nodePorts.push(`${proto} . ${sp.nodePort} : goto ${ext}`);
      if (sp.svc.externalTrafficPolicy === 'Local') {
        const local = epChains.filter((_, k) => sp.backends[k].node === node.name);
        chains.push(`  chain ${ext} {`, ...(local.length ? pick(local) : ['    counter drop']), '  }');
      } else
        chains.push(
          `  chain ${ext} {`,
          '    jump mark-for-masquerade',
          ...(internal === epChains ? [`    goto ${base}`] : pick(epChains)),
          '  }',
        );
    }
  });
  const map = (name: string, type: string, elements: string[]) => [
    `  map ${name} {`,
    `    type ${type} : verdict;`,
    ...(elements.length ? [`    elements = { ${elements.join(',\n      ')} }`] : []),
    '  }',
  ];
  return [
    `table ip ${table} {`,
    ...map('service-ips', 'ipv4_addr . inet_proto . inet_service', serviceIps),
    ...map('service-nodeports', 'inet_proto . inet_service', nodePorts),
    ...map('no-endpoint-services', 'ipv4_addr . inet_proto . inet_service', noEndpoints),
    ...map('no-endpoint-nodeports', 'inet_proto . inet_service', noEndpointNodePorts),
    `  set nodeport-ips {`,
    `    type ipv4_addr;`,
    `    elements = ${nftSet([node.ip])}`,
    '  }',
    ...sets,
    '  chain filter-forward {',
    '    type filter hook forward priority -110; policy accept;',
    '    ct state new ip daddr . meta l4proto . th dport vmap @no-endpoint-services',
    '    ct state new ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports',
    '  }',
    '  chain filter-input {',
    '    type filter hook input priority -110; policy accept;',
    '    ct state new ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports',
    '  }',
    '  chain reject-chain {',
    '    counter reject',
    '  }',
    '  chain nat-prerouting {',
    '    type nat hook prerouting priority dstnat; policy accept;',
    '    jump services',
    '  }',
    '  chain nat-output {',
    '    type nat hook output priority -100; policy accept;',
    '    jump services',
    '  }',
    '  chain nat-postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    '    meta mark & 0x00004000 == 0x00000000 return',
    '    meta mark set meta mark ^ 0x00004000',
    '    masquerade fully-random',
    '  }',
    '  chain mark-for-masquerade {',
    '    meta mark set meta mark | 0x00004000',
    '  }',
    '  chain services {',
    '    ip daddr . meta l4proto . th dport vmap @service-ips',
    '    ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports',
    '  }',
    ...chains,
    '}',
    '',
  ].join('\n');
}
