import type { Diagnostic } from '../model/diagnostic.ts';
import type { Node } from '../model/types.ts';
import type { Profile } from '../model/profile.ts';
import { objectKey } from '../model/keys.ts';
import { cidrsOverlap, parseCidr, parseIP, subnet, type Cidr } from '../lib/ip.ts';
import type { Envelope } from './_envelope.ts';

const zoneLabel = 'topology.kubernetes.io/zone';

/**
 * Nodes from Node objects when the manifests have any, else the profile's nodes. A node without
 * `spec.podCIDR` gets the next free range of the pod CIDR, as kube-controller-manager's range allocator does
 * (`--node-cidr-mask-size`). kubelet's well-known labels are added when missing.
 * https://kubernetes.io/docs/reference/labels-annotations-taints/
 */
export function buildNodes(envs: readonly Envelope[], profile: Profile, sink: (d: Diagnostic) => void): Node[] {
  const declared = envs.filter((e) => e.kind === 'Node');
  const drafts = declared.length
    ? declared.map((env) => fromObject(env, sink))
    : profile.nodes.map((n) => ({
        key: objectKey('Node', undefined, n.name),
        name: n.name,
        labels: withWellKnownLabels(n.name, { ...(n.labels ?? {}), ...(n.zone ? { [zoneLabel]: n.zone } : {}) }),
        annotations: {},
        zone: n.zone,
        internalIP: n.internalIP,
        podCIDR: n.podCIDR,
        unschedulable: false,
        fromProfile: true,
        source: profile.source,
      }));
  drafts.sort((a, b) => (a.name < b.name ? -1 : 1));
  const podCidr = parseCidr(profile.podCIDR) as Cidr;
  const taken = drafts.map((n) => (n.podCIDR ? parseCidr(n.podCIDR) : undefined)).filter((c): c is Cidr => !!c);
  let next = 0;
  return drafts.map((n) => {
    if (n.podCIDR) return n;
    for (;;) {
      const candidate = subnet(podCidr, profile.nodeCIDRMaskSize, next++);
      if (!candidate) {
        sink({ code: 'pod-cidr-exhausted', severity: 'error', message: `no free /${profile.nodeCIDRMaskSize} left in pod CIDR ${profile.podCIDR} for node ${n.name}; its pods get no IP`, source: n.source, object: n.key, hint: 'Widen podCIDR or shrink nodeCIDRMaskSize in the profile.' });
        return n;
      }
      if (taken.some((t) => cidrsOverlap(t, candidate))) continue;
      taken.push(candidate);
      return { ...n, podCIDR: candidate.text };
    }
  });
}

function withWellKnownLabels(name: string, labels: Record<string, string>): Record<string, string> {
  return { 'kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...labels };
}

function fromObject(env: Envelope, sink: (d: Diagnostic) => void): Node {
  const f = env.f;
  const addresses = f.list(['status', 'addresses']);
  let internalIP: string | undefined;
  addresses.forEach((_, i) => {
    if (f.str(['status', 'addresses', i, 'type']) === 'InternalIP' && !internalIP) internalIP = f.str(['status', 'addresses', i, 'address']);
  });
  if (internalIP && !parseIP(internalIP)) {
    f.report('invalid-ip', 'error', ['status', 'addresses'], `InternalIP "${internalIP}" is not an IP address`);
    internalIP = undefined;
  }
  if (!internalIP)
    sink({ code: 'node-without-ip', severity: 'warning', message: `node ${env.name} has no InternalIP in status.addresses; its hostNetwork pods get no IP`, source: env.raw.source, object: env.key, hint: 'Add status.addresses with type InternalIP.' });
  let podCIDR = f.str(['spec', 'podCIDR']);
  if (podCIDR && !parseCidr(podCIDR)) {
    f.report('invalid-cidr', 'error', ['spec', 'podCIDR'], `spec.podCIDR "${podCIDR}" is not a CIDR`);
    podCIDR = undefined;
  }
  const labels = withWellKnownLabels(env.name, env.labels);
  return {
    key: env.key,
    name: env.name,
    labels,
    annotations: env.annotations,
    zone: labels[zoneLabel] ?? labels['failure-domain.beta.kubernetes.io/zone'],
    internalIP,
    podCIDR,
    unschedulable: f.bool(['spec', 'unschedulable']) ?? false,
    fromProfile: false,
    source: env.raw.source,
  };
}
