import { internetClient } from './_sources.ts';
import type { ClusterModel, Pod, Service } from '../../model/types.ts';
import type { ControllerProfile, HttpRequest, RouteDecision } from '../../model/routing.ts';
import type { FlowTarget } from '../flows/index.ts';
import { parseRequest, unknownLines, type Via } from '../route/index.ts';
import type { HttpRequest as PolicyHttpRequest, Party } from '../policy/index.ts';
import type { CertificateChoice } from '../tls/index.ts';
import { routerUnavailable, type TraceContext } from './_context.ts';
import { serviceHop, type Candidate } from './_service.ts';
import { policyHop } from './_policy.ts';
import { unheldSourcePolicyHop } from './_unheld-source.ts';
import { cloudIngressLeg, ingressesAt } from './_cloud-ingress.ts';
import { masqueradedPolicyHop } from './_masquerade.ts';
import {
  hostPortTarget,
  loadBalancerSchemeDrop,
  serviceLbNode,
  sourceRangeDrop,
  undeterminedLoadBalancers,
} from '../service-path/index.ts';
import type { Fix, Hop } from './types.ts';
import { canonicalIP } from '../../lib/ip.ts';
import { istioGatewayLeg, servesIstioGateway } from './_istio-gateway.ts';
import { gatewaySources, istioClassGateway, istioGatewayAuthz } from './_istio-gateway-authz.ts';
import { passthroughLeg } from './_passthrough.ts';
import { gatewayMirrorHops } from './_mirror.ts';
import { gatewayAtAddress, gatewaysTakingHost } from './_gateway-host.ts';
import type { RoutedEndpoints } from './_mesh.ts';
import { ciliumIngressLeg, ciliumIngressService, missingCiliumLoadBalancers } from './_cilium-ingress.ts';
import { controllerInboundHops } from './_mesh-ingress.ts';

const podsOf = (targets: readonly { readonly pod?: Pod }[]) => targets.flatMap((t) => (t.pod ? [t.pod] : []));

export interface Leg {
  readonly hops: Hop[];
  /** Where the request goes next: a Service and port reached from a pod (the L7 router), or nothing. */
  readonly next?: {
    readonly service: Service;
    readonly port: number;
    readonly from: Pod;
    /**
     * Only these endpoint addresses (a mesh gateway picks them, not kube-proxy); a map also gives the subsets its
     * route sends each one's traffic through (their DestinationRule TLS mode applies).
     */
    readonly only?: ReadonlySet<string> | RoutedEndpoints;
    /** The router's answer that chose the Service: how the controller addresses it (rule mesh-ingress-controller-upstream). */
    readonly route?: {
      readonly via: Via;
      readonly profile?: ControllerProfile;
      readonly winner?: string;
      readonly request: { readonly host: string; readonly path: string; readonly method?: string };
    };
    /**
     * The request as the router forwards it (method, path after any rewrite, host): the backend's proxy or policies
     * judge this request, not every request the route could carry.
     */
    readonly http?: PolicyHttpRequest;
  };
  /** Final destinations when no router follows (plain TCP to the controller pods). */
  readonly candidates?: Candidate[];
  readonly client?: Party;
  readonly reason?: string;
  readonly fix?: Fix;
}

/** Which Service owns an outside address: a LoadBalancer ingress, an externalIP, or a node IP with a nodePort. */
function ownerOf(
  ctx: TraceContext,
  ip: string,
  port: number,
): { svc: Service; via: 'load-balancer' | 'external-ip' | 'node-port'; node?: string } | undefined {
  for (const s of ctx.model.services) {
    if (s.loadBalancerIngress.includes(ip) && s.ports.some((p) => p.port === port)) {
      // A k3s ServiceLB address is a node's own: the connection arrives on that node (rule k3s-servicelb-svclb-pods).
      const node = serviceLbNode(ctx.model, s, ip);
      return { svc: s, via: 'load-balancer', ...(node ? { node } : {}) };
    }
    if (s.externalIPs.includes(ip) && s.ports.some((p) => p.port === port))
      return { svc: s, via: 'external-ip' };
  }
  const node = ctx.model.nodes.find((n) => n.internalIP === ip);
  if (node)
    for (const s of ctx.model.services)
      if (s.ports.some((p) => p.nodePort === port)) return { svc: s, via: 'node-port', node: node.name };
  return undefined;
}

/**
 * A node address and a port a pod on that node maps as `hostPort`: the CNI portmap plugin DNATs it to the pod's
 * containerPort, keeping the client address, and the pod's ingress policies judge it (rule `host-port-portmap`).
 */
function hostPortLeg(
  ctx: TraceContext,
  clientIP: string,
  address: string,
  target: Extract<FlowTarget, { kind: 'url' } | { kind: 'ip' }>,
): Leg | undefined {
  const node = ctx.model.nodes.find((n) => n.internalIP === address);
  const protocol = target.kind === 'ip' ? target.protocol : 'TCP';
  const m = node && hostPortTarget(ctx.model, node.name, address, target.port, protocol);
  if (!m || !m.pod.ip) return undefined;
  const label = `${m.pod.namespace}/${m.pod.name}`;
  const hop: Hop = {
    kind: 'node',
    title: `node ${node.name} port ${target.port}/${protocol} → hostPort of pod ${label} (containerPort ${m.containerPort})`,
    verdict: 'ok',
    details: [
      `the CNI portmap plugin DNATs ${address}:${target.port} to ${m.pod.ip}:${m.containerPort}, keeping the client address ${clientIP}`,
    ],
    objects: [{ key: m.pod.owner ?? m.pod.key, source: m.pod.source }],
  };
  const client: Party = { kind: 'ip', ip: clientIP, label: `client ${clientIP}` };
  const candidate = { address: m.pod.ip, port: m.containerPort, pod: m.pod, nodeName: node.name };
  const pol = policyHop(ctx, client, [{ label, ...candidate }], protocol);
  if (!pol.delivered.length) return { hops: [hop, pol.hop], reason: pol.reason, fix: pol.fix, client };
  return { hops: [hop, pol.hop], candidates: [candidate], client };
}

/**
 * The Service whose load balancer a name is: `status.loadBalancer.ingress[].hostname`, which a DNS-based load
 * balancer (AWS ELB/NLB) reports instead of an IP. The name is that load balancer's, so the request goes to it.
 * https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceStatus
 */
export function loadBalancerNamed(ctx: TraceContext, host: string): Service | undefined {
  const name = host.toLowerCase().replace(/\.$/, '');
  // An address is no name: an `ingress[].ip` (or a MetalLB address) is reached without DNS.
  if (canonicalIP(name.replace(/^\[|\]$/g, ''))) return undefined;
  return ctx.model.services.find((s) => s.type === 'LoadBalancer' && s.loadBalancerIngress.includes(name));
}

/** The IngressClass (or Gateway) the pods behind a Service implement, matched by controller name and labels. */
export function routerFor(ctx: TraceContext, pods: readonly Pod[], port: number): Via | undefined {
  const routing = ctx.model.routing;
  if (!routing) return undefined;
  // The OpenShift router's pods: the ingress operator labels them with their IngressController, in openshift-ingress.
  // https://docs.redhat.com/en/documentation/openshift_container_platform/4.17/html/networking/configuring-ingress
  const controller = 'ingresscontroller.operator.openshift.io/deployment-ingresscontroller';
  const openshift = pods.find(
    (p) => p.labels[controller] !== undefined || p.namespace === 'openshift-ingress',
  );
  if (openshift && routing.openshiftRoutes?.length)
    return { kind: 'router', name: openshift.labels[controller] ?? 'default' };
  const generic = new Set([
    'io',
    'k8s',
    'com',
    'org',
    'net',
    'dev',
    'ingress',
    'controller',
    'kubernetes',
    'gateway',
    'networking',
    'x-k8s',
  ]);
  const values = pods.flatMap((p) => Object.values(p.labels).map((v) => v.toLowerCase()));
  for (const c of routing.ingressClasses) {
    const tokens = c.controller
      .toLowerCase()
      .split(/[./-]/)
      .filter((t) => t.length >= 4 && !generic.has(t));
    if (tokens.some((t) => values.some((v) => v.includes(t)))) return { kind: 'ingress-class', name: c.name };
  }
  // k3s installs Traefik without an IngressClass among the manifests: its pods (labelled traefik) serve the
  // IngressRoutes through the class kubetwin assumes, `traefik`.
  if (
    routing.traefikIngressRoutes?.length &&
    !routing.ingressClasses.some((c) => c.name === 'traefik') &&
    values.some((v) => v.includes('traefik'))
  )
    return { kind: 'ingress-class', name: 'traefik' };
  const gateways = routing.gateways.filter((g) => g.listeners.some((l) => l.port === port));
  if (gateways.length === 1)
    return { kind: 'gateway', namespace: gateways[0].namespace, name: gateways[0].name };
  return undefined;
}

/**
 * From outside the cluster to the L7 router: external DNS (the profile's externalHosts), the load balancer or
 * node port, `externalTrafficPolicy` (Local: nodes with a local endpoint, client address kept; Cluster: any node,
 * masqueraded: `masqueradedPolicyHop`), the controller pods, NetworkPolicy at them and the mesh proxy injected into
 * them (`controllerInboundHops`); then the route and the certificate.
 * https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#preserving-the-client-source-ip
 */
export function northSouth(
  ctx: TraceContext,
  clientIP: string,
  target: Extract<FlowTarget, { kind: 'url' } | { kind: 'ip' }>,
): Leg {
  const hops: Hop[] = [];
  let address = target.kind === 'ip' ? target.ip : target.host;
  // An address needs no DNS step: only a name is the load balancer's hostname (loadBalancerNamed).
  const lbName = target.kind === 'url' ? loadBalancerNamed(ctx, target.host) : undefined;
  if (target.kind === 'url' && lbName) {
    address = target.host.toLowerCase().replace(/\.$/, '');
    hops.push({
      kind: 'external-dns',
      title: `${target.host} → load balancer of Service ${lbName.namespace}/${lbName.name}`,
      verdict: 'ok',
      details: [
        `the Service's status.loadBalancer.ingress[].hostname: the DNS name its load balancer answers on (its addresses are the cloud's, not in the model)`,
      ],
      objects: [{ key: lbName.key, source: lbName.source }],
    });
  } else if (
    target.kind === 'url' &&
    !canonicalIP(target.host.replace(/^\[|\]$/g, '')) &&
    ingressesAt(ctx.model, target.host).length
  ) {
    // An Ingress's status.loadBalancer hostname (an ALB's DNS name): the name is that load balancer's.
    address = target.host.toLowerCase().replace(/\.$/, '');
    const named = ingressesAt(ctx.model, address);
    hops.push({
      kind: 'external-dns',
      title: `${target.host} → load balancer of Ingress ${named.map((i) => `${i.namespace}/${i.name}`).join(', ')}`,
      verdict: 'ok',
      details: [
        `the Ingress's status.loadBalancer.ingress[].hostname: the DNS name its load balancer answers on (its addresses are the cloud's, not in the model)`,
      ],
      objects: named.map((i) => ({ key: i.key, source: i.source })),
    });
  } else if (target.kind === 'url' && !/^[\d.]+$|:/.test(target.host)) {
    const ips = ctx.model.profile.externalHosts[target.host];
    if (!ips?.length) {
      // Public DNS is never queried; a Gateway that takes the name says which address to give it.
      const takers = gatewaysTakingHost(ctx.model, target.host);
      const reason = `${target.host} has no address: the profile's externalHosts does not list it (kubetwin does not query public DNS)`;
      hops.push({
        kind: 'external-dns',
        title: `${target.host}: no external address`,
        verdict: 'fail',
        details: [reason, ...takers.map((g) => `the input routes ${target.host} through ${g.text}`)],
        objects: [{ key: 'ClusterProfile', source: ctx.model.profile.source }],
        // Failed only for want of input: the outcome is unknown (as an unknown DNS answer is), never a sure failure.
        unknown: [`the profile's externalHosts does not give ${target.host} an address`],
        undecided: `the profile's externalHosts does not give ${target.host} an address`,
      });
      return {
        hops,
        reason,
        fix: {
          summary:
            takers.length === 1
              ? `add ${target.host}: [${takers[0].address}] to externalHosts in kubetwin.yaml if its public DNS record points at ${takers[0].text}`
              : `add ${target.host} to externalHosts in kubetwin.yaml (its public DNS record)`,
        },
      };
    }
    address = ips[0];
    hops.push({
      kind: 'external-dns',
      title: `${target.host} → ${ips.join(', ')}`,
      verdict: 'ok',
      details: ["from the profile's externalHosts (public DNS)"],
      objects: [{ key: 'ClusterProfile', source: ctx.model.profile.source }],
    });
  }
  const owner = ownerOf(ctx, address, target.port);
  // No Service carries the address, an Ingress's status does: the cloud's load balancer is the router itself.
  const ingresses = owner ? [] : ingressesAt(ctx.model, address);
  if (ingresses.length) {
    const leg = cloudIngressLeg(ctx, clientIP, address, target, ingresses);
    return { ...leg, hops: [...hops, ...leg.hops] };
  }
  const mapped = owner ? undefined : hostPortLeg(ctx, clientIP, address, target);
  if (mapped) return { ...mapped, hops: [...hops, ...mapped.hops] };
  const gateway = owner ? undefined : gatewayAtAddress(ctx.model, address, target.port);
  if (gateway) {
    const ref = `${gateway.namespace}/${gateway.name}`;
    const reason = `${address}:${target.port} is the address of Gateway ${ref} (${gateway.from}), but no Service of the input carries it: the Gateway's data plane (the Service and pods its controller creates) is not among the manifests, so kubetwin cannot follow the request into it`;
    hops.push({
      kind: 'load-balancer',
      title: `${address}:${target.port} → Gateway ${ref} (its data plane is not in the input)`,
      verdict: 'fail',
      details: [
        reason,
        ...(target.kind === 'url'
          ? [
              `kubetwin route --via gateway:${ref} ${target.scheme}://${target.host}${target.path} shows the routing it applies`,
            ]
          : []),
      ],
      objects: [{ key: gateway.key }],
      unknown: [`the data plane of Gateway ${ref} is not among the manifests`],
      undecided: `the data plane of Gateway ${ref} is not among the manifests`,
    });
    return {
      hops,
      reason,
      fix: {
        summary: `add the Service its controller creates for Gateway ${ref} (type LoadBalancer, label gateway.networking.k8s.io/gateway-name: ${gateway.name}) and the pods behind it, to follow the request through the Gateway`,
      },
    };
  }
  const maybe = owner ? [] : undeterminedLoadBalancers(ctx.model, address, target.port);
  if (maybe.length) {
    const names = maybe.map((s) => `${s.namespace}/${s.name}`).join(', ');
    const reason = `${address}:${target.port} may be the load-balancer address of Service ${names}: ${maybe[0].loadBalancerPending?.reason}`;
    hops.push({
      kind: 'load-balancer',
      title: `${address}:${target.port} → undetermined (${maybe[0].loadBalancerPending?.controller ?? 'MetalLB'} may give it to Service ${names})`,
      verdict: 'fail',
      details: [reason],
      objects: maybe.map((s) => ({ key: s.key, source: s.source })),
      undecided: `which Service ${maybe[0].loadBalancerPending?.controller ?? 'MetalLB'} gives ${address}`,
      unknown: [
        `which Service ${maybe[0].loadBalancerPending?.controller ?? 'MetalLB'} gives ${address} (${names} may have it)`,
      ],
    });
    return {
      hops,
      reason,
      fix: {
        summary: `pin the address with the ${maybe[0].loadBalancerPending?.controller === 'Cilium LB IPAM' ? 'lbipam.cilium.io/ips' : 'metallb.io/loadBalancerIPs'} annotation on the Service meant to have it, or give the observed status.loadBalancer.ingress (a cluster dump)`,
      },
    };
  }
  // Cilium's operator makes the load balancers of its Ingresses and Gateways: absent from a manifest set, one of
  // them may hold the address, so the answer is unknown, never a sure failure.
  const unplaced = owner ? [] : missingCiliumLoadBalancers(ctx);
  if (!owner && unplaced.length) {
    const reason = `${address}:${target.port} is no address of the input, but it may be the load-balancer address of ${unplaced.join('; or ')} — not in the input`;
    const unknown = `the load balancers Cilium's operator creates are not in the input (${unplaced.length === 1 ? unplaced[0].split(',')[0] : `${unplaced.length} Services`})`;
    hops.push({
      kind: 'load-balancer',
      title: `${address}:${target.port} → a Cilium Ingress or Gateway load balancer? undetermined`,
      verdict: 'fail',
      details: [reason],
      objects: [],
      unknown: [unknown],
      undecided: unknown,
    });
    return {
      hops,
      reason,
      fix: {
        summary: `give the input the Service Cilium's operator created (kubectl get services -A -l cilium.io/ingress -o yaml; -l io.cilium.gateway/owning-gateway for Gateways), or trace a cluster dump`,
      },
    };
  }
  if (!owner) {
    const reason = `${address}:${target.port} is not a load balancer, external IP or node port of this cluster`;
    hops.push({
      kind: 'load-balancer',
      title: `nothing listens on ${address}:${target.port}`,
      verdict: 'fail',
      details: [reason],
      objects: [],
    });
    return {
      hops,
      reason,
      fix: {
        summary: `point ${target.kind === 'url' ? target.host : address} at the ingress controller's load balancer address (profile loadBalancers / Service status)`,
      },
    };
  }
  const { svc } = owner;
  const sp = svc.ports.find((p) =>
    owner.via === 'node-port' ? p.nodePort === target.port : p.port === target.port,
  )!;
  const local = svc.externalTrafficPolicy === 'Local';
  const ipTargets =
    owner.via === 'load-balancer' && svc.loadBalancerTargets?.type === 'ip'
      ? svc.loadBalancerTargets
      : undefined;
  const outOfRange =
    owner.via === 'load-balancer' ? sourceRangeDrop(svc, address, clientIP, { outside: true }) : undefined;
  // An internal cloud load balancer has only addresses of the cloud network: a public client cannot reach it.
  const scheme = owner.via === 'load-balancer' ? loadBalancerSchemeDrop(svc, address, clientIP) : undefined;
  if (scheme) {
    const internal = 'drop' in scheme;
    const why = internal ? scheme.drop : scheme.unknown;
    hops.push({
      kind: 'load-balancer',
      title: `${owner.via} ${address}:${target.port}: ${internal ? 'internal load balancer, not reachable from' : 'internal or internet-facing? undetermined for'} ${clientIP}`,
      verdict: 'fail',
      details: [why],
      objects: [{ key: svc.key, source: svc.source }],
      ...(internal ? {} : { unknown: [why], undecided: why }),
    });
    return {
      hops,
      reason: why,
      fix: {
        summary: internal
          ? `reach it from the cloud network (VPC/VNet, peering, VPN), or make the load balancer of Service ${svc.namespace}/${svc.name} internet-facing if it is meant to be public`
          : `set the scheme annotation of Service ${svc.namespace}/${svc.name} (service.beta.kubernetes.io/aws-load-balancer-scheme: internal or internet-facing)`,
      },
    };
  }
  if (outOfRange) {
    hops.push({
      kind: 'load-balancer',
      title: `${owner.via} ${address}:${target.port}: source ${clientIP} not in loadBalancerSourceRanges`,
      verdict: 'fail',
      details: [outOfRange],
      objects: [{ key: svc.key, source: svc.source }],
    });
    return {
      hops,
      reason: outOfRange,
      fix: {
        summary: `add ${clientIP} (or its range) to ${svc.loadBalancerSourceRanges?.length ? 'spec.loadBalancerSourceRanges' : 'the annotation service.beta.kubernetes.io/load-balancer-source-ranges'} of Service ${svc.namespace}/${svc.name}`,
      },
    };
  }
  // Cilium LB IPAM only allocates: an address no L2 announcement (or BGP) answers for is not reachable from outside.
  const announcement = owner.via === 'load-balancer' ? svc.loadBalancerAnnouncement : undefined;
  if (announcement && announcement.state !== 'announced') {
    const unsure = announcement.state === 'unknown';
    hops.push({
      kind: 'load-balancer',
      title: `${owner.via} ${address}:${target.port}: ${unsure ? 'announced outside the cluster? undetermined' : 'not announced: nothing outside the cluster reaches it'}`,
      verdict: 'fail',
      details: [announcement.reason],
      objects: [{ key: svc.key, source: svc.source }],
      ...(unsure ? { unknown: [announcement.reason], undecided: announcement.reason } : {}),
    });
    return {
      hops,
      reason: announcement.reason,
      fix: {
        summary: `announce ${address}: a CiliumL2AnnouncementPolicy with loadBalancerIPs: true whose serviceSelector matches Service ${svc.namespace}/${svc.name} (and enable-l2-announcements: "true" in cilium-config), or a BGP advertisement of it`,
      },
    };
  }
  // Cilium Ingress: the node's Envoy takes the connection, whatever the Service's endpoints say.
  const cilium = ciliumIngressService(ctx, svc);
  if (cilium) {
    const url = target.kind === 'url' ? target : undefined;
    const leg = ciliumIngressLeg(ctx, cilium, { client: { ip: clientIP }, address, port: target.port, url });
    return {
      hops: [...hops, ...leg.hops],
      candidates: leg.candidates,
      ...(leg.reason ? { reason: leg.reason } : {}),
      ...(leg.fix ? { fix: leg.fix } : {}),
    };
  }
  hops.push({
    kind: 'load-balancer',
    title: `${owner.via === 'node-port' ? `node ${owner.node} port ${target.port}` : `${owner.via} ${address}:${target.port}`} → Service ${svc.namespace}/${svc.name} port ${sp.port} (nodePort ${sp.nodePort ?? 'none'})`,
    verdict: 'ok',
    details: [
      ipTargets
        ? `target type ip (${ipTargets.by}): the load balancer connects to the pod addresses itself — no node port, no kube-proxy, externalTrafficPolicy does not apply; the pods see ${ipTargets.clientAddressKept ? `the client address ${clientIP}` : "the load balancer's own private address (client IP preservation off)"}`
        : local && owner.via === 'external-ip'
          ? `externalTrafficPolicy: Local — the node the network routes ${address} to sends only to its own endpoints (no health check steers an externalIP); the client address ${clientIP} is preserved`
          : local
            ? `externalTrafficPolicy: Local — only nodes with a ready local endpoint pass the health check${svc.healthCheckNodePort ? ` (healthCheckNodePort ${svc.healthCheckNodePort})` : ''}; the client address ${clientIP} is preserved`
            : `externalTrafficPolicy: Cluster — ${owner.via === 'load-balancer' && owner.node ? `node ${owner.node} accepts` : 'any node accepts'}, and kube-proxy masquerades the connection to the address of that node's interface toward the endpoint (the client address is lost)`,
      ...(announcement ? [`Cilium L2 announcement: ${announcement.reason}`] : []),
      ...(owner.via === 'load-balancer' && owner.node
        ? [
            `k3s ServiceLB: ${address} is node ${owner.node}'s own address (the Service's status lists the nodes running its svclb pods), so the connection arrives on ${owner.node}`,
          ]
        : []),
    ],
    objects: [{ key: svc.key, source: svc.source }],
  });
  const svcLeg = serviceHop(
    ctx,
    svc,
    sp.port,
    sp.protocol,
    owner.via === 'node-port'
      ? { kind: 'external', ip: clientIP, via: { node: owner.node! } }
      : owner.via === 'external-ip'
        ? { kind: 'external', ip: clientIP, via: 'external-ip' }
        : {
            kind: 'external',
            ip: clientIP,
            via: 'loadbalancer',
            ...(owner.node ? { arrival: owner.node } : {}),
          },
  );
  hops.push(...svcLeg.hops.map((h) => (h.kind === 'service' ? { ...h, kind: 'node' as const } : h)));
  if (svcLeg.reason) return { hops, reason: svcLeg.reason };
  const candidates = svcLeg.candidates;
  const targets = candidates.map((c) => ({
    label: c.pod ? `${c.pod.namespace}/${c.pod.name}` : c.address,
    address: c.address,
    port: c.port,
    pod: c.pod,
    nodeName: c.nodeName,
  }));
  const outside: Party = { kind: 'ip', ip: clientIP, label: `client ${clientIP}` };
  // Cluster: kube-proxy masquerades; each endpoint is judged for every source address that can give it.
  const pol = ipTargets
    ? unheldSourcePolicyHop(ctx, outside, targets, sp.protocol, {
        kept: ipTargets.clientAddressKept,
        from: 'its own private address in the VPC (target type ip, client IP preservation off)',
      })
    : local
      ? { ...policyHop(ctx, outside, targets, sp.protocol), client: outside }
      : masqueradedPolicyHop(ctx, owner.node, targets, sp.protocol, outside, {
          loadBalancer: owner.via === 'load-balancer',
          service: svc,
        });
  const client = pol.client;
  hops.push({
    ...pol.hop,
    title: `${pol.hop.title} at the pods behind ${svc.namespace}/${svc.name}`,
  });
  if (!pol.delivered.length) return { hops, reason: pol.reason, fix: pol.fix, client };
  // A mesh proxy injected into the pods (an ingress controller's) judges the connection next.
  const meshIn = controllerInboundHops(ctx, client, {
    targets,
    delivered: pol.delivered,
    protocol: sp.protocol,
    via: ctx.model.mesh?.name ? routerFor(ctx, podsOf(targets), target.port) : undefined,
    at: `the pods behind ${svc.namespace}/${svc.name}`,
    ...(target.kind === 'url' && target.scheme === 'http'
      ? {
          http: {
            method: target.method ?? 'GET',
            path: target.path,
            headers: { ...target.headers, host: target.host },
          },
        }
      : {}),
  });
  hops.push(...meshIn.hops);
  if (!meshIn.delivered.length) return { hops, reason: meshIn.reason, fix: meshIn.fix, client };
  const reached = candidates.filter((c) =>
    meshIn.delivered.some((d) => d.ip === c.address && d.port === c.port),
  );
  if (target.kind !== 'url' || (target.scheme !== 'http' && target.scheme !== 'https'))
    return { hops, candidates: reached, client };
  const pods = reached.map((c) => c.pod).filter((p): p is Pod => !!p);
  // An Istio gateway's AuthorizationPolicies judge the request before its routes do.
  const gateways = targets.filter((t) => reached.some((c) => c.address === t.address && c.port === t.port));
  const judgeIstioGateway = () => {
    const arrival = ipTargets
      ? ipTargets.clientAddressKept
        ? { kind: 'client' as const, client: outside }
        : { kind: 'unknown' as const }
      : local
        ? { kind: 'client' as const, client: outside }
        : {
            kind: 'masquerade' as const,
            via: owner.node,
            loadBalancer: owner.via === 'load-balancer',
            service: svc,
          };
    return istioGatewayAuthz(ctx, gateways, {
      sources: gatewaySources(ctx, arrival, gateways),
      http: { method: target.method || 'GET', path: target.path, headers: { host: target.host } },
      scheme: target.scheme,
      ...(arrival.kind === 'masquerade' ? { masqueraded: `${svc.namespace}/${svc.name}` } : {}),
    });
  };
  if (pods.length && servesIstioGateway(ctx, pods)) {
    const authz = judgeIstioGateway();
    hops.push(...authz.hops);
    if (authz.denied) return { hops, reason: authz.denied.reason, fix: authz.denied.fix, client };
    const leg = istioGatewayLeg(ctx, hops, pods, target);
    return { ...leg, client: leg.client ?? client };
  }
  const via = routerFor(ctx, pods, target.port);
  if (!via || !pods.length) {
    // With no L7 routing object in the input, the pods behind the Service are the application itself: nothing
    // was missed, so the hop informs; with some, the request may have been meant for a router kubetwin did not see.
    const routing = declaresL7Routing(ctx.model);
    hops.push({
      kind: 'controller',
      title: 'no L7 router identified',
      verdict: routing ? 'warn' : 'info',
      details: [
        routing
          ? `the pods behind ${svc.namespace}/${svc.name} match no IngressClass controller or Gateway; the request is delivered to them as plain TCP`
          : `the input declares no Ingress, Gateway, route or mesh: the request is delivered to the pods behind ${svc.namespace}/${svc.name} as plain TCP`,
      ],
      objects: [],
    });
    return { hops, candidates: reached, client };
  }
  const router = ctx.router(via);
  if (typeof router === 'string') {
    hops.push(routerUnavailable(router));
    return { hops, reason: router };
  }
  if (istioClassGateway(ctx.model, via)) {
    const authz = judgeIstioGateway();
    hops.push(...authz.hops);
    if (authz.denied) return { hops, reason: authz.denied.reason, fix: authz.denied.fix, client };
  }
  // The router's peer is the client when the path keeps its address (an Envoy Gateway SecurityPolicy authorizes by
  // it); the internet stand-in address is no client's, so it is not offered.
  const kept = ipTargets ? ipTargets.clientAddressKept : local;
  const req = parseRequest({
    url: `${target.scheme}://${target.host}:${target.port}${target.path}`,
    method: (target.kind === 'url' && target.method) || 'GET',
    headers: Object.entries((target.kind === 'url' && target.headers) || {}).map(([k, v]) => `${k}: ${v}`),
    ...(kept && clientIP !== internetClient ? { clientAddress: clientIP } : {}),
  });
  if (typeof req === 'string') return { hops, reason: req };
  const result = router.explain(req);
  const d = result.decision;
  const winner = d.winner ? `${d.winner.object} ${d.winner.at} (${d.winner.match})` : 'no rule';
  const lost = d.lost.slice(0, 5).map((l) => `lost: ${l.object} ${l.at} — ${l.reason}`);
  const routeObjects = d.winner ? [{ key: d.winner.object }] : [];
  // What the router could not decide (another router for the host, an undecidable rule, an unmodeled field).
  const undecided = (d.unknown ?? []).map((u) => u.text);
  const notes = [...d.notes, ...unknownLines(d.unknown)];
  // A Gateway listener that is not programmed is not served: the request fails there, whatever its routes say.
  const offListener = d.notServed;
  if (offListener) {
    hops.push({
      kind: 'route',
      title: `${result.via}: ${req.host}${req.path} → listener not programmed`,
      verdict: 'fail',
      details: [`would win: ${winner}`, ...lost, ...notes],
      objects: routeObjects,
    });
    return {
      hops,
      reason: offListener.message,
      fix: { summary: offListener.fix, culprit: offListener.object },
    };
  }
  // A TLS Passthrough listener took the SNI: its TLSRoute, not an HTTPRoute, picks the backend.
  const passthrough = passthroughLeg(ctx, router, result, pods);
  if (passthrough) {
    hops.push(...passthrough.hops);
    return { ...passthrough, hops, client };
  }
  if (d.status === 200 && d.backends.length) {
    const b = d.backends.find((x) => !x.problem) ?? d.backends[0];
    hops.push({
      kind: 'route',
      title: `${result.via}${result.profile ? ` (${result.profile})` : ''}: ${req.host}${req.path} → Service ${b.namespace}/${b.name}:${b.port ?? '?'}`,
      // A router or mesh kubetwin does not model names this host or backend: never a plain `ok`.
      verdict: b.problem ? 'fail' : undecided.length ? 'warn' : 'ok',
      destinations: [{ target: `service:${b.namespace}/${b.name}`, port: b.port ?? 0 }],
      details: [`won: ${winner}`, ...lost, ...notes],
      objects: routeObjects,
      ...(undecided.length ? { unknown: undecided } : {}),
    });
    // The gateway pod that forwards the request sends the copies too (the first one the request reached).
    const sender = pods[0];
    hops.push(
      ...gatewayMirrorHops(d.mirrors, result.mirrorEndpoints, {
        winner: d.winner?.object,
        ...(sender
          ? {
              source: {
                ctx,
                pod: sender,
                http: { method: req.method, path: req.path, headers: { host: req.host } },
              },
            }
          : {}),
      }),
    );
    const cert = certificateHop(result.certificate);
    if (cert) hops.push(cert.hop);
    if (cert?.hop.verdict === 'fail') return { hops, reason: cert.reason, fix: cert.fix };
    if (b.problem) return { hops, reason: b.problem };
    const backend = ctx.serviceNamed(b.namespace, b.name);
    if (!backend || b.port === undefined)
      return { hops, reason: `backend Service ${b.namespace}/${b.name} not found` };
    const forwarded = {
      method: req.method,
      path: d.rewrittenPath ?? req.path,
      headers: { host: d.rewrittenHost ?? req.host },
    };
    return {
      hops,
      next: {
        service: backend,
        port: b.port,
        from: pods[0],
        http: forwarded,
        route: {
          via,
          ...(result.profile ? { profile: result.profile } : {}),
          ...(d.winner ? { winner: d.winner.object } : {}),
          request: { host: req.host, path: req.path, method: req.method },
        },
      },
      client,
    };
  }
  const status = d.redirect ? `${d.status} redirect to ${d.redirect.location}` : `HTTP ${d.status}`;
  hops.push({
    kind: 'route',
    title: `${result.via}: ${req.host}${req.path} → ${status}`,
    verdict: d.redirect ? 'warn' : 'fail',
    details: [`won: ${winner}`, ...lost, ...notes],
    objects: routeObjects,
    // A router kubetwin cannot decide may have taken the request: the 404 or redirect is not certain either.
    ...(undecided.length ? { unknown: undecided } : {}),
  });
  return d.redirect
    ? { hops, client }
    : {
        hops,
        reason: `the ${result.via} router answers ${status} for ${req.host}${req.path}`,
        fix: { summary: refusalFix(via, req, d), ...(d.refusedBy ? { culprit: d.refusedBy } : {}) },
      };
}

/**
 * What to change when the router answers with an error: a SecurityPolicy's authorization refused the request, a
 * rule matched (its backends, or a filter it cannot resolve, made the answer; the route hop's notes say which), or
 * none did (a rule is missing for the host and path).
 */
function refusalFix(via: Via, req: HttpRequest, d: RouteDecision): string {
  if (via.kind === 'router')
    return `add an admitted Route for ${req.host}${req.path} served on ${req.scheme.toUpperCase()} (tls.termination and insecureEdgeTerminationPolicy)`;
  // The SecurityPolicy's RBAC filter answered before the route's backends: the fix is in its authorization.
  // https://gateway.envoyproxy.io/docs/tasks/security/restrict-ip-access/
  if (d.refusedBy)
    return d.status === 403
      ? `admit the client in ${d.refusedBy}'s authorization (an Allow rule whose principal.clientCIDRs holds its address, or defaultAction Allow), or send the request from an address it allows`
      : `fix ${d.refusedBy}'s authorization: Envoy Gateway cannot translate it and answers ${d.status} (the route hop's notes say why)`;
  if (d.winner)
    return `fix ${d.winner.object} ${d.winner.at.replace(/\.matches\[\d+\]$/, '')}: it matches ${req.host}${req.path} and answers ${d.status} (the route hop's notes say why)`;
  return via.kind === 'gateway'
    ? `add an HTTPRoute rule for ${req.host}${req.path} attached to Gateway ${via.namespace}/${via.name}`
    : via.kind === 'ingress-class'
      ? `add a rule for ${req.host}${req.path} to an Ingress of class ${via.name} (or an HTTPRoute)`
      : `add a rule for ${req.host}${req.path} to an Ingress (or an HTTPRoute)`;
}

function certificateHop(c: CertificateChoice | undefined) {
  if (!c) return undefined;
  const benign =
    c.status === 'ok' ||
    c.status === 'router-default' ||
    (c.status === 'secret-missing' && c.certManager?.issuerDeclared);
  const hop: Hop = {
    kind: 'tls',
    title: `TLS: ${c.secret ?? c.from ?? 'no certificate configured'} — ${c.status}`,
    verdict: c.status === 'ok' ? 'ok' : benign ? 'warn' : 'fail',
    details: [c.message],
    objects: c.secret ? [{ key: `Secret/${c.secret}` }] : [],
  };
  return {
    hop,
    reason:
      c.status === 'secret-missing'
        ? `TLS: Secret ${c.secret} does not exist${c.certManager ? ` and ${c.certManager.issuer}, which cert-manager would issue it from, is ${c.certManager.issuerDeclared ? 'declared' : 'not among the manifests'}` : ''}: clients get the controller's default certificate`
        : `TLS: ${c.status} — ${c.message}`,
    fix: {
      summary:
        c.certManager && !c.certManager.issuerDeclared
          ? `declare ${c.certManager.issuer} for cert-manager (or create the Secret ${c.secret})`
          : `serve a certificate covering the host`,
    },
  };
}

/** Does the input declare anything that routes HTTP (Ingress, Gateway, HTTP/L4 routes, OpenShift Routes, IngressRoutes, a mesh)? */
function declaresL7Routing(model: ClusterModel): boolean {
  const r = model.routing;
  return (
    !!model.mesh?.name ||
    (!!r &&
      (r.ingresses.length > 0 ||
        r.gateways.length > 0 ||
        r.routes.length > 0 ||
        r.l4Routes.length > 0 ||
        (r.openshiftRoutes?.length ?? 0) > 0 ||
        (r.traefikIngressRoutes?.length ?? 0) > 0))
  );
}
