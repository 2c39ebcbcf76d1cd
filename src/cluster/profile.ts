import type { Diagnostic } from '../model/diagnostic.ts';
import {
  cidrList,
  defaultProfile,
  nonEnforcingCNIs,
  type Profile,
  type ProfileNode,
} from '../model/profile.ts';
import { parseCidr, parseIP } from '../lib/ip.ts';
import { formatPath, type RawObject } from '../parse/index.ts';
import { ReadTrackingFieldReader } from './_read-paths.ts';
import { linkerdDefaultPolicies } from '../model/mesh.ts';

export const profileApiVersion = 'kubetwin.dev/v1alpha1';
export const profileKind = 'ClusterProfile';

/** Is this raw object a kubetwin cluster profile rather than a Kubernetes object? */
export function isProfileObject(raw: RawObject): boolean {
  return (
    raw.body.kind === profileKind &&
    typeof raw.body.apiVersion === 'string' &&
    raw.body.apiVersion.startsWith('kubetwin.dev/')
  );
}

/**
 * Reads a `ClusterProfile` over the defaults; every field is optional. Invalid values are reported and the
 * default is kept for them, so a typo never silently changes the cluster.
 */
export function readProfile(raw: RawObject | undefined): { profile: Profile; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  if (!raw) return { profile: defaultProfile, diagnostics };
  const f = new ReadTrackingFieldReader(raw, 'ClusterProfile', (d) =>
    diagnostics.push({ ...d, code: d.code === 'invalid-field-type' ? 'invalid-profile' : d.code }),
  );
  const bad = (path: (string | number)[], message: string) =>
    f.report(
      'invalid-profile',
      'error',
      path,
      message,
      'Fix the profile; the value inferred from the input, or the default, is used meanwhile.',
    );
  const cidr = (key: 'podCIDR' | 'serviceCIDR') => {
    const v = f.str([key]);
    if (v === undefined) return defaultProfile[key];
    if (!validCidrList(v)) {
      bad(
        [key],
        `${key} "${v}" must be a CIDR, or an IPv4 and an IPv6 CIDR separated by a comma (dual-stack)`,
      );
      return defaultProfile[key];
    }
    return v;
  };
  const podCIDR = cidr('podCIDR');
  const serviceCIDR = cidr('serviceCIDR');
  let dnsServiceIP = f.str(['dnsServiceIP']) ?? defaultProfile.dnsServiceIP;
  if (!parseIP(dnsServiceIP)) {
    bad(['dnsServiceIP'], `dnsServiceIP "${dnsServiceIP}" is not an IP address`);
    dnsServiceIP = defaultProfile.dnsServiceIP;
  }
  const clusterDomain = (f.str(['clusterDomain']) ?? defaultProfile.clusterDomain).replace(/\.$/, '');
  const nodes: ProfileNode[] = [];
  f.list(['nodes']).forEach((_, i) => {
    const name = f.str(['nodes', i, 'name']);
    const internalIP = f.str(['nodes', i, 'internalIP']);
    const podCIDR = f.str(['nodes', i, 'podCIDR']);
    const zone = f.str(['nodes', i, 'zone']);
    const labels = f.stringMap(['nodes', i, 'labels']);
    if (!name) return bad(['nodes', i], `nodes[${i}] has no name`);
    if (!internalIP || !parseIP(internalIP))
      return bad(['nodes', i, 'internalIP'], `nodes[${i}].internalIP is missing or not an IP address`);
    if (podCIDR !== undefined && !validCidrList(podCIDR))
      return bad(
        ['nodes', i, 'podCIDR'],
        `nodes[${i}].podCIDR "${podCIDR}" is not a CIDR (or a dual-stack pair)`,
      );
    nodes.push({
      name,
      internalIP,
      podCIDR,
      zone,
      labels,
    });
  });
  const cniName = f.str(['cni', 'name']) ?? defaultProfile.cni.name;
  const enforces = f.bool(['cni', 'enforcesNetworkPolicy']) ?? !nonEnforcingCNIs.includes(cniName);
  const mode = f.str(['kubeProxy', 'mode']) ?? 'iptables';
  if (!['iptables', 'ipvs', 'nftables'].includes(mode))
    bad(['kubeProxy', 'mode'], `kubeProxy.mode "${mode}" must be iptables, ipvs or nftables`);
  const externalHosts: Record<string, string[]> = {};
  const hosts = f.map(['externalHosts']) ?? {};
  for (const host of Object.keys(hosts).sort()) {
    const ips = f
      .list(['externalHosts', host])
      .map((_, i) => f.str(['externalHosts', host, i]))
      .filter((x): x is string => !!x);
    externalHosts[host.toLowerCase().replace(/\.$/, '')] = ips;
  }
  const profile: Profile = {
    podCIDR,
    serviceCIDR,
    clusterDomain,
    dnsServiceIP,
    nodes: nodes.length ? nodes : defaultProfile.nodes,
    cni: {
      name: cniName,
      enforcesNetworkPolicy: enforces,
      ...(f.str(['cni', 'cluster']) !== undefined ? { cluster: f.str(['cni', 'cluster']) } : {}),
    },
    kubeProxy: {
      mode: (['iptables', 'ipvs', 'nftables'].includes(mode)
        ? mode
        : 'iptables') as Profile['kubeProxy']['mode'],
      ipvsScheduler: f.str(['kubeProxy', 'ipvsScheduler']),
    },
    maxPodsPerNode: f.int(['maxPodsPerNode']) ?? defaultProfile.maxPodsPerNode,
    nodeCIDRMaskSize: f.int(['nodeCIDRMaskSize']) ?? defaultProfile.nodeCIDRMaskSize,
    nodeCIDRMaskSizeIPv6: f.int(['nodeCIDRMaskSizeIPv6']) ?? defaultProfile.nodeCIDRMaskSizeIPv6,
    nodePortRange: {
      min: f.int(['nodePortRange', 'min']) ?? defaultProfile.nodePortRange.min,
      max: f.int(['nodePortRange', 'max']) ?? defaultProfile.nodePortRange.max,
    },
    externalHosts,
    loadBalancers: f.stringMap(['loadBalancers']),
    ...resolverLibc(f.str(['resolverLibc']), bad),
    ...nodeSearchDomains(
      f.get(['nodeSearchDomains']) === undefined
        ? undefined
        : f.list(['nodeSearchDomains']).map((_, i) => f.str(['nodeSearchDomains', i])),
      bad,
    ),
    ...ingressControllers(f.stringMap(['ingressControllers']), bad),
    ...mesh(f.str(['mesh', 'name']), bad, f.str(['mesh', 'rootNamespace']), {
      outboundTrafficPolicy: f.str(['mesh', 'outboundTrafficPolicy']),
      defaultInboundPolicy: f.str(['mesh', 'defaultInboundPolicy']),
      clusterNetworks:
        f.get(['mesh', 'clusterNetworks']) === undefined
          ? undefined
          : f.list(['mesh', 'clusterNetworks']).map((_, i) => f.str(['mesh', 'clusterNetworks', i]) ?? ''),
    }),
    source: raw.source,
  };
  reportUnread(f);
  return { profile, diagnostics };
}

/** One CIDR, or one of each family (dual-stack), as kube-controller-manager accepts them. */
function validCidrList(text: string): boolean {
  const cidrs = cidrList(text).map(parseCidr);
  if (cidrs.length < 1 || cidrs.length > 2 || cidrs.some((c) => !c)) return false;
  return cidrs.length === 1 || cidrs[0]!.family !== cidrs[1]!.family;
}

/** `resolverLibc: glibc | musl`, absent when not set. */
function resolverLibc(
  value: string | undefined,
  bad: (path: (string | number)[], message: string) => unknown,
): { resolverLibc?: 'glibc' | 'musl' } {
  if (value === undefined) return {};
  if (value === 'glibc' || value === 'musl') return { resolverLibc: value };
  bad(['resolverLibc'], `resolverLibc "${value}" must be glibc or musl`);
  return {};
}

/**
 * `nodeSearchDomains: [domain, …]`, absent when not set. Each must be a DNS subdomain, as the API server requires of
 * a pod's `dnsConfig.searches` (a trailing dot allowed); an invalid one is left out.
 * https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-dns-config
 */
function nodeSearchDomains(
  values: readonly (string | undefined)[] | undefined,
  bad: (path: (string | number)[], message: string) => unknown,
): Pick<Profile, 'nodeSearchDomains'> {
  if (values === undefined) return {};
  const out: string[] = [];
  values.forEach((v, i) => {
    const domain = v?.replace(/\.$/, '').toLowerCase();
    if (domain && dnsSubdomain.test(domain) && domain.length <= 253) out.push(domain);
    else
      bad(
        ['nodeSearchDomains', i],
        `nodeSearchDomains[${i}] ${JSON.stringify(v ?? null)} is not a DNS domain (lower-case labels of letters, digits and '-', separated by dots)`,
      );
  });
  return { nodeSearchDomains: out };
}

const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const controllerProfiles = ['spec', 'ingress-nginx', 'traefik', 'alb'] as const;

/** `ingressControllers: {<IngressClass name>: spec | ingress-nginx | traefik | alb}`, absent when not set. */
function ingressControllers(
  map: Record<string, string>,
  bad: (path: (string | number)[], message: string) => unknown,
): Pick<Profile, 'ingressControllers'> {
  const out: Record<string, (typeof controllerProfiles)[number]> = {};
  for (const [cls, v] of Object.entries(map)) {
    if ((controllerProfiles as readonly string[]).includes(v))
      out[cls] = v as (typeof controllerProfiles)[number];
    else
      bad(
        ['ingressControllers', cls],
        `ingressControllers.${cls} "${v}" must be spec, ingress-nginx or traefik`,
      );
  }
  return Object.keys(out).length ? { ingressControllers: out } : {};
}

/**
 * `mesh: {name: istio | linkerd, rootNamespace?, defaultInboundPolicy?, clusterNetworks?}`, absent when not
 * set. The Linkerd values are checked as `linkerd install` checks them (a known policy name, CIDRs).
 */
function mesh(
  value: string | undefined,
  bad: (path: (string | number)[], message: string) => unknown,
  rootNamespace?: string,
  linkerd: { defaultInboundPolicy?: string; clusterNetworks?: string[]; outboundTrafficPolicy?: string } = {},
): Pick<Profile, 'mesh'> {
  if (value === undefined) return {};
  const { defaultInboundPolicy, clusterNetworks, outboundTrafficPolicy } = linkerd;
  if (
    outboundTrafficPolicy !== undefined &&
    !['ALLOW_ANY', 'REGISTRY_ONLY'].includes(outboundTrafficPolicy)
  ) {
    bad(
      ['mesh', 'outboundTrafficPolicy'],
      `mesh.outboundTrafficPolicy "${outboundTrafficPolicy}" must be ALLOW_ANY or REGISTRY_ONLY (Istio's meshConfig.outboundTrafficPolicy.mode)`,
    );
    return mesh(value, bad, rootNamespace, { defaultInboundPolicy, clusterNetworks });
  }
  if (
    defaultInboundPolicy !== undefined &&
    !(linkerdDefaultPolicies as readonly string[]).includes(defaultInboundPolicy)
  ) {
    bad(
      ['mesh', 'defaultInboundPolicy'],
      `mesh.defaultInboundPolicy "${defaultInboundPolicy}" must be one of ${linkerdDefaultPolicies.join(', ')}`,
    );
    return mesh(value, bad, rootNamespace, { clusterNetworks, outboundTrafficPolicy });
  }
  const badNet = clusterNetworks?.findIndex((c) => !parseCidr(c)) ?? -1;
  if (badNet >= 0) {
    bad(
      ['mesh', 'clusterNetworks', badNet],
      `mesh.clusterNetworks "${clusterNetworks![badNet]}" is not a CIDR`,
    );
    return mesh(value, bad, rootNamespace, { defaultInboundPolicy, outboundTrafficPolicy });
  }
  if (value === 'istio' || value === 'linkerd')
    return {
      mesh: {
        name: value,
        ...(rootNamespace ? { rootNamespace } : {}),
        ...(outboundTrafficPolicy
          ? { outboundTrafficPolicy: outboundTrafficPolicy as 'ALLOW_ANY' | 'REGISTRY_ONLY' }
          : {}),
        ...(defaultInboundPolicy ? { defaultInboundPolicy } : {}),
        ...(clusterNetworks ? { clusterNetworks } : {}),
      },
    };
  bad(['mesh', 'name'], `mesh.name "${value}" must be istio or linkerd`);
  return {};
}

/**
 * A field the profile reader never reads (a typo such as `ServiceCIDR` or `cni.enforceNetworkPolicy`) is said at
 * its line, with the field it resembles, never ignored in silence: the reader is the profile's schema.
 */
function reportUnread(f: ReadTrackingFieldReader): void {
  for (const { path, near } of f.unread(['apiVersion', 'kind', 'metadata'])) {
    const name = formatPath(path);
    f.report(
      'invalid-profile',
      'warning',
      path,
      `${name} is not a ClusterProfile field${near ? ` (did you mean ${near}?)` : ''}; it is ignored`,
      `Use one of the fields docs/profile.md lists${near ? `: ${near}` : ''}.`,
    );
  }
}
