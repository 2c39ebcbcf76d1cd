import { defaultProfile } from '../../model/profile.ts';
import { parseCidr, parseIP, type Cidr, type IP } from '../../lib/ip.ts';
import type { RawObject } from '../../parse/index.ts';
import {
  asList,
  asString,
  at,
  coveringCidr,
  findObject,
  firstSources,
  isKind,
  isObserved,
  nameOf,
  parseIPs,
  type Inferred,
} from './_observed.ts';

type Family = 4 | 6;

/**
 * The primary IP family: that of the `default/kubernetes` Service's ClusterIP (kube-apiserver gives it the
 * first address of its primary service range), else the family most Services list first, else IPv4.
 * https://kubernetes.io/docs/concepts/services-networking/dual-stack/
 */
export function primaryFamily(objects: readonly RawObject[]): Family {
  const apiService = findObject(objects, 'Service', 'default', 'kubernetes');
  const own = parseIP(asString(at(apiService?.body, 'spec', 'clusterIP')) ?? '');
  if (own) return own.family;
  let v4 = 0;
  let v6 = 0;
  for (const o of objects.filter((o) => isKind(o, 'Service', ''))) {
    const first = asString(at(o.body, 'spec', 'ipFamilies', 0));
    if (first === 'IPv4') v4++;
    if (first === 'IPv6') v6++;
  }
  return v6 > v4 ? 6 : 4;
}

const byFamily = <T extends { family: Family }>(items: readonly T[]) => ({
  4: items.filter((i) => i.family === 4),
  6: items.filter((i) => i.family === 6),
});
const ordered = (primary: Family): Family[] => (primary === 4 ? [4, 6] : [6, 4]);

export interface PodRanges {
  readonly podCIDR?: Inferred<string>;
  readonly nodeCIDRMaskSize?: Inferred<number>;
  readonly nodeCIDRMaskSizeIPv6?: Inferred<number>;
}

/**
 * The cluster's pod CIDR (kube-controller-manager `--cluster-cidr`), which no object states: the smallest
 * prefix covering the Nodes' `spec.podCIDRs`, widened so one node range per Node fits; without node ranges,
 * the smallest prefix covering the observed pod IPs, widened so 256 node ranges fit. The node mask sizes
 * (`--node-cidr-mask-size`, `-ipv6`) are read from the node ranges when they all agree.
 * https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/
 */
export function inferPodRanges(objects: readonly RawObject[], primary: Family): PodRanges {
  const nodes = objects.filter((o) => isKind(o, 'Node', ''));
  const withRanges = nodes.filter((n) => nodeRanges(n).length);
  if (withRanges.length) {
    const blocks = byFamily(withRanges.flatMap(nodeRanges));
    const spare = Math.ceil(Math.log2(Math.max(1, nodes.length)));
    const out: { podCIDR?: Inferred<string>; masks: Partial<Record<Family, Inferred<number>>> } = {
      masks: {},
    };
    const cidrs: string[] = [];
    for (const family of ordered(primary)) {
      const list = blocks[family];
      if (!list.length) continue;
      const masks = [...new Set(list.map((c) => c.prefix))];
      const mask = Math.max(...masks);
      if (masks.length === 1)
        out.masks[family] = {
          value: mask,
          sources: firstSources(withRanges),
          rule: `the /${mask} of every Node's spec.podCIDRs`,
          exact: true,
        };
      const cover = coveringCidr(list, mask - spare);
      if (cover) cidrs.push(cover.text);
    }
    return {
      podCIDR: {
        value: cidrs.join(','),
        sources: firstSources(withRanges),
        rule: `smallest prefix covering the spec.podCIDRs of ${withRanges.length} Node(s), with room for a range per Node`,
        note: "kube-controller-manager's --cluster-cidr may be wider; no object states it",
        exact: false,
      },
      nodeCIDRMaskSize: out.masks[4],
      nodeCIDRMaskSizeIPv6: out.masks[6],
    };
  }
  const pods = objects.filter(
    (o) => isKind(o, 'Pod', '') && isObserved(o) && at(o.body, 'spec', 'hostNetwork') !== true,
  );
  const ips = byFamily(pods.flatMap(podIPs));
  const cidrs: string[] = [];
  for (const family of ordered(primary)) {
    const mask = family === 4 ? defaultProfile.nodeCIDRMaskSize : defaultProfile.nodeCIDRMaskSizeIPv6;
    const cover = coveringCidr(ips[family], mask - 8);
    if (cover) cidrs.push(cover.text);
  }
  if (!cidrs.length) return {};
  const withIPs = pods.filter((p) => podIPs(p).length);
  return {
    podCIDR: {
      value: cidrs.join(','),
      sources: firstSources(withIPs),
      rule: `smallest prefix covering the status.podIPs of ${withIPs.length} Pod(s), widened to hold 256 node ranges`,
      note: "no Node states its spec.podCIDRs; kube-controller-manager's --cluster-cidr may be wider (or the CNI may allocate from pools of its own)",
      exact: false,
    },
  };
}

function nodeRanges(node: RawObject): Cidr[] {
  const listed = asList(at(node.body, 'spec', 'podCIDRs'));
  const texts = listed.length ? listed : [at(node.body, 'spec', 'podCIDR')];
  return texts.map((t) => (typeof t === 'string' ? parseCidr(t) : undefined)).filter((c): c is Cidr => !!c);
}

function podIPs(pod: RawObject): IP[] {
  const listed = asList(at(pod.body, 'status', 'podIPs')).map((e) => at(e, 'ip'));
  return parseIPs(listed.length ? listed : [at(pod.body, 'status', 'podIP')]);
}

/**
 * The service CIDR (kube-apiserver `--service-cluster-ip-range`): the default `ServiceCIDR` object named
 * `kubernetes` (created from that flag) or else the first one; without any, the flag itself where the control
 * plane's pods are in the input (`fromFlag`); else the smallest prefix covering the
 * ClusterIPs of observed Services, at least a /24 (IPv4, the size of kube-apiserver's own built-in default
 * 10.0.0.0/24) or a /112 (IPv6). Dual-stack when Services hold addresses of both families (`ipFamilies`).
 * https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/service-cidr-v1/
 * https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
 */
export function inferServiceCIDR(
  objects: readonly RawObject[],
  primary: Family,
  fromFlag?: Inferred<string>,
): Inferred<string> | undefined {
  const serviceCIDRs = objects
    .filter((o) => isKind(o, 'ServiceCIDR', 'networking.k8s.io'))
    .sort((a, b) => (nameOf(a) === 'kubernetes' ? -1 : nameOf(b) === 'kubernetes' ? 1 : 0));
  const chosen = serviceCIDRs.find((o) =>
    asList(at(o.body, 'spec', 'cidrs')).some((c) => typeof c === 'string' && parseCidr(c)),
  );
  if (chosen) {
    const cidrs = asList(at(chosen.body, 'spec', 'cidrs')).filter(
      (c): c is string => typeof c === 'string' && !!parseCidr(c),
    );
    const others = serviceCIDRs.filter((o) => o !== chosen).map(nameOf);
    return {
      value: cidrs.slice(0, 2).join(','),
      sources: [chosen.source],
      rule: `ServiceCIDR ${nameOf(chosen)} spec.cidrs`,
      note: others.length
        ? `ServiceCIDR ${others.join(', ')} add${others.length === 1 ? 's' : ''} ranges kubetwin does not model (one range per family)`
        : undefined,
      exact: true,
    };
  }
  if (fromFlag) return fromFlag;
  const services = objects.filter((o) => isKind(o, 'Service', '') && isObserved(o));
  const ips = byFamily(services.flatMap(clusterIPs));
  const cidrs: string[] = [];
  for (const family of ordered(primary)) {
    const cover = coveringCidr(ips[family], family === 4 ? 24 : 112);
    if (cover) cidrs.push(cover.text);
  }
  if (!cidrs.length) return undefined;
  const withIPs = services.filter((s) => clusterIPs(s).length);
  const asked = new Set(services.flatMap((s) => asList(at(s.body, 'spec', 'ipFamilies'))));
  const missing = (['IPv4', 'IPv6'] as const).filter(
    (f) => asked.has(f) && !ips[f === 'IPv4' ? 4 : 6].length,
  );
  return {
    value: cidrs.join(','),
    sources: firstSources(withIPs),
    rule: `smallest prefix covering the ClusterIPs of ${withIPs.length} observed Service(s), at least a /24 (IPv4) or /112 (IPv6)`,
    note:
      "no ServiceCIDR object states kube-apiserver's --service-cluster-ip-range; the real range may be wider" +
      (missing.length ? `; Services ask for ${missing.join(', ')} but no such ClusterIP is observed` : ''),
    exact: false,
  };
}

function clusterIPs(svc: RawObject): IP[] {
  const listed = asList(at(svc.body, 'spec', 'clusterIPs'));
  return parseIPs(listed.length ? listed : [at(svc.body, 'spec', 'clusterIP')]);
}
