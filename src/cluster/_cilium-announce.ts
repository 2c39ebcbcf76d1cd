/**
 * Who answers, outside the cluster, for an address Cilium's LB IPAM gave a LoadBalancer Service. LB IPAM only
 * allocates: "other features are responsible for load balancing and/or advertisement of these IPs"
 * (https://docs.cilium.io/en/stable/network/lb-ipam/) — L2 announcements or the BGP control plane. Without one,
 * no node answers ARP for the address and nothing routes it: a client outside cannot reach it.
 *
 * L2 announcements (https://docs.cilium.io/en/stable/network/l2-announcements/, cilium/cilium
 * pkg/l2announcer/l2announcer.go), read here:
 * - the agent runs them only with `enable-l2-announcements: "true"` in its `cilium-config` (Helm
 *   `l2announcements.enabled`, off by default);
 * - a `CiliumL2AnnouncementPolicy` selects the Service when its `serviceSelector` (absent: every Service) matches the
 *   Service's labels plus `io.kubernetes.service.namespace` / `io.kubernetes.service.name`, and the Service's
 *   `loadBalancerClass` is unset or `io.cilium/l2-announcer`; it announces `status.loadBalancer.ingress` IPs only
 *   with `loadBalancerIPs: true` (both IP kinds default to false);
 * - every agent whose node the policy's `nodeSelector` (absent: every node) matches takes part in a leader election
 *   per Service (Lease `cilium-l2announce-<namespace>-<name>` in the agent's namespace): one of them — whichever
 *   claims the lease first — answers ARP and load-balances. The input does not say which: the candidates are named.
 * - ARP only: the documentation states no IPv6/NDP support; `externalTrafficPolicy: Local` is "incompatible" (the
 *   leader may hold no endpoint, and traffic drops).
 * BGP (`CiliumBGPPeeringPolicy`, `CiliumBGPClusterConfig`, `CiliumBGPAdvertisement`, `CiliumBGPPeerConfig`, or
 * `enable-bgp-control-plane: "true"`) is not modeled: a Service L2 does not announce is then unknown.
 * Pure: data in, data out.
 */
import { inAddressRange, parseCidr, parseIP } from '../lib/ip.ts';
import { formatSelector, matches, type Selector } from '../lib/labels.ts';
import type { LoadBalancerAnnouncement, Node, Service } from '../model/types.ts';
import type { Envelope } from './_envelope.ts';
import { readSelector } from './_selectors.ts';
import { isRecord } from '../lib/record.ts';

/** The BGP control plane's kinds (v1 peering policy, v2 cluster config and its parts). */
const BGP_KINDS = new Set([
  'CiliumBGPPeeringPolicy',
  'CiliumBGPClusterConfig',
  'CiliumBGPAdvertisement',
  'CiliumBGPPeerConfig',
  'CiliumBGPNodeConfigOverride',
]);
const L2_CLASS = 'io.cilium/l2-announcer';
const LB_IPAM_CLASSES = new Set([L2_CLASS, 'io.cilium/bgp-control-plane']);
/** The values Go's strconv.ParseBool reads as true. */
const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

interface L2Policy {
  readonly name: string;
  readonly serviceSelector?: Selector;
  readonly nodeSelector?: Selector;
  readonly loadBalancerIPs: boolean;
}

function readL2Policy(env: Envelope): L2Policy | undefined {
  const { f } = env;
  const serviceSelector = f.map(['spec', 'serviceSelector'])
    ? readSelector(f, ['spec', 'serviceSelector'])
    : undefined;
  const nodeSelector = f.map(['spec', 'nodeSelector'])
    ? readSelector(f, ['spec', 'nodeSelector'])
    : undefined;
  // Read so the catalogue knows them; which devices they match is the node's, not in the input.
  f.list(['spec', 'interfaces']);
  f.bool(['spec', 'externalIPs']);
  if (f.invalid) return undefined;
  return {
    name: env.name,
    ...(serviceSelector ? { serviceSelector } : {}),
    ...(nodeSelector ? { nodeSelector } : {}),
    loadBalancerIPs: f.bool(['spec', 'loadBalancerIPs']) ?? false,
  };
}

/** The address ranges of the input's LB IPAM pools (invalid blocks are reported where the pools are read). */
function poolRanges(envs: readonly Envelope[]): string[] {
  const out: string[] = [];
  for (const env of envs) {
    if (env.group !== 'cilium.io' || env.kind !== 'CiliumLoadBalancerIPPool') continue;
    for (const field of ['blocks', 'cidrs'])
      env.f.list(['spec', field]).forEach((_, i) => {
        const cidr = env.f.str(['spec', field, i, 'cidr']);
        const start = env.f.str(['spec', field, i, 'start']);
        const stop = env.f.str(['spec', field, i, 'stop']) ?? start;
        if (cidr !== undefined && parseCidr(cidr)) out.push(cidr);
        else if (start && stop && parseIP(start) && parseIP(stop)) out.push(`${start}-${stop}`);
      });
  }
  return out;
}

/** The agent's switches for the two announcers, from a `cilium-config` ConfigMap; undefined: not in the input. */
function readAgent(envs: readonly Envelope[]): { l2: boolean; bgp: boolean; text: string } | undefined {
  const cm = envs.find((e) => e.kind === 'ConfigMap' && e.name === 'cilium-config');
  if (!cm) return undefined;
  // Read as the ConfigMap data every analysis reads (raw strings, not typed fields).
  const body = cm.raw.body;
  const data = isRecord(body) ? body['data'] : undefined;
  const on = (key: string) => {
    const v = isRecord(data) ? data[key] : undefined;
    return typeof v === 'string' && TRUE.has(v.trim());
  };
  return {
    l2: on('enable-l2-announcements'),
    bgp: on('enable-bgp-control-plane'),
    text: `ConfigMap ${cm.namespace}/${cm.name}`,
  };
}

/**
 * The Services with the announcement of their LB IPAM addresses applied (`loadBalancerAnnouncement`), when the CNI
 * is Cilium and the input holds an LB IPAM pool; others unchanged.
 */
export function withCiliumAnnouncements(
  envs: readonly Envelope[],
  services: readonly Service[],
  nodes: readonly Node[],
): Service[] {
  const ranges = poolRanges(envs);
  if (!ranges.length) return [...services];
  const envOf = new Map(envs.filter((e) => e.kind === 'Service').map((e) => [e.key, e]));
  const policies = envs
    .filter((e) => e.group === 'cilium.io' && e.kind === 'CiliumL2AnnouncementPolicy')
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map(readL2Policy)
    .filter((p): p is L2Policy => !!p);
  const bgpObjects = [
    ...new Set(envs.filter((e) => e.group === 'cilium.io' && BGP_KINDS.has(e.kind)).map((e) => e.kind)),
  ].sort();
  const agent = readAgent(envs);
  return services.map((s) => {
    if (s.type !== 'LoadBalancer') return s;
    const lbClass = envOf.get(s.key)?.f.str(['spec', 'loadBalancerClass']);
    if (lbClass !== undefined && !LB_IPAM_CLASSES.has(lbClass)) return s;
    const addresses = s.loadBalancerIngress.filter((a) => ranges.some((r) => inAddressRange(r, a)));
    if (!addresses.length) return s;
    const announcement = announce(s, addresses, lbClass, { policies, bgpObjects, agent, nodes });
    if (announcement.state === 'none')
      envOf
        .get(s.key)
        ?.f.report(
          'cilium-lb-ip-not-announced',
          'warning',
          ['spec', 'type'],
          `LoadBalancer Service ${s.namespace}/${s.name}: ${announcement.reason}`,
          'Add a CiliumL2AnnouncementPolicy with loadBalancerIPs: true whose serviceSelector matches the Service (and enable-l2-announcements: "true" in cilium-config), or advertise the address over BGP.',
        );
    return { ...s, loadBalancerAnnouncement: announcement };
  });
}

interface Inputs {
  readonly policies: readonly L2Policy[];
  readonly bgpObjects: readonly string[];
  readonly agent?: { l2: boolean; bgp: boolean; text: string };
  readonly nodes: readonly Node[];
}

function announce(
  s: Service,
  addresses: readonly string[],
  lbClass: string | undefined,
  { policies, bgpObjects, agent, nodes }: Inputs,
): LoadBalancerAnnouncement {
  const labels = {
    ...s.labels,
    'io.kubernetes.service.namespace': s.namespace,
    'io.kubernetes.service.name': s.name,
  };
  const l2Class = lbClass === undefined || lbClass === L2_CLASS;
  const selecting = l2Class
    ? policies.filter((p) => !p.serviceSelector || matches(p.serviceSelector, labels))
    : [];
  const announcing = selecting.filter((p) => p.loadBalancerIPs);
  const bgp =
    bgpObjects.length || agent?.bgp
      ? `the BGP control plane (${[...bgpObjects, ...(agent?.bgp ? [`${agent.text} enable-bgp-control-plane: "true"`] : [])].join(', ')}) is not modeled by kubetwin: whether it advertises ${addresses.join(', ')} is unknown`
      : undefined;
  const names = announcing.map((p) => `CiliumL2AnnouncementPolicy ${p.name}`).join(', ');
  if (announcing.length) {
    const candidates = nodes
      .filter((n) => announcing.some((p) => !p.nodeSelector || matches(p.nodeSelector, n.labels)))
      .map((n) => n.name)
      .sort();
    const v6 = addresses.filter((a) => parseIP(a)?.family === 6);
    const problems = [
      ...(agent && !agent.l2
        ? [
            `${agent.text} does not set enable-l2-announcements: "true", so the agents do not run L2 announcements (Helm l2announcements.enabled)`,
          ]
        : []),
      ...(candidates.length || nodes.every((n) => n.fromProfile)
        ? []
        : [
            `no node matches the nodeSelector of ${names} (${announcing.map((p) => (p.nodeSelector ? formatSelector(p.nodeSelector) : '{}')).join('; ')}): no agent answers`,
          ]),
    ];
    if (problems.length)
      return { state: bgp ? 'unknown' : 'none', reason: [...problems, ...(bgp ? [bgp] : [])].join('; ') };
    const who = `${names} has the agents of ${candidates.length ? `nodes ${candidates.join(', ')}` : 'every node'} elect one leader (Lease cilium-l2announce-${s.namespace}-${s.name}), which answers ARP for ${addresses.join(', ')}; which one is not in the input`;
    const unsure = [
      ...(agent
        ? []
        : [
            `whether the agents run L2 announcements (cilium-config enable-l2-announcements) is not in the input`,
          ]),
      ...(v6.length
        ? [`${v6.join(', ')} is IPv6: L2 announcements answer ARP only (no NDP, as the documentation states)`]
        : []),
      ...(s.externalTrafficPolicy === 'Local'
        ? [
            'externalTrafficPolicy: Local, which the documentation calls incompatible with L2 announcements: the leader may hold no endpoint of the Service, and traffic to it drops',
          ]
        : []),
    ];
    return {
      state: unsure.length ? 'unknown' : 'announced',
      reason: unsure.length ? `${who}, but ${unsure.join('; ')}` : who,
      candidates,
    };
  }
  const misses = selecting.length
    ? `${selecting.map((p) => `CiliumL2AnnouncementPolicy ${p.name}`).join(', ')} selects it without loadBalancerIPs: true (it defaults to false)`
    : policies.length
      ? `no CiliumL2AnnouncementPolicy selects it (${policies.map((p) => p.name).join(', ')}: ${l2Class ? 'serviceSelector does not match' : `loadBalancerClass ${lbClass} is not L2's`})`
      : 'no CiliumL2AnnouncementPolicy is in the input';
  if (bgp) return { state: 'unknown', reason: `${misses}, and ${bgp}` };
  const base = `Cilium LB IPAM gives it ${addresses.join(', ')}, but ${misses} and no BGP configuration is: no node answers ARP for the address and nothing routes it, so it is unreachable from outside the cluster`;
  // Without the agent's ConfigMap the input may be a part of the cluster's configuration.
  return agent
    ? { state: 'none', reason: base }
    : {
        state: 'unknown',
        reason: `${base} — if the input holds the cluster's whole Cilium configuration (its cilium-config is not in the input)`,
      };
}
