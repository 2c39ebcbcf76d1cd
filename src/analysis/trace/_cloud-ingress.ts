/**
 * From outside the cluster to an Ingress's own load-balancer address (`status.loadBalancer.ingress`): where the
 * cloud's load balancer is the router itself and no Service of the cluster carries that address. Followed for the
 * AWS Load Balancer Controller's ALB (IngressClass controller `ingress.k8s.aws/alb`, class annotation `alb`):
 * its scheme and security group (`albScheme`, `albInbound`), its listener rules (the `alb` routing profile, over
 * the Ingresses of its IngressGroup only: the address names one ALB), and its targets (`albTargetType`): the
 * NodePort of the backend Service on the nodes (instance) or the pod addresses (ip). An ALB is a proxy: the pods
 * (ip, or instance with externalTrafficPolicy Local) see its private address, never the client's.
 * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/how-it-works/
 * Other controllers' Ingress addresses (GKE, Application Gateway) are named, and their path is unknown.
 */
import type { Ingress } from '../../model/routing.ts';
import type { ClusterModel, Service } from '../../model/types.ts';
import { cidrContains, isPublicAddress, parseCidr, parseIP } from '../../lib/ip.ts';
import {
  albGroupOf,
  albInbound,
  albListeners,
  albScheme,
  albTargetType,
  type AlbTargetType,
  controllerProfileFor,
  ingressesOfClass,
  resolveIngressClass,
} from '../ingress/index.ts';
import type { FlowTarget } from '../flows/index.ts';
import type { Party } from '../policy/index.ts';
import type { TraceContext } from './_context.ts';
import type { Leg } from './_north-south.ts';
import { serviceHop } from './_service.ts';
import { unheldSourcePolicyHop } from './_unheld-source.ts';
import type { Hop } from './types.ts';
import { routeOnLoadBalancer } from './_load-balancer-route.ts';
import { gkeClass, gkeIngressLeg } from './_gke-ingress.ts';
import { throughProxiedIstioGateway } from './_proxied-istio-gateway.ts';

/** The Ingresses whose `status.loadBalancer.ingress` holds `address` (an IP, or a load balancer's DNS name). */
export function ingressesAt(model: ClusterModel, address: string): Ingress[] {
  const a = address.toLowerCase().replace(/\.$/, '');
  return (model.routing?.ingresses ?? []).filter((i) => i.loadBalancerIngress.includes(a));
}

/** The leg through the load balancer of `ingresses` (which share `address`), for a client at `clientIP`. */
export function cloudIngressLeg(
  ctx: TraceContext,
  clientIP: string,
  address: string,
  target: Extract<FlowTarget, { kind: 'url' } | { kind: 'ip' }>,
  ingresses: readonly Ingress[],
): Leg {
  const routing = ctx.model.routing!;
  const first = ingresses[0];
  const className = resolveIngressClass(first, routing.ingressClasses).className;
  const objects = ingresses.map((i) => ({ key: i.key, source: i.source }));
  const stop = (title: string, why: string, fix: string, unknown: boolean, also?: string): Leg =>
    stopLeg(objects, { title, why: unknown && also ? `${why}, unless ${also}` : why, fix, unknown });
  const at = `${address}:${target.port}`;
  const profile = className ? controllerProfileFor(className, routing.ingressClasses) : undefined;
  if (gkeClass(first)) return gkeIngressLeg(ctx, clientIP, address, target, first);
  if (!className || profile !== 'alb')
    return stop(
      `${at} → load balancer of Ingress ${first.namespace}/${first.name} (not followed)`,
      `${address} is the load-balancer address of Ingress ${first.namespace}/${first.name} (class ${className ?? 'none'}; its status.loadBalancer), and no Service of the input carries it: kubetwin follows the load balancer of an Ingress itself only for the AWS Load Balancer Controller (alb) and GKE (annotation kubernetes.io/ingress.class: gce or gce-internal), so where this one sends the request is unknown`,
      className
        ? `add the Service that carries ${address} (the controller's), or ask kubetwin route --via ingress-class:${className} for the routing alone`
        : `give Ingress ${first.namespace}/${first.name} an ingressClassName`,
      true,
    );
  const group = albGroupOf(first);
  const members = ingressesOfClass(routing, className).filter((i) => albGroupOf(i) === group);
  const url =
    target.kind === 'url' && (target.scheme === 'http' || target.scheme === 'https') ? target : undefined;
  if (!url)
    return stop(
      `${at} → ALB of ${group}: an HTTP(S) listener`,
      `${address} is the ALB of ${group}, which listens for HTTP and HTTPS only: trace an http:// or https:// URL to follow a request through its listener rules`,
      `trace http://${address}${target.port === 80 ? '' : `:${target.port}`}/ (or https://)`,
      true,
    );
  // IngressClassParams (https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/ingress_class/)
  // override the scheme, inbound CIDRs, group and more of every ALB of the class: not read.
  const params = routing.ingressClasses.find((c) => c.name === className)?.parameters;
  const paramsUnknown = params
    ? `IngressClass ${className} takes its parameters from ${params.kind} ${params.name}, which can set the scheme, inbound CIDRs, group and target type of its ALBs and which kubetwin does not read`
    : undefined;
  const client = parseIP(clientIP);
  const scheme = albScheme(members, address);
  if ('unknown' in scheme && isPublicAddress(clientIP))
    return stop(
      `${at} → ALB of ${group}: internal or internet-facing? undetermined for ${clientIP}`,
      `whether the ALB of ${group} is internal or internet-facing: ${scheme.unknown}; an internal one is out of reach of the internet client ${clientIP}`,
      `set one alb.ingress.kubernetes.io/scheme on the Ingresses of the ALB of ${group}`,
      true,
    );
  if ('scheme' in scheme && scheme.scheme === 'internal' && isPublicAddress(clientIP))
    return stop(
      `${at}: internal ALB, not reachable from ${clientIP}`,
      `the ALB of ${group} is internal (${scheme.by}): its addresses are private to the VPC, so the internet client ${clientIP} cannot reach it`,
      `reach it from the VPC (peering, VPN), or set alb.ingress.kubernetes.io/scheme: internet-facing on the Ingresses of the ALB of ${group} if it is meant to be public`,
      !!paramsUnknown && !scheme.by.startsWith('its DNS name'),
      paramsUnknown,
    );
  const listener = `${url.scheme.toUpperCase()}:${url.port}`;
  const on = members.filter((i) => {
    const l = albListeners(i);
    return typeof l !== 'string' && l.has(listener);
  });
  const inbound = albInbound(members, on);
  if ('unknown' in inbound)
    return stop(
      `${at} → ALB of ${group}: security groups decide ${clientIP}`,
      inbound.unknown,
      `give the rules of the attached security groups, or use alb.ingress.kubernetes.io/inbound-cidrs`,
      true,
    );
  const ranges = inbound.cidrs.map(parseCidr).filter((c) => c && client && c.family === client.family);
  if (client && !ranges.some((c) => c && cidrContains(c, client)))
    return stop(
      `${at} → ALB of ${group}: source ${clientIP} not in inbound-cidrs`,
      `the ALB's security group admits only ${inbound.by}: the source ${clientIP} is outside them, so the connection is dropped`,
      `add ${clientIP} (or its range) to alb.ingress.kubernetes.io/inbound-cidrs of the Ingress listening on ${listener} (ALB of ${group})`,
      !!paramsUnknown,
      paramsUnknown,
    );
  const hops: Hop[] = [
    {
      kind: 'load-balancer',
      title: `${at} → ALB of ${group}`,
      verdict: paramsUnknown ? 'warn' : 'ok',
      ...(paramsUnknown ? { unknown: [paramsUnknown] } : {}),
      details: [
        `${address} is the status.loadBalancer of ${members
          .filter((i) => ingresses.includes(i))
          .map((i) => i.key)
          .join(', ')}: the AWS Load Balancer Controller's Application Load Balancer, one per IngressGroup`,
        `scheme: ${'scheme' in scheme ? `${scheme.scheme} (${scheme.by})` : 'not decisive for a private client'}${'scheme' in scheme && scheme.scheme === 'internal' ? `; ${clientIP} is a private address, taken to be in the VPC` : ''}`,
        `security group: ${inbound.by}`,
        ...(paramsUnknown ? [`unknown: ${paramsUnknown}`] : []),
      ],
      objects,
    },
  ];
  const from = outside(clientIP);
  // The address names one ALB: only its group's Ingresses are its rules (another group may take the same host).
  const leg = routeOnLoadBalancer(ctx, url, {
    hops,
    members,
    className,
    lb: `ALB of ${group}`,
    next: (ing, svc, port) =>
      // The target may be an Istio ingress gateway, which authorizes and routes the request on.
      throughProxiedIstioGateway(
        ctx,
        targetGroupLeg(ctx, { hops, svc, port, from, type: albTargetType(ing, svc), lb: albPool }),
        { url, svc, port, lb: { from: albPool.from, scheme: albBackendScheme(ing, svc) } },
      ),
  });
  return { ...leg, client: from };
}

/** How a load balancer's backend pool is named and where its connections come from. */
export interface BackendPool {
  /** `ALB`, `GKE load balancer`. */
  readonly name: string;
  /** `target group`, `backend`. */
  readonly pool: string;
  /** The address the pods or nodes see: `the ALB's private address in the VPC`. */
  readonly from: string;
  /** Why a backend that is no NodePort Service cannot be an instance target. */
  readonly refusal: string;
  /** How to send to the pod addresses instead. */
  readonly toPods: string;
}

const albPool: BackendPool = {
  name: 'ALB',
  pool: 'target group',
  from: "the ALB's private address in the VPC",
  refusal:
    'the controller refuses it ("service must be of type NodePort or LoadBalancer to use instance mode")',
  toPods: 'set alb.ingress.kubernetes.io/target-type: ip',
};

/** A leg that ends at the load balancer: `unknown` when only missing input decides it. */
export function stopLeg(
  objects: Hop['objects'],
  s: { readonly title: string; readonly why: string; readonly fix: string; readonly unknown: boolean },
): Leg {
  return {
    hops: [
      {
        kind: 'load-balancer',
        title: s.title,
        verdict: 'fail',
        details: [s.why],
        objects,
        ...(s.unknown ? { unknown: [s.why], undecided: s.why } : {}),
      },
    ],
    reason: s.why,
    fix: { summary: s.fix },
  };
}

export const outside = (ip: string): Extract<Party, { kind: 'ip' }> => ({
  kind: 'ip',
  ip,
  label: `client ${ip}`,
});

/**
 * The ALB's target group for one backend Service port: `instance` registers the nodes at the Service's NodePort
 * (kube-proxy then forwards, as for any node-port connection; the Service "must be of type NodePort or
 * LoadBalancer"), `ip` the ready pod addresses at the target port. ALB health checks keep a target that fails them
 * out of rotation: with externalTrafficPolicy Local only nodes with a ready local endpoint pass.
 * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#target-type
 */
export function targetGroupLeg(
  ctx: TraceContext,
  t: {
    hops: Hop[];
    svc: Service;
    type: AlbTargetType;
    lb: BackendPool;
    port: number;
    from: Extract<Party, { kind: 'ip' }>;
  },
): Leg {
  const { hops, svc } = t;
  const name = `Service ${svc.namespace}/${svc.name}`;
  const { type, lb } = t;
  const sp = svc.ports.find((p) => p.port === t.port && p.protocol === 'TCP');
  const fail = (title: string, why: string, unknown: boolean, fix: string): Leg => {
    hops.push({
      kind: 'node',
      title,
      verdict: 'fail',
      details: [why],
      objects: [{ key: svc.key, source: svc.source }],
      ...(unknown ? { unknown: [why], undecided: why } : {}),
    });
    return { hops, reason: why, fix: { summary: fix } };
  };
  if ('unknown' in type)
    return fail(
      `${lb.name} ${lb.pool} of ${name}: target type?`,
      type.unknown,
      true,
      'set target-type to instance or ip',
    );
  if (!sp)
    return fail(
      `${lb.name} ${lb.pool} of ${name}: no port ${t.port}/TCP`,
      `${name} has no TCP port ${t.port}`,
      false,
      `add port ${t.port} to ${name}`,
    );
  const local = svc.externalTrafficPolicy === 'Local';
  let leg;
  if (type.type === 'instance') {
    if ((svc.type !== 'NodePort' && svc.type !== 'LoadBalancer') || !sp.nodePort)
      return fail(
        `${lb.name} ${lb.pool} of ${name} (instance): no NodePort`,
        `target type instance (${type.by}) registers the nodes at the Service's NodePort, but ${name} is of type ${svc.type}: ${lb.refusal}`,
        false,
        `make ${name} type NodePort, or ${lb.toPods}`,
      );
    // The load balancer spreads over the registered nodes; with Local only nodes holding a ready endpoint pass its health check.
    const any = serviceHop(ctx, svc, sp.port, sp.protocol, { kind: 'unspecified' });
    const nodes = [...new Set(ctx.model.nodes.map((n) => n.name))].sort();
    const node = local ? any.candidates.find((c) => c.nodeName)?.nodeName : nodes[0];
    if (!node)
      return fail(
        `${lb.name} ${lb.pool} of ${name} (instance): no healthy node`,
        `${name} has no ready endpoint on a node: every node fails the ${lb.name}'s health check`,
        false,
        `run a ready pod behind ${name}`,
      );
    hops.push({
      kind: 'load-balancer',
      title: `${lb.name} ${lb.pool} (instance) → nodes at nodePort ${sp.nodePort} of ${name}`,
      verdict: 'ok',
      details: [
        `${type.by}: the ${lb.name} opens a new connection from ${lb.from} to a registered node's port ${sp.nodePort}; kube-proxy forwards it`,
        local
          ? `externalTrafficPolicy: Local — only nodes with a ready local endpoint pass the ${lb.name}'s health check (shown through ${node}); the pods see the ${lb.name}'s address`
          : `externalTrafficPolicy: Cluster — any node passes the health check (shown through ${node}); kube-proxy masquerades to the node's address`,
      ],
      objects: [{ key: svc.key, source: svc.source }],
    });
    leg = serviceHop(ctx, svc, sp.port, sp.protocol, {
      kind: 'external',
      ip: `the ${lb.name}`,
      via: { node },
    });
    hops.push(...leg.hops.map((h) => (h.kind === 'service' ? { ...h, kind: 'node' as const } : h)));
  } else {
    hops.push({
      kind: 'load-balancer',
      title: `${lb.name} ${lb.pool} (ip) → pod addresses of ${name} port ${sp.port}`,
      verdict: 'ok',
      details: [
        `${type.by}: the ${lb.name} registers the ready pod addresses and connects to them from ${lb.from} — no node port, no kube-proxy, externalTrafficPolicy does not apply`,
      ],
      objects: [{ key: svc.key, source: svc.source }],
    });
    leg = serviceHop(ctx, svc, sp.port, sp.protocol, { kind: 'unspecified' });
    hops.push(...leg.hops.filter((h) => h.kind !== 'service'));
  }
  if (leg.reason) return { hops, reason: leg.reason };
  const targets = leg.candidates.map((c) => ({
    label: c.pod ? `${c.pod.namespace}/${c.pod.name}` : c.address,
    address: c.address,
    port: c.port,
    pod: c.pod,
    nodeName: c.nodeName,
  }));
  // The pods never see the client: the load balancer proxies (the client is in X-Forwarded-For only).
  const pol = unheldSourcePolicyHop(ctx, t.from, targets, sp.protocol, {
    kept: false,
    from:
      type.type === 'instance' && !local
        ? `a node's address (kube-proxy masquerades the ${lb.name}'s connection) or ${lb.from}`
        : `${lb.from} (the ${lb.name} proxies: the client's address reaches the pods only in X-Forwarded-For)`,
  });
  hops.push({ ...pol.hop, title: `${pol.hop.title} at the pods behind ${svc.namespace}/${svc.name}` });
  if (!pol.delivered.length) return { hops, reason: pol.reason, fix: pol.fix };
  const reached = leg.candidates.filter((c) =>
    pol.delivered.some((d) => d.ip === c.address && d.port === c.port),
  );
  return { hops, candidates: reached };
}

/**
 * The protocol the ALB speaks to its targets: `alb.ingress.kubernetes.io/backend-protocol` (HTTP or HTTPS; the
 * Service's annotation wins over the Ingress's), HTTP by default.
 * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#backend-protocol
 */
export function albBackendScheme(ing: Ingress, svc: Service): 'http' | 'https' {
  const key = 'alb.ingress.kubernetes.io/backend-protocol';
  const v = (svc.annotations[key] ?? ing.annotations[key])?.trim().toUpperCase();
  return v === 'HTTPS' ? 'https' : 'http';
}
