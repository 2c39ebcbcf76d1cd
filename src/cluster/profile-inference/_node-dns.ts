import type { RawObject } from '../../parse/index.ts';
import { asString, at, firstSources, isKind, nameOf, type Inferred } from './_observed.ts';

/**
 * The nodes' own DNS search domains, read from where the cloud put the Node (`spec.providerID`), as each cloud's
 * DHCP lease gives them to its VMs — the list kubelet's `--resolv-conf` reads and appends to ClusterFirst pods'
 * search list (kubelet `generateSearchesForDNSClusterFirst`, pkg/kubelet/network/dns/dns.go).
 *
 * - Compute Engine (GKE), `gce://PROJECT/ZONE/NAME`: `ZONE.c.PROJECT.internal c.PROJECT.internal google.internal`,
 *   zonal DNS, the default of every project that enabled Compute Engine after 2018-09-06; a project on global DNS
 *   has only the last two. https://cloud.google.com/compute/docs/internal-dns
 * - EC2 (EKS), `aws:///ZONE/INSTANCE`: the VPC's default DHCP option set, `ec2.internal` in us-east-1 and
 *   `REGION.compute.internal` elsewhere; a custom DHCP option set names its own domain.
 *   https://docs.aws.amazon.com/vpc/latest/userguide/DHCPOptionSetConcepts.html
 *
 * Other providers (Azure's search domain is a per-VNet generated name) and Nodes without a providerID give no
 * inference, and neither do Nodes whose providers give different lists.
 */
export function inferNodeSearchDomains(objects: readonly RawObject[]): Inferred<string[]> | undefined {
  const nodes = objects.filter((o) => isKind(o, 'Node', '') && nameOf(o));
  const lists = new Map<string, { domains: string[]; rule: string; note: string }>();
  const sources: RawObject[] = [];
  for (const n of nodes) {
    const found = fromProviderID(asString(at(n.body, 'spec', 'providerID')));
    if (!found) continue;
    lists.set(found.domains.join(' '), found);
    sources.push(n);
  }
  if (lists.size !== 1) return undefined;
  const [only] = lists.values();
  return {
    value: only!.domains,
    sources: firstSources(sources),
    rule: `${only!.rule} of ${sources.length} Node(s) (spec.providerID)`,
    note: only!.note,
    exact: false,
  };
}

const gce = /^gce:\/\/([^/]+)\/([^/]+)\/[^/]+$/;
const aws = /^aws:\/\/[^/]*\/(([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)[^/]*)\/[^/]+$/;

function fromProviderID(
  id: string | undefined,
): { domains: string[]; rule: string; note: string } | undefined {
  const g = id ? gce.exec(id) : null;
  if (g) {
    const [, project, zone] = g;
    return {
      domains: [`${zone}.c.${project}.internal`, `c.${project}.internal`, 'google.internal'],
      rule: `the Compute Engine zonal internal DNS domains of project ${project}, zone ${zone}`,
      note: `a project on global internal DNS has only c.${project}.internal and google.internal`,
    };
  }
  const a = id ? aws.exec(id) : null;
  if (a) {
    const region = a[2]!;
    return {
      domains: [region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`],
      rule: `the default DHCP option set's domain of EC2 region ${region}`,
      note: "a VPC with a custom DHCP option set gives that set's domain-name instead",
    };
  }
  return undefined;
}
