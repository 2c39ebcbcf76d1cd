import type { Pod, Protocol, Service } from '../../model/types.ts';
import {
  servicePath,
  servicePathUnknown,
  type Client,
  type ServicePathResult,
} from '../service-path/index.ts';
import type { TraceContext } from './_context.ts';
import type { Hop } from './types.ts';

/** One endpoint kube-proxy may send the connection to. */
export interface Candidate {
  readonly address: string;
  readonly port: number;
  readonly pod?: Pod;
  readonly nodeName?: string;
}

const clientNode = (ctx: TraceContext, c: Client) =>
  c.kind === 'pod'
    ? ctx.podNamed(c.pod)?.nodeName
    : c.kind === 'external' && typeof c.via === 'object'
      ? c.via.node
      : undefined;
const at = (s: Service) => [{ key: s.key, source: s.source }];

/**
 * The routed Service hop's details, kept as fields where a restated hop leaves some out: `sourceAddress` (the source
 * address seen by the endpoint) and `balancing` hold for kube-proxy's own path only. A connection kube-proxy captures
 * at a load-balancer address (`_captured.ts`) states its own source address; a mesh proxy that picks the endpoint
 * itself (`onlyEndpoints`) bypasses kube-proxy altogether.
 */
export interface ServiceDetails {
  /** The frontend and targetPort, the traffic policy and topology, the endpoints. */
  readonly lead: readonly string[];
  readonly sourceAddress?: string;
  readonly balancing: string;
  readonly notes: readonly string[];
}

/** A Service leg: its hops (the Service, then its endpoints), the endpoints kube-proxy may pick, and why none. */
export interface ServiceLeg {
  readonly hops: Hop[];
  readonly candidates: Candidate[];
  readonly reason?: string;
  /** What to change when the leg drops the connection (a Local traffic policy with no endpoint on the node). */
  readonly fix?: string;
  /** The Service hop's details as fields, when the port is routed (the hop's `details` are these lines in order). */
  readonly details?: ServiceDetails;
  /**
   * Why which candidates kube-proxy uses for this client is unknown (topology-mode Auto): the candidates are every
   * endpoint it may use, and a verdict that differs among them is unknown.
   */
  readonly topologyUnknown?: string;
}

/** The Service hop's detail lines, in order, without those `omit` names. */
export function serviceDetailLines(
  d: ServiceDetails,
  omit: { readonly sourceAddress?: boolean; readonly balancing?: boolean } = {},
): string[] {
  return [
    ...d.lead,
    ...(d.sourceAddress && !omit.sourceAddress ? [d.sourceAddress] : []),
    ...(omit.balancing ? [] : [d.balancing]),
    ...d.notes,
  ];
}

/**
 * A Local traffic policy with no endpoint on the client's node drops the connection, with "no fallback" to other
 * nodes: the Service selects ready pods, they run elsewhere
 * (https://kubernetes.io/docs/concepts/services-networking/service-traffic-policy/).
 */
function localFix(svc: Service, path: ServicePathResult, node: string | undefined): string {
  return `run a ready endpoint of Service ${svc.namespace}/${svc.name} on ${node ?? "the client's node"}, or set ${path.policy.field}: Cluster`;
}

/**
 * The Service hop, from the kube-proxy data path (`servicePath`): the frontend, the endpoints this client's
 * traffic policy and topology leave (ready, else serving-terminating), and what happens when none is left.
 * https://kubernetes.io/docs/reference/networking/virtual-ips/
 */
export function serviceHop(
  ctx: TraceContext,
  svc: Service,
  port: number,
  protocol: Protocol,
  client: Client,
): ServiceLeg {
  const name = `Service ${svc.namespace}/${svc.name}`;
  const wanted = svc.ports.find((p) => p.port === port && p.protocol === protocol);
  const path = servicePath(ctx.model, { service: `${svc.namespace}/${svc.name}`, port, client });
  if (!wanted || typeof path === 'string' || path.verdict === 'not-routed') {
    const why = typeof path === 'string' ? path : (path.notes[0] ?? 'kube-proxy has no rule for it');
    const ports = svc.ports.map((p) => `${p.port}/${p.protocol}`).join(', ') || 'none';
    const reason = `${name} port ${port}/${protocol} (ports: ${ports}): ${why}`;
    return {
      hops: [
        {
          kind: 'service',
          title: `${name}: port ${port}/${protocol} not routed`,
          verdict: 'fail',
          details: [reason],
          objects: at(svc),
        },
      ],
      candidates: [],
      reason,
    };
  }
  const used = path.endpoints.filter((e) => e.used && e.port !== undefined);
  const details: ServiceDetails = {
    lead: [
      `${path.frontends.join(', ') || 'headless'} (${path.entry}) → targetPort ${String(wanted.targetPort)} — ${path.clientDescription}`,
      `${path.policy.field}: ${path.policy.value}${path.topology ? `; ${path.topology}` : ''}`,
      `${path.endpoints.length} endpoint(s): ${path.endpoints.map((e) => `${e.ip}${e.port ? `:${e.port}` : ''} ${e.state}${e.used ? '' : ` (unused: ${e.reason ?? 'not chosen'})`}`).join(', ') || 'none'}`,
    ],
    ...(path.sourceIP
      ? { sourceAddress: `source address seen by the endpoint: ${path.sourceIP.seen} (${path.sourceIP.why})` }
      : {}),
    balancing: svc.headless
      ? path.balancing.description
      : path.entry === 'LoadBalancer' && svc.loadBalancerTargets?.type === 'ip'
        ? // https://docs.aws.amazon.com/elasticloadbalancing/latest/network/introduction.html (flow hash per TCP connection)
          'the load balancer picks a registered pod itself for each connection (an NLB hashes the flow), not kube-proxy'
        : `kube-proxy ${path.balancing.description}`,
    notes: path.notes,
  };
  const otherProxy = servicePathUnknown(ctx.model, svc) ?? path.entryUnknown;
  const hops: Hop[] = [
    {
      kind: 'service',
      title: `${name} ${path.frontends[0] ?? ''}/${protocol}`.replace(' /', ' '),
      verdict: otherProxy ? 'warn' : 'ok',
      details: [...serviceDetailLines(details), ...(otherProxy ? [`unknown: ${otherProxy}`] : [])],
      objects: at(svc),
      ...(otherProxy ? { unknown: [otherProxy] } : {}),
    },
  ];
  const slices = ctx.slicesOf(svc.namespace, svc.name).map((s) => ({ key: s.key, source: s.source }));

  if (path.verdict !== 'routed' || !used.length) {
    const reason = `${name} port ${port}: ${path.verdict} — ${path.notes.find((n) => /reject|drop/.test(n)) ?? 'no usable endpoint'}`;
    hops.push({
      kind: 'endpoints',
      title: `no endpoint to send to (${path.verdict})`,
      verdict: 'fail',
      details: [reason],
      objects: slices,
    });
    return {
      hops,
      candidates: [],
      reason,
      details,
      ...(path.verdict === 'dropped' ? { fix: localFix(svc, path, clientNode(ctx, client)) } : {}),
    };
  }
  const podOf = (p?: string) => (p ? ctx.podNamed(p) : undefined);
  const candidates: Candidate[] = used.map((e) => ({
    address: e.ip,
    port: e.port!,
    pod: podOf(e.pod) ?? ctx.podByIP(e.ip),
    nodeName: e.node,
  }));
  hops.push({
    kind: 'endpoints',
    title: `${candidates.length} candidate endpoint(s)`,
    verdict: 'ok',
    details: candidates.map(
      (c) =>
        `${c.address}:${c.port}${c.pod ? ` (${c.pod.namespace}/${c.pod.name}${c.nodeName ? ` on ${c.nodeName}` : ''})` : ''}`,
    ),
    objects: slices,
  });
  return {
    hops,
    candidates,
    details,
    ...(path.topologyUnknown ? { topologyUnknown: path.topologyUnknown } : {}),
  };
}
