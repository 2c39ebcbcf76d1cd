import type { Diagnostic } from '../model/diagnostic.ts';
import type { Node } from '../model/types.ts';
import { cidrList, type Profile } from '../model/profile.ts';
import { usesDefaultNodes } from './_default-nodes.ts';
import { nodesOfPods } from './_observed-nodes.ts';
import { objectKey } from '../model/keys.ts';
import { cidrsOverlap, parseCidr, parseIP, subnet, type Cidr } from '../lib/ip.ts';
import type { Envelope } from './_envelope.ts';
import { isObserved } from './profile-inference/index.ts';

const zoneLabel = 'topology.kubernetes.io/zone';
const regionLabel = 'topology.kubernetes.io/region';

type Draft = Omit<Node, 'podCIDR' | 'podCIDRs'> & {
  podCIDRs: string[];
  /** A Node read back from a cluster that states no range: the one kubetwin hands it is an assumption. */
  readonly observedWithoutRange?: boolean;
};

/**
 * Nodes from Node objects when the manifests have any, else the profile's nodes. A node without a pod range of
 * some family of the cluster's pod CIDRs gets the next free one, as kube-controller-manager's range allocator
 * does (`--node-cidr-mask-size`, `--node-cidr-mask-size-ipv6` for dual-stack). A Node read back from a cluster
 * (uid, resourceVersion) whose spec states none is in a cluster that allocates no node ranges (kube-controller-
 * manager without `--allocate-node-cidrs`; the CNI's own IPAM, as Calico's or the AWS VPC CNI's): the range it
 * gets only gives hand-written pods an address, and is marked `podCIDRsAssumed` so no output shows it as the
 * node's. kubelet's well-known labels are
 * added when missing.
 * https://kubernetes.io/docs/reference/labels-annotations-taints/
 * https://kubernetes.io/docs/concepts/services-networking/dual-stack/
 */
export function buildNodes(
  envs: readonly Envelope[],
  profile: Profile,
  sink: (d: Diagnostic) => void,
): Node[] {
  const declared = envs.filter((e) => e.kind === 'Node');
  const observed = nodesOfPods(
    envs,
    declared.map((e) => e.name),
    profile,
  );
  // Nodes the pods were observed on are the cluster's: the default profile's stand-ins are not added beside them
  // (those the pods name themselves stay, with their addresses).
  const hostIPOf = new Map(observed.map((n) => [n.name, n.hostIP]));
  const standIns = usesDefaultNodes(profile);
  const elsewhere = observed.some((n) => !profile.nodes.some((p) => p.name === n.name));
  const profileNodes = (
    elsewhere && standIns ? profile.nodes.filter((n) => hostIPOf.has(n.name)) : profile.nodes
  ).map((n) => (standIns && hostIPOf.get(n.name) ? { ...n, internalIP: hostIPOf.get(n.name) as string } : n));
  const drafts: Draft[] = declared.length
    ? declared.map((env) => fromObject(env, sink))
    : profileNodes.map((n) => ({
        key: objectKey('Node', undefined, n.name),
        name: n.name,
        labels: withWellKnownLabels(n.name, {
          ...(n.labels ?? {}),
          ...(n.zone ? { [zoneLabel]: n.zone } : {}),
        }),
        annotations: {},
        zone: n.zone,
        internalIP: n.internalIP,
        podCIDRs: n.podCIDR ? cidrList(n.podCIDR) : [],
        unschedulable: false,
        fromProfile: true,
        source: profile.source,
      }));
  const named = new Set(drafts.map((d) => d.name));
  for (const seen of observed) {
    if (named.has(seen.name)) continue;
    sink({
      code: 'node-from-pods',
      severity: 'info',
      message: `node ${seen.name} is not in the input; kubetwin adds it as its pods describe it (InternalIP ${seen.hostIP ?? 'unknown'} from status.hostIP${seen.podCIDR ? `, pod range ${seen.podCIDR} around its pods' IPs` : ''})`,
      source: seen.source,
      object: objectKey('Node', undefined, seen.name),
      hint: 'Add the Node objects to the input (kubectl get nodes -o yaml) for its labels, addresses and pod range.',
    });
    drafts.push({
      key: objectKey('Node', undefined, seen.name),
      name: seen.name,
      labels: withWellKnownLabels(seen.name, {}),
      annotations: {},
      internalIP: seen.hostIP,
      podCIDRs: seen.podCIDR ? [seen.podCIDR] : [],
      unschedulable: false,
      fromProfile: false,
      source: seen.source,
    });
  }
  drafts.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const clusterCidr of cidrList(profile.podCIDR).map((t) => parseCidr(t) as Cidr)) {
    const mask = clusterCidr.family === 4 ? profile.nodeCIDRMaskSize : profile.nodeCIDRMaskSizeIPv6;
    // Only ranges the input states can overlap a candidate: the candidates are the /mask subnets of the cluster
    // range in index order, so the ones handed out before this node's are disjoint from it (checking them too
    // made the allocation quadratic in nodes: 1.1M BigInt comparisons at 1,515 nodes).
    const stated = drafts
      .flatMap((n) => n.podCIDRs.map(parseCidr))
      .filter((c): c is Cidr => !!c && c.family === clusterCidr.family);
    let next = 0;
    for (const n of drafts) {
      if (n.podCIDRs.some((t) => parseCidr(t)?.family === clusterCidr.family)) continue;
      for (;;) {
        const candidate = subnet(clusterCidr, mask, next++);
        if (!candidate) {
          sink({
            code: 'pod-cidr-exhausted',
            severity: 'error',
            message: `no free /${mask} left in pod CIDR ${clusterCidr.text} for node ${n.name}; its pods get no IPv${clusterCidr.family} address`,
            source: n.source,
            object: n.key,
            hint: 'Widen podCIDR or shrink the node CIDR mask size in the profile.',
          });
          break;
        }
        if (stated.some((t) => cidrsOverlap(t, candidate))) continue;
        n.podCIDRs.push(candidate.text);
        break;
      }
    }
  }
  const primaryFamily = parseCidr(cidrList(profile.podCIDR)[0])?.family;
  return drafts.map(({ observedWithoutRange, ...n }) => {
    const podCIDRs = [...n.podCIDRs].sort(
      (a, b) =>
        (parseCidr(a)?.family === primaryFamily ? -1 : 0) - (parseCidr(b)?.family === primaryFamily ? -1 : 0),
    );
    return {
      ...n,
      podCIDRs,
      ...(podCIDRs[0] ? { podCIDR: podCIDRs[0] } : {}),
      ...(observedWithoutRange && podCIDRs.length ? { podCIDRsAssumed: true } : {}),
    };
  });
}

/**
 * The labels kubelet sets on its Node (and the cloud provider's zone and region), under the node's own labels:
 * `kubernetes.io/{os,arch,hostname}`, their deprecated `beta.kubernetes.io/{os,arch}` forms that older manifests
 * still select on, and `topology.kubernetes.io/region` when the zone is named the way the clouds name theirs
 * (`eu-central-1a` in `eu-central-1`, `us-central1-b` in `us-central1`).
 * https://kubernetes.io/docs/reference/labels-annotations-taints/
 */
function withWellKnownLabels(name: string, labels: Record<string, string>): Record<string, string> {
  const zone = labels[zoneLabel];
  const region = zone ? regionOf(zone) : undefined;
  return {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    ...(region ? { [regionLabel]: region } : {}),
    ...labels,
  };
}

/** The region of a cloud zone name (AWS `eu-central-1a`, GCP `us-central1-b`), or undefined. */
export function regionOf(zone: string): string | undefined {
  return (
    /^([a-z]{2}(?:-gov)?-[a-z]+-\d+)[a-z]$/.exec(zone)?.[1] ?? /^([a-z]+-[a-z]+\d+)-[a-z]$/.exec(zone)?.[1]
  );
}

function fromObject(env: Envelope, sink: (d: Diagnostic) => void): Draft {
  const f = env.f;
  const addresses = f.list(['status', 'addresses']);
  let internalIP: string | undefined;
  addresses.forEach((_, i) => {
    if (f.str(['status', 'addresses', i, 'type']) === 'InternalIP' && !internalIP)
      internalIP = f.str(['status', 'addresses', i, 'address']);
  });
  if (internalIP && !parseIP(internalIP)) {
    f.report(
      'invalid-ip',
      'error',
      ['status', 'addresses'],
      `InternalIP "${internalIP}" is not an IP address`,
    );
    internalIP = undefined;
  }
  if (!internalIP)
    sink({
      code: 'node-without-ip',
      severity: 'warning',
      message: `node ${env.name} has no InternalIP in status.addresses; its hostNetwork pods get no IP`,
      source: env.raw.source,
      object: env.key,
      hint: 'Add status.addresses with type InternalIP.',
    });
  const listed = f.list(['spec', 'podCIDRs']).map((_, i) => f.str(['spec', 'podCIDRs', i]) ?? '');
  const single = f.str(['spec', 'podCIDR']);
  const podCIDRs: string[] = [];
  for (const [i, text] of (listed.length ? listed : single ? [single] : []).entries()) {
    if (parseCidr(text)) podCIDRs.push(text);
    else
      f.report(
        'invalid-cidr',
        'error',
        listed.length ? ['spec', 'podCIDRs', i] : ['spec', 'podCIDR'],
        `pod CIDR "${text}" is not a CIDR`,
      );
  }
  const labels = withWellKnownLabels(env.name, env.labels);
  return {
    key: env.key,
    name: env.name,
    labels,
    annotations: env.annotations,
    zone: labels[zoneLabel] ?? labels['failure-domain.beta.kubernetes.io/zone'],
    internalIP,
    podCIDRs,
    unschedulable: f.bool(['spec', 'unschedulable']) ?? false,
    fromProfile: false,
    source: env.raw.source,
    ...(!podCIDRs.length && isObserved(env.raw) ? { observedWithoutRange: true } : {}),
  };
}
