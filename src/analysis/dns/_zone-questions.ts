/**
 * The questions the cluster zone has answers for, listed from the index: each Service's name (A, and AAAA where it
 * has an IPv6 address), the `_port._proto` SRV name of each named port, each ready endpoint's name, each pod's
 * dashed-address name and the reverse name of each Service and endpoint address. A server compiles its answers
 * to these ahead of time (src/servers/dns-server/_answer-table.ts). The list only decides what is compiled, never what is
 * answered: every answer still comes from `answer()`, so a name listed wrongly is merely compiled as a denial and
 * dropped, and a name missed is answered on demand.
 * https://github.com/kubernetes/dns/blob/master/docs/specification.md (§2.3–§2.5, the record names)
 */
import type { ClusterModel } from '../../model/types.ts';
import type { DnsData } from './index.ts';
import { endpointName } from './_records.ts';
import { dashedIP, isReverse, reverseName } from './_names.ts';
import type { DnsQuestion } from './types.ts';

const addressTypes = (ips: Iterable<string>): string[] => {
  const types = new Set<string>();
  for (const ip of ips) types.add(ip.includes(':') ? 'AAAA' : 'A');
  return [...types].sort();
};

export function* zoneQuestions(data: DnsData, pods: ClusterModel['pods']): Generator<DnsQuestion> {
  const { index, config } = data;
  for (const server of config.servers) {
    const k = server.kubernetes;
    if (!k) continue;
    const reverse = k.zones.some(isReverse);
    for (const zone of k.zones.filter((z) => !isReverse(z))) {
      for (const { service: s, endpoints } of index.services.values()) {
        const name = `${s.name}.${s.namespace}.svc.${zone}`;
        const ips = s.headless ? endpoints.map((e) => e.ip) : s.clusterIPs;
        for (const type of s.type === 'ExternalName' ? ['A', 'AAAA'] : addressTypes(ips))
          yield { name, type };
        for (const p of s.ports)
          if (p.name) yield { name: `_${p.name}._${p.protocol.toLowerCase()}.${name}`, type: 'SRV' };
        for (const e of endpoints)
          yield {
            name: `${endpointName(e, k.endpointPodNames)}.${name}`,
            type: e.ip.includes(':') ? 'AAAA' : 'A',
          };
      }
      if (k.pods !== 'disabled')
        for (const p of pods)
          for (const ip of p.ips)
            yield {
              name: `${dashedIP(ip)}.${p.namespace}.pod.${zone}`,
              type: ip.includes(':') ? 'AAAA' : 'A',
            };
    }
    if (reverse)
      for (const ip of [...index.serviceByIP.keys(), ...index.endpointsByIP.keys()]) {
        const name = reverseName(ip);
        if (name) yield { name, type: 'PTR' };
      }
  }
}
