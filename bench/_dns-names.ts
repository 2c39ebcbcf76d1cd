/**
 * The DNS benchmark's cluster and query list: a realistic generated cluster, and `n` queries over distinct names —
 * Service A records, SRV records of named ports, endpoint names under ClusterIP Services and pod A records — of
 * which 10% name Services that do not exist (NXDOMAIN).
 */
import { generateCluster, prng } from './generate.ts';
import { buildCluster } from '../src/cluster/index.ts';
import { createDns, type Dns } from '../src/analysis/dns/index.ts';

export interface DnsBenchCluster {
  readonly dns: Dns;
  readonly pods: number;
  readonly services: number;
  readonly queries: readonly { name: string; type: string }[];
}

const dashed = (ip: string) => ip.replaceAll('.', '-');

export function dnsBenchCluster(names: number, seed = 7): DnsBenchCluster {
  const { objects, profile } = generateCluster({ family: 'realistic', pods: names, seed });
  let { model } = buildCluster(objects, { profile });
  objects.length = 0;
  const zone = model.profile.clusterDomain;
  const existing: { name: string; type: string }[] = [];
  for (const s of model.services) {
    existing.push({ name: `${s.name}.${s.namespace}.svc.${zone}`, type: 'A' });
    for (const p of s.ports)
      if (p.name)
        existing.push({
          name: `_${p.name}._${p.protocol.toLowerCase()}.${s.name}.${s.namespace}.svc.${zone}`,
          type: 'SRV',
        });
  }
  for (const sl of model.endpointSlices)
    for (const e of sl.endpoints)
      if (e.conditions.ready)
        existing.push({
          name: `${dashed(e.addresses[0])}.${sl.serviceName}.${sl.namespace}.svc.${zone}`,
          type: 'A',
        });
  for (const p of model.pods)
    if (p.ip && !p.hostNetwork)
      existing.push({ name: `${dashed(p.ip)}.${p.namespace}.pod.${zone}`, type: 'A' });
  const rand = prng(seed);
  for (let i = existing.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [existing[i], existing[j]] = [existing[j], existing[i]];
  }
  const nx = Math.round(names * 0.1);
  const namespaces = model.namespaces.map((n) => n.name);
  const queries = existing.slice(0, names - nx);
  for (let i = 0; i < nx; i++)
    queries.push({ name: `missing-${i}.${namespaces[i % namespaces.length]}.svc.${zone}`, type: 'A' });
  for (let i = queries.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [queries[i], queries[j]] = [queries[j], queries[i]];
  }
  const pods = model.pods.length;
  const services = model.services.length;
  const dns = createDns(model);
  model = undefined as never; // only the DNS index stays reachable
  return { dns, pods, services, queries };
}
