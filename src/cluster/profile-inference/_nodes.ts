import type { ProfileNode } from '../../model/profile.ts';
import { parseCidr, parseIP } from '../../lib/ip.ts';
import type { RawObject } from '../../parse/index.ts';
import {
  asList,
  asRecord,
  asString,
  at,
  firstSources,
  isKind,
  labelsOf,
  nameOf,
  type Inferred,
} from './_observed.ts';

const zoneLabels = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];

/**
 * The nodes as the Node objects describe them: name, zone (`topology.kubernetes.io/zone`, or its deprecated
 * beta form), the first `InternalIP` of `status.addresses`, `spec.podCIDRs` and labels. A Node without an
 * InternalIP cannot be a profile node and is named in the note (the builder still reads the Node itself).
 * https://kubernetes.io/docs/reference/labels-annotations-taints/#topologykubernetesiozone
 */
export function inferNodes(objects: readonly RawObject[]): Inferred<ProfileNode[]> | undefined {
  const nodes = objects.filter((o) => isKind(o, 'Node', '') && nameOf(o));
  if (!nodes.length) return undefined;
  const out: ProfileNode[] = [];
  const without: string[] = [];
  for (const n of nodes) {
    const address = asList(at(n.body, 'status', 'addresses')).find((a) => at(a, 'type') === 'InternalIP');
    const internalIP = asString(at(address, 'address'));
    if (!internalIP || !parseIP(internalIP)) {
      without.push(nameOf(n)!);
      continue;
    }
    const labels = labelsOf(n);
    const zone = zoneLabels.map((k) => labels[k]).find(Boolean);
    const listed = asList(at(n.body, 'spec', 'podCIDRs'));
    const ranges = (listed.length ? listed : [at(n.body, 'spec', 'podCIDR')]).filter(
      (c): c is string => typeof c === 'string' && !!parseCidr(c),
    );
    out.push({
      name: nameOf(n)!,
      ...(zone ? { zone } : {}),
      internalIP,
      ...(ranges.length ? { podCIDR: ranges.join(',') } : {}),
      ...(Object.keys(labels).length ? { labels } : {}),
    });
  }
  if (!out.length) return undefined;
  out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const zones = new Set(out.map((n) => n.zone).filter(Boolean));
  return {
    value: out,
    sources: firstSources(nodes),
    rule: `${out.length} Node object(s) in ${zones.size} zone(s)`,
    note: without.length
      ? `Node ${without.join(', ')} ha${without.length === 1 ? 's' : 've'} no InternalIP and is left out of the profile`
      : undefined,
    exact: true,
  };
}

/**
 * kubelet `--max-pods` from the Nodes' `status.allocatable.pods` (the smallest, when they differ).
 * https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/
 */
export function inferMaxPods(objects: readonly RawObject[]): Inferred<number> | undefined {
  const nodes = objects.filter((o) => isKind(o, 'Node', ''));
  const counts = nodes
    .map((n) => ({ n, pods: Number(asRecord(at(n.body, 'status', 'allocatable'))?.pods) }))
    .filter((c) => Number.isInteger(c.pods) && c.pods > 0);
  if (!counts.length) return undefined;
  const min = Math.min(...counts.map((c) => c.pods));
  const distinct = new Set(counts.map((c) => c.pods));
  return {
    value: min,
    sources: firstSources(counts.filter((c) => c.pods === min).map((c) => c.n)),
    rule: `status.allocatable.pods of ${counts.length} Node(s)`,
    note:
      distinct.size > 1
        ? `Nodes allow ${[...distinct].sort((a, b) => a - b).join(', ')} pods; the profile holds one number, the smallest`
        : undefined,
    exact: true,
  };
}
