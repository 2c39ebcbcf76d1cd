/**
 * `trace`: follow one request hop by hop — DNS (or external DNS), load balancer and node, ingress controller or
 * gateway (policy, route, certificate), Service VIP and EndpointSlices, NetworkPolicy at both ends — to where it
 * is delivered, or to the first hop that fails, why, and the smallest change that would fix it.
 */
import type { Flow, FlowSource, FlowTarget } from '../flows/index.ts';
import type { HttpRequest, Party } from '../policy/index.ts';
import type { Protocol } from '../../model/types.ts';
import type { TraceContext } from './_context.ts';
import {
  capturedService,
  hostPortTarget,
  sourceRangeDrop,
  unmodeledBackers,
  type Client,
} from '../service-path/index.ts';
import { capturedServiceHops } from './_captured.ts';
import type { Pod, Service } from '../../model/types.ts';
import { dnsHopsAnyFamily } from './_dns.ts';
import { publicEgress, publicEgressWords } from './_public-egress.ts';
import { podToLoadBalancerName } from './_load-balancer-name.ts';
import {
  serviceDetailLines,
  serviceHop,
  type Candidate,
  type ServiceDetails,
  type ServiceLeg,
} from './_service.ts';
import { policyHop, type Target } from './_policy.ts';
import { northSouth } from './_north-south.ts';
import { ciliumIngressLeg, ciliumIngressService } from './_cilium-ingress.ts';
import { gatewayOnwardHop, sidecarLeg, type RoutedEndpoints } from './_mesh.ts';
import { entryTargets, routedServices, type RoutedService } from './_sidecar-destinations.ts';
import { meshInboundHops } from './_mesh-inbound.ts';
import { controllerAddressing, controllerUpstreamLeg } from './_mesh-ingress.ts';
import { unservedPortLeg } from './_unserved-port.ts';
import { podToProxyModeLoadBalancer } from './_proxy-mode.ts';
import { describeSource, internetClient, podsOf } from './_sources.ts';

export { internetClient } from './_sources.ts';
export { anyRequestAt, proxyAtAddress, type ProxyHolder } from './_proxy-address.ts';
export { queriesBlocked, type QueriesBlocked } from './_dns.ts';
import type { Delivery, Fix, FlowTrace, Hop, Trace } from './types.ts';

export {
  createTraceContext,
  type JudgedFlow,
  type TraceContext,
  type TraceContextOptions,
} from './_context.ts';
export type { Delivery, Fix, FlowTrace, Hop, HopKind, Trace } from './types.ts';

const podClient = (p: Pod): Client => ({ kind: 'pod', pod: `${p.namespace}/${p.name}` });
const label = (c: Candidate): Target => ({
  label: c.pod ? `${c.pod.namespace}/${c.pod.name}` : c.address,
  address: c.address,
  port: c.port,
  pod: c.pod,
});

function describeTarget(t: FlowTarget): string {
  switch (t.kind) {
    case 'url':
      return `${t.method && t.method !== 'GET' ? `${t.method} ` : ''}${t.scheme}://${t.host}:${t.port}${t.scheme === 'http' || t.scheme === 'https' ? t.path : ''}`;
    case 'service':
      return `service:${t.namespace}/${t.name}:${t.port}/${t.protocol}`;
    case 'ip':
      return `ip:${t.ip}:${t.port}/${t.protocol}`;
    case 'ref':
      return `${t.namespace}/${t.name}${t.port ? `:${t.port}` : ''}/${t.protocol}`;
  }
}

/**
 * Admission at the destinations, in the order the packet meets it: the policy hop (NetworkPolicy, admin tiers,
 * Cilium), then the mesh's inbound hops (mTLS, server-sidecar authorization) for what the policies delivered. Pushes
 * the hops; the first failure's reason and fix win.
 */
function admissionHops(
  ctx: TraceContext,
  from: Parameters<typeof policyHop>[1],
  targets: readonly Target[],
  protocol: Protocol,
  hops: Hop[],
  options: {
    readonly http?: HttpRequest;
    readonly fqdn?: string;
    readonly service?: Service;
    readonly routed?: RoutedEndpoints;
    readonly sni?: string;
    /** The client's proxy sees a pod address (an ingress controller's own endpoint choice): the mesh judges no Service. */
    readonly podAddressed?: boolean;
    /** `service` is the one an Istio ambient client addressed, and its waypoint routed the request. */
    readonly waypointRouted?: boolean;
  } = {},
): { delivered: Delivery[]; reason?: string; fix?: Fix } {
  const pol = policyHop(ctx, from, targets, protocol, {
    http: options.http,
    fqdn: options.fqdn,
    service: options.service,
    sni: options.sni,
  });
  hops.push(pol.hop);
  const mesh = meshInboundHops(ctx, from, targets, pol.delivered, protocol, {
    service: options.podAddressed ? undefined : options.service,
    http: options.http,
    routed: options.routed,
    ...(options.waypointRouted ? { waypointRouted: true } : {}),
  });
  hops.push(...mesh.hops);
  return { delivered: mesh.delivered, reason: pol.reason ?? mesh.reason, fix: pol.fix ?? mesh.fix };
}

/** A DNS hop whose unknown answer no longer matters (every address it could give is denied). */
function settled(h: Hop): Hop {
  if (!h.undecided) return h;
  const { unknown: _u, undecided: _d, ...rest } = h;
  return { ...rest, details: [...rest.details, `whatever it resolves to is denied: ${h.undecided}`] };
}

function finish(
  from: FlowSource,
  to: FlowTarget,
  hops: Hop[],
  delivered: Delivery[],
  reason?: string,
  fix?: Fix,
  candidates = delivered.length,
): Trace {
  const failedAt = hops.findIndex((h) => h.verdict === 'fail');
  const unknown = [...new Set(hops.flatMap((h) => h.unknown ?? []))].sort();
  const outcome = delivered.length === 0 ? 'failed' : delivered.length < candidates ? 'partial' : 'delivered';
  hops.push(
    outcome === 'failed'
      ? {
          kind: 'deliver',
          title: 'NOT DELIVERED',
          verdict: 'fail',
          details: [reason ?? 'no destination'],
          objects: [],
        }
      : {
          kind: 'deliver',
          title: `delivered to ${delivered.length} destination(s)${outcome === 'partial' ? ` of ${candidates}` : ''}`,
          verdict: outcome === 'partial' ? 'warn' : 'ok',
          details: delivered.map((d) => `${d.pod} ${d.ip}:${d.port}`),
          objects: [],
        },
  );
  return {
    from: describeSource(from),
    to: describeTarget(to),
    outcome,
    hops,
    delivered,
    ...(outcome !== 'delivered' && reason
      ? { failure: { hop: failedAt >= 0 ? failedAt : hops.length - 1, reason } }
      : {}),
    ...(outcome !== 'delivered' && fix ? { fix } : {}),
    ...(unknown.length ? { unknown } : {}),
  };
}

/** From a Party through a Service (VIP and port) to its endpoints, with policy at both ends. */
function throughService(
  ctx: TraceContext,
  from: Party,
  client: Client,
  svcNs: string,
  svcName: string,
  port: number,
  protocol: Protocol,
  hops: Hop[],
  only?: ReadonlySet<string> | RoutedEndpoints,
  http?: HttpRequest,
  extra: {
    /** The client's proxy sees the endpoint addresses (an ingress controller's own choice), not the Service. */
    readonly podAddressed?: boolean;
    /** The Service an Istio ambient client addressed, when its waypoint routed the request to this one. */
    readonly addressed?: Service;
  } = {},
): { delivered: Delivery[]; candidates: number; reason?: string; fix?: Fix; details?: ServiceDetails } {
  const svc = ctx.serviceNamed(svcNs, svcName);
  if (!svc) return { delivered: [], candidates: 0, reason: `Service ${svcNs}/${svcName} does not exist` };
  const leg = onlyEndpoints(serviceHop(ctx, svc, port, protocol, client), only);
  hops.push(...leg.hops);
  if (leg.reason)
    return {
      delivered: [],
      candidates: 0,
      reason: leg.reason,
      details: leg.details,
      fix: { summary: leg.fix ?? unservedFix(ctx, svc, port, protocol, leg.reason) },
    };
  const targets = leg.candidates.map(label);
  // Endpoints a client sidecar routed to carry the subsets it sends through (their TLS mode decides mTLS).
  const routed = only instanceof Map ? only : undefined;
  const admitted = admissionHops(ctx, from, targets, protocol, hops, {
    service: extra.addressed ?? svc,
    http,
    routed,
    podAddressed: extra.podAddressed,
    ...(extra.addressed ? { waypointRouted: true } : {}),
  });
  // Endpoints that disagree, when kubetwin does not know which of them kube-proxy uses (a mesh proxy picks itself).
  const partly = admitted.delivered.length > 0 && admitted.delivered.length < leg.candidates.length;
  if (leg.topologyUnknown && !only && partly) markUnknown(hops, leg.hops[0], leg.topologyUnknown);
  return { ...admitted, candidates: leg.candidates.length, details: leg.details };
}

/** The fix for a Service hop that reached no endpoint, when the hop names none of its own. */
function unservedFix(
  ctx: TraceContext,
  svc: Service,
  port: number,
  protocol: Protocol,
  reason: string,
): string {
  const name = `${svc.namespace}/${svc.name}`;
  if (reason.includes('defines no port'))
    return `add port ${port}/${protocol} to Service ${name}, or use one of its ports`;
  const backers = unmodeledBackers(ctx.model, svc);
  if (backers.length)
    return `add the pods of ${backers.map((w) => `${w.kind} ${w.namespace}/${w.name}`).join(', ')} to the input (kubectl get pods -o yaml from the cluster): kubetwin does not run that kind's controller`;
  if (svc.selector) return `make Service ${name} select ready pods`;
  return `give Service ${name} endpoints: it has no selector, so its EndpointSlices are written by hand or by a controller (kube-apiserver for default/kubernetes), and they are not in the input`;
}

/** Makes `hop` (one of `hops`) unknown for `why`, in place in the list. */
function markUnknown(hops: Hop[], hop: Hop | undefined, why: string): void {
  const i = hop ? hops.indexOf(hop) : -1;
  if (i < 0) return;
  hops[i] = {
    ...hops[i],
    verdict: hops[i].verdict === 'fail' ? 'fail' : 'warn',
    details: [...hops[i].details, `unknown: ${why}`],
    unknown: [...(hops[i].unknown ?? []), why],
  };
}

/**
 * Keeps the endpoints a client sidecar may send to (`only`: their addresses), restating the endpoints hop;
 * no endpoint left is a failure of that hop.
 */
function onlyEndpoints(leg: ServiceLeg, only?: ReadonlySet<string> | RoutedEndpoints): ServiceLeg {
  if (!only || leg.reason) return leg;
  const kept = leg.candidates.filter((c) => only.has(c.address));
  const last = leg.hops[leg.hops.length - 1];
  // The proxy (Envoy, linkerd2-proxy) balances over the endpoints it learns itself: kube-proxy's rules for the
  // ClusterIP, and what they say about the source address, do not apply.
  const service = leg.hops.slice(0, -1).map((h) =>
    h.kind === 'service'
      ? {
          ...h,
          details: [
            ...(leg.details
              ? serviceDetailLines(leg.details, { sourceAddress: true, balancing: true })
              : h.details),
            'the mesh proxy picks the endpoint itself from the Service endpoints: the ClusterIP is not dialed and kube-proxy is not involved; the endpoint sees the proxy pod as the source',
          ],
        }
      : h,
  );
  const reason = kept.length ? undefined : "the mesh route leaves none of the Service's ready endpoints";
  const hop: Hop = {
    ...last,
    title: `${kept.length} of ${leg.candidates.length} endpoint(s): those the mesh route picks`,
    verdict: kept.length ? 'ok' : 'fail',
    details: kept.length
      ? kept.map(
          (c) =>
            `${c.address}:${c.port}${c.pod ? ` (${c.pod.namespace}/${c.pod.name}${c.nodeName ? ` on ${c.nodeName}` : ''})` : ''}`,
        )
      : [reason!],
  };
  return { hops: [...service, hop], candidates: kept, reason, details: leg.details };
}

/** Through a meshed client's sidecar: each Service it routes to, with only the endpoints it picks. */
function throughSidecar(
  ctx: TraceContext,
  src: Party,
  pod: Pod,
  routed: ReadonlyMap<string, RoutedService>,
  opts: { protocol: Protocol; hops: Hop[]; http?: HttpRequest; addressed?: Service },
): { delivered: Delivery[]; candidates: number; reason?: string; fix?: Fix } {
  const out = {
    delivered: [] as Delivery[],
    candidates: 0,
    reason: undefined as string | undefined,
    fix: undefined as Fix | undefined,
  };
  for (const [ref, { ips, port }] of routed) {
    const [ns, name] = ref.split('/');
    const r = throughService(
      ctx,
      src,
      podClient(pod),
      ns,
      name,
      port,
      opts.protocol,
      opts.hops,
      ips,
      opts.http,
      { addressed: opts.addressed },
    );
    out.delivered.push(...r.delivered);
    out.candidates += r.candidates;
    out.reason ??= r.reason;
    out.fix ??= r.fix;
  }
  return out;
}

/** Traces one request from a source to a target. */
export function trace(ctx: TraceContext, from: FlowSource, to: FlowTarget): Trace {
  const hops: Hop[] = [];
  const protocol: Protocol = to.protocol;
  // An http:// URL is one request (GET unless -X names another): Cilium's L7 HTTP rules judge it.
  const http: HttpRequest | undefined =
    to.kind === 'url' && to.scheme === 'http'
      ? { method: to.method ?? 'GET', path: to.path, headers: { ...to.headers, host: to.host } }
      : undefined;
  if (from.kind !== 'ref') {
    if (to.kind !== 'url' && to.kind !== 'ip')
      return finish(from, to, hops, [], 'from outside the cluster, a target is a URL or ip:ADDRESS:PORT');
    return fromOutside(ctx, from, to, from.kind === 'ip' ? from.ip : internetClient, hops);
  }
  const pods = podsOf(ctx, from.namespace, from.name);
  const pod = pods.find((p) => p.ip);
  if (!pod)
    return finish(
      from,
      to,
      hops,
      [],
      `${from.namespace}/${from.name} names no pod with an IP (no such pod or workload, or none scheduled)`,
    );
  if (pods.length > 1)
    hops.push({
      kind: 'policy',
      title: `from ${pod.namespace}/${pod.name} (1 of ${pods.length} pods of ${from.namespace}/${from.name})`,
      verdict: 'info',
      details: [],
      objects: [{ key: pod.owner ?? pod.key, source: pod.source }],
    });
  const src: Party = { kind: 'pod', pod };
  if (to.kind === 'service') {
    const r = throughService(ctx, src, podClient(pod), to.namespace, to.name, to.port, protocol, hops);
    return finish(from, to, hops, r.delivered, r.reason, r.fix, r.candidates);
  }
  if (to.kind === 'ref') {
    const dest = podsOf(ctx, to.namespace, to.name).filter((p) => p.ip);
    if (!dest.length) return finish(from, to, hops, [], `${to.namespace}/${to.name} names no pod with an IP`);
    const targets: Target[] = dest.flatMap((p) => {
      const ports = to.port
        ? [to.port]
        : [...new Set(p.ports.filter((cp) => cp.protocol === protocol).map((cp) => cp.containerPort))];
      return ports.map((port) => ({ label: `${p.namespace}/${p.name}`, address: p.ip!, port, pod: p }));
    });
    if (!targets.length)
      return finish(from, to, hops, [], `${to.namespace}/${to.name} declares no ${protocol} port; give one`);
    const admitted = admissionHops(ctx, src, targets, protocol, hops);
    return finish(from, to, hops, admitted.delivered, admitted.reason, admitted.fix, targets.length);
  }
  let addresses: string[];
  const port = to.port;
  if (to.kind === 'ip') addresses = [to.ip];
  else if (/^[\d.]+$/.test(to.host) || to.host.includes(':')) addresses = [to.host];
  else {
    const d = dnsHopsAnyFamily(ctx, pod, to.host);
    // A load balancer's hostname: cluster DNS forwards it upstream, and the connection goes out to that load balancer.
    const lb =
      to.kind === 'url'
        ? podToLoadBalancerName(ctx, pod, {
            host: to.host,
            port,
            protocol,
            dns: d,
            sourceJudged: (s) => sourceJudged(ctx, s),
          })
        : undefined;
    if (lb && to.kind === 'url') {
      hops.push(...lb.hops);
      if (lb.reason) return finish(from, to, hops, [], lb.reason, lb.fix);
      return fromOutside(ctx, from, to, internetClient, hops);
    }
    if (d.reason && d.outside) {
      // Denied to every public address, the request is blocked whatever the upstream answers: no longer unknown.
      const e = publicEgress(ctx, pod, { host: to.host, port, protocol });
      hops.push(...(e.allowed === 'none' ? d.hops.map(settled) : d.hops));
      return finish(from, to, hops, [], `${d.reason}; ${publicEgressWords(e)}`, d.fix);
    }
    hops.push(...d.hops);
    if (d.reason) return finish(from, to, hops, [], d.reason, d.fix);
    addresses = d.addresses;
  }
  const svc = ctx.serviceByIP(addresses[0]);
  // A Cilium Ingress load balancer (its ClusterIP or its outside address): the node's Envoy takes the request.
  const cilium = ciliumIngressService(ctx, svc ?? capturedService(ctx.model, addresses[0], port, protocol));
  if (cilium) {
    const url = to.kind === 'url' ? to : undefined;
    const leg = ciliumIngressLeg(ctx, cilium, { client: { pod }, address: addresses[0], port, url });
    hops.push(...leg.hops);
    const delivered = leg.candidates.map((c) => ({
      pod: c.pod ? `${c.pod.namespace}/${c.pod.name}` : c.address,
      ip: c.address,
      port: c.port,
    }));
    return finish(from, to, hops, delivered, leg.reason, leg.fix, leg.judged ?? delivered.length);
  }
  const side =
    svc && to.kind === 'url' && to.scheme === 'http'
      ? sidecarLeg(ctx, pod, { host: to.host, port, path: to.path, method: to.method, headers: to.headers })
      : undefined;
  if (side) {
    hops.push(side.hop, ...(side.mirrors ?? []));
    if (side.reason) return finish(from, to, hops, [], side.reason);
    // A passthrough leaves the endpoint to kube-proxy behind the ClusterIP: the Service hop below as without a mesh.
    if (side.allowed && !side.passthrough) {
      const routed = new Map([...side.allowed].map(([ref, ips]) => [ref, { ips, port }]));
      // Through an Istio waypoint the addressed Service stays the one the policies and the waypoint judge by.
      const r = throughSidecar(ctx, src, pod, routed, {
        protocol,
        hops,
        http,
        ...(side.waypoint && svc ? { addressed: svc } : {}),
      });
      return finish(from, to, hops, r.delivered, r.reason, r.fix, r.candidates);
    }
  }
  if (svc) {
    const r = throughService(
      ctx,
      src,
      podClient(pod),
      svc.namespace,
      svc.name,
      port,
      protocol,
      hops,
      undefined,
      http,
    );
    return finish(from, to, hops, r.delivered, r.reason, r.fix, r.candidates);
  }
  // A Service's load-balancer address or externalIP: kube-proxy on the pod's node takes it to the endpoints.
  const captured = capturedService(ctx.model, addresses[0], port, protocol);
  const outOfRange = captured && pod.ip ? sourceRangeDrop(captured, addresses[0], pod.ip) : undefined;
  if (captured && outOfRange) {
    hops.push({
      kind: 'service',
      title: `${addresses[0]}:${port}: source ${pod.ip} not in loadBalancerSourceRanges of Service ${captured.namespace}/${captured.name}`,
      verdict: 'fail',
      details: [outOfRange],
      objects: [{ key: captured.key, source: captured.source }],
    });
    return finish(from, to, hops, [], outOfRange, {
      summary: `add ${pod.ip} (or its range) to spec.loadBalancerSourceRanges of Service ${captured.namespace}/${captured.name}`,
    });
  }
  if (captured) {
    const own: Hop[] = [];
    const r = throughService(
      ctx,
      src,
      { kind: 'pod', pod: `${pod.namespace}/${pod.name}`, captured: true },
      captured.namespace,
      captured.name,
      port,
      protocol,
      own,
      undefined,
      http,
    );
    hops.push(
      ...capturedServiceHops(own, r.details, captured, {
        ip: addresses[0],
        sourceJudged: sourceJudged(ctx, captured),
        client: { ctx, pod, protocol },
      }),
    );
    return finish(from, to, hops, r.delivered, r.reason, r.fix, r.candidates);
  }
  // A load-balancer address with ipMode Proxy: out through the pod's egress, back in through the load balancer.
  const proxyMode =
    addresses.length === 1 && (to.kind === 'ip' || to.kind === 'url')
      ? podToProxyModeLoadBalancer(ctx, pod, {
          address: addresses[0],
          port,
          protocol,
          sourceJudged: (s) => sourceJudged(ctx, s),
        })
      : undefined;
  if (proxyMode && (to.kind === 'ip' || to.kind === 'url')) {
    hops.push(...proxyMode.hops);
    if (proxyMode.reason) return finish(from, to, hops, [], proxyMode.reason, proxyMode.fix);
    return fromOutside(ctx, from, to, proxyMode.source, hops);
  }
  // A meshed Istio client's sidecar decides an HTTP request for a host outside the Service registry: a
  // ServiceEntry host (and its VirtualService), else the outboundTrafficPolicy (502 under REGISTRY_ONLY).
  const outside =
    to.kind === 'url' && to.scheme === 'http' && ctx.model.mesh?.name === 'istio'
      ? sidecarLeg(ctx, pod, { host: to.host, port, path: to.path, method: to.method, headers: to.headers })
      : undefined;
  if (outside) {
    const routed = routedServices(outside);
    hops.push(routed.hop, ...(outside.mirrors ?? []));
    if (outside.reason) return finish(from, to, hops, [], outside.reason);
    if (routed.services) {
      const r = throughSidecar(ctx, src, pod, routed.services, { protocol, hops, http });
      const onward = to.kind === 'url' ? gatewayOnwardHop(ctx, r.delivered, to.host) : undefined;
      if (onward) hops.push(onward);
      return finish(from, to, hops, r.delivered, r.reason, r.fix, r.candidates);
    }
  }
  const entry = outside && entryTargets(ctx, pod, outside.entryEndpoints ?? [], { addresses, port });
  if (entry) {
    if (entry.hop) hops.push(entry.hop);
    const fqdn = to.kind === 'url' ? to.host : undefined;
    const admitted = admissionHops(ctx, src, entry.targets, protocol, hops, { http, fqdn });
    return finish(from, to, hops, admitted.delivered, admitted.reason, admitted.fix, entry.targets.length);
  }
  // A load-balancer address or externalIP on a port its Service does not serve: not captured (IPVS rejects it).
  const unserved = addresses.length === 1 ? unservedPortLeg(ctx, addresses[0], port, protocol) : undefined;
  if (unserved?.drop) {
    hops.push(unserved.hop);
    return finish(from, to, hops, [], unserved.drop.reason, unserved.drop.fix);
  }
  const unservedAt = unserved ? hops.push(unserved.hop) - 1 : -1;
  // Pod IPs (a headless Service or a hostname record) or an address outside the cluster.
  const targets: Target[] = addresses.map((ip) => {
    const p = ctx.podByIP(ip);
    // A node address on a port a pod there maps as hostPort: portmap DNATs it to that pod (rule host-port-portmap).
    const node = p ? undefined : ctx.model.nodes.find((n) => n.internalIP === ip);
    const m = node && hostPortTarget(ctx.model, node.name, ip, port, protocol);
    if (m?.pod.ip)
      return {
        label: `${m.pod.namespace}/${m.pod.name}`,
        address: m.pod.ip,
        port: m.containerPort,
        pod: m.pod,
      };
    return { label: p ? `${p.namespace}/${p.name}` : ip, address: ip, port, pod: p };
  });
  const fqdn = to.kind === 'url' && !/^[\d.]+$/.test(to.host) && !to.host.includes(':') ? to.host : undefined;
  // An https:// URL opens TLS with the host as its SNI (a Linkerd EgressNetwork's TLSRoutes match it).
  const sni = to.kind === 'url' && to.scheme === 'https' ? to.host.toLowerCase() : undefined;
  const admitted = admissionHops(ctx, src, targets, protocol, hops, { http, fqdn, sni });
  // What answers past the load balancer matters only where the policies let the connection out.
  if (unserved?.unknown && admitted.delivered.length)
    hops[unservedAt] = { ...hops[unservedAt], unknown: [unserved.unknown] };
  return finish(from, to, hops, admitted.delivered, admitted.reason, admitted.fix, targets.length);
}

/**
 * The rest of a trace that enters the cluster from outside (`clientIP`): the load balancer, node port or external IP,
 * then the L7 router and the Service it routes to, if any.
 */
function fromOutside(
  ctx: TraceContext,
  from: FlowSource,
  to: Extract<FlowTarget, { kind: 'url' } | { kind: 'ip' }>,
  clientIP: string,
  hops: Hop[],
): Trace {
  const leg = northSouth(ctx, clientIP, to);
  hops.push(...leg.hops);
  if (leg.next) {
    const { from: controller, service, port, route } = leg.next;
    // The controller's own mesh proxy on the way to the backend (rule mesh-ingress-controller-upstream).
    const addressing = route && !leg.next.only ? controllerAddressing(ctx, route) : undefined;
    const up =
      route && addressing
        ? controllerUpstreamLeg(ctx, controller, { service, port, addressing, request: route.request })
        : undefined;
    // The request as the controller sends it (rule router-forwards-the-request: method, the path after any
    // rewrite); its Host is upstream-vhost's when set.
    const forwarded = leg.next.http;
    const sent: HttpRequest | undefined =
      up && route
        ? {
            method: forwarded?.method ?? route.request.method ?? 'GET',
            path: forwarded?.path ?? route.request.path,
            headers: {
              host:
                (addressing?.kind === 'service' && addressing.hostHeader) ||
                forwarded?.headers?.host ||
                route.request.host,
            },
          }
        : undefined;
    if (up) {
      hops.push(up.hop, ...(up.side?.mirrors ?? []));
      if (up.side?.reason) return finish(from, to, hops, [], up.side.reason);
      if (up.side?.allowed && !up.side.passthrough) {
        const routed = new Map([...up.side.allowed].map(([ref, ips]) => [ref, { ips, port }]));
        const r = throughSidecar(ctx, { kind: 'pod', pod: controller }, controller, routed, {
          protocol: 'TCP',
          hops,
          http: sent,
        });
        return finish(from, to, hops, r.delivered, r.reason, r.fix, r.candidates);
      }
    }
    const r = throughService(
      ctx,
      { kind: 'pod', pod: controller },
      podClient(controller),
      service.namespace,
      service.name,
      port,
      'TCP',
      hops,
      leg.next.only,
      sent ?? leg.next.http,
      { podAddressed: up?.podAddressed },
    );
    return finish(from, to, hops, r.delivered, r.reason, r.fix, r.candidates);
  }
  const delivered = (leg.candidates ?? []).map((c) => ({
    pod: c.pod ? `${c.pod.namespace}/${c.pod.name}` : c.address,
    ip: c.address,
    port: c.port,
  }));
  return finish(from, to, hops, delivered, leg.reason, leg.fix);
}

/** Whether anything judges the source address at a Service's endpoints: an ingress-isolated endpoint pod, or admin policies. */
function sourceJudged(ctx: TraceContext, svc: Service): boolean {
  if (ctx.model.adminPolicies?.length) return true;
  return ctx.model.endpointSlices.some(
    (slice) =>
      slice.namespace === svc.namespace &&
      slice.serviceName === svc.name &&
      slice.endpoints.some((e) => {
        const pod = ctx.podByIP(e.addresses[0]);
        return !pod || ctx.engine.isolatedBy(pod, 'Ingress').length > 0;
      }),
  );
}

/** Traces every step of a declared flow; the flow's outcome is its worst step's. */
export function traceFlow(ctx: TraceContext, flow: Flow): FlowTrace {
  const steps = flow.steps.map((step) => ({ step, trace: trace(ctx, step.from, step.to) }));
  const outcome = steps.some((s) => s.trace.outcome === 'failed')
    ? 'failed'
    : steps.some((s) => s.trace.outcome === 'partial')
      ? 'partial'
      : 'delivered';
  return { flow, steps, outcome };
}
