import type { Diagnostic } from '../model/diagnostic.ts';
import type { Node } from '../model/types.ts';
import { cidrList, type Profile } from '../model/profile.ts';
import { objectKey } from '../model/keys.ts';
import { cidrsOverlap, parseCidr, parseIP, subnet, type Cidr } from '../lib/ip.ts';
import type { Envelope } from './_envelope.ts';

const zoneLabel = 'topology.kubernetes.io/zone';

type Draft = Omit<Node, 'podCIDR' | 'podCIDRs'> & { podCIDRs: string[] };

/**
 * Nodes from Node objects when the manifests have any, else the profile's nodes. A node without a pod range of
 * some family of the cluster's pod CIDRs gets the next free one, as kube-controller-manager's range allocator
 * does (`--node-cidr-mask-size`, `--node-cidr-mask-size-ipv6` for dual-stack). kubelet's well-known labels are
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
  const drafts: Draft[] = declared.length
    ? declared.map((env) => fromObject(env, sink))
    : profile.nodes.map((n) => ({
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
  drafts.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const clusterCidr of cidrList(profile.podCIDR).map((t) => parseCidr(t) as Cidr)) {
    const mask = clusterCidr.family === 4 ? profile.nodeCIDRMaskSize : profile.nodeCIDRMaskSizeIPv6;
    const taken = drafts
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
        if (taken.some((t) => cidrsOverlap(t, candidate))) continue;
        taken.push(candidate);
        n.podCIDRs.push(candidate.text);
        break;
      }
    }
  }
  const primaryFamily = parseCidr(cidrList(profile.podCIDR)[0])?.family;
  return drafts.map((n) => {
    const podCIDRs = [...n.podCIDRs].sort(
      (a, b) =>
        (parseCidr(a)?.family === primaryFamily ? -1 : 0) - (parseCidr(b)?.family === primaryFamily ? -1 : 0),
    );
    return { ...n, podCIDRs, ...(podCIDRs[0] ? { podCIDR: podCIDRs[0] } : {}) };
  });
}

function withWellKnownLabels(name: string, labels: Record<string, string>): Record<string, string> {
  return {
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    ...labels,
  };
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
  };
}
