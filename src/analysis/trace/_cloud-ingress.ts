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
import type { ClusterModel } from '../../model/types.ts';
import { cidrContains, isPublicAddress, parseCidr, parseIP } from '../../lib/ip.ts';
import {
  albGroupOf,
  albInbound,
  albListeners,
  albScheme,
  albTargetType,
  controllerProfileFor,
  ingressesOfClass,
  resolveIngressClass,
} from '../ingress/index.ts';
import { compileRouter, parseRequest, unknownLines } from '../route/index.ts';
import type { FlowTarget } from '../flows/index.ts';
import type { Party } from '../policy/index.ts';
import type { TraceContext } from './_context.ts';
import type { Leg } from './_north-south.ts';
import { serviceHop } from './_service.ts';
import { unheldSourcePolicyHop } from './_unheld-source.ts';
import type { Hop } from './types.ts';

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
  const stop = (title: string, why: string, fix: string, unknown: boolean): Leg => ({
    hops: [
      {
        kind: 'load-balancer',
        title,
        verdict: 'fail',
        details: [why],
        objects,
        ...(unknown ? { unknown: [why], undecided: why } : {}),
      },
    ],
    reason: why,
    fix: { summary: fix },
  });
  const at = `${address}:${target.port}`;
  const profile = className ? controllerProfileFor(className, routing.ingressClasses) : undefined;
  if (!className || profile !== 'alb')
    return stop(
      `${at} → load balancer of Ingress ${first.namespace}/${first.name} (not followed)`,
      `${address} is the load-balancer address of Ingress ${first.namespace}/${first.name} (class ${className ?? 'none'}; its status.loadBalancer), and no Service of the input carries it: kubetwin follows the load balancer of an Ingress itself only for the AWS Load Balancer Controller (alb), so where this one sends the request is unknown`,
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
      false,
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
      false,
    );
  const hops: Hop[] = [
    {
      kind: 'load-balancer',
      title: `${at} → ALB of ${group}`,
      verdict: 'ok',
      details: [
        `${address} is the status.loadBalancer of ${members
          .filter((i) => ingresses.includes(i))
          .map((i) => i.key)
          .join(', ')}: the AWS Load Balancer Controller's Application Load Balancer, one per IngressGroup`,
        `scheme: ${'scheme' in scheme ? `${scheme.scheme} (${scheme.by})` : 'not decisive for a private client'}${'scheme' in scheme && scheme.scheme === 'internal' ? `; ${clientIP} is a private address, taken to be in the VPC` : ''}`,
        `security group: ${inbound.by}`,
      ],
      objects,
    },
  ];
  const from = outside(clientIP);
  return { ...routeThroughAlb(ctx, url, { hops, members, className, group, from }), client: from };
}

const outside = (ip: string): Extract<Party, { kind: 'ip' }> => ({ kind: 'ip', ip, label: `client ${ip}` });

/** The ALB's listener rules over its group's Ingresses, then its target group: node ports or pod addresses. */
function routeThroughAlb(
  ctx: TraceContext,
  url: Extract<FlowTarget, { kind: 'url' }>,
  a: {
    hops: Hop[];
    members: readonly Ingress[];
    className: string;
    group: string;
    from: Extract<Party, { kind: 'ip' }>;
  },
): Leg {
  const { hops } = a;
  // The address names one ALB: only its group's Ingresses are its rules (another group may take the same host).
  const model = { ...ctx.model, routing: { ...ctx.model.routing!, ingresses: [...a.members] } };
  const router = compileRouter(model, {
    via: { kind: 'ingress-class', name: a.className },
    certificates: ctx.certificates,
    now: ctx.now,
  });
  if (typeof router === 'string') return { hops, reason: router };
  const req = parseRequest({
    url: `${url.scheme}://${url.host}:${url.port}${url.path}`,
    method: url.method || 'GET',
    headers: Object.entries(url.headers || {}).map(([k, v]) => `${k}: ${v}`),
  });
  if (typeof req === 'string') return { hops, reason: req };
  const d = router.explain(req).decision;
  const winner = d.winner ? `${d.winner.object} ${d.winner.at} (${d.winner.match})` : 'no rule';
  const undecided = (d.unknown ?? []).map((u) => u.text);
  const details = [`won: ${winner}`, ...d.notes, ...unknownLines(d.unknown)];
  const objects = d.winner ? [{ key: d.winner.object }] : [];
  const b = d.status === 200 ? (d.backends.find((x) => !x.problem) ?? d.backends[0]) : undefined;
  if (!b) {
    const status = d.redirect ? `${d.status} redirect to ${d.redirect.location}` : `HTTP ${d.status}`;
    hops.push({
      kind: 'route',
      title: `ALB of ${a.group}: ${req.host}${req.path} → ${status}`,
      verdict: d.redirect ? 'warn' : 'fail',
      details,
      objects,
      ...(undecided.length ? { unknown: undecided } : {}),
    });
    return d.redirect
      ? { hops }
      : {
          hops,
          reason: `the ALB of ${a.group} answers ${status} for ${req.host}${req.path}`,
          fix: { summary: `add a rule for ${req.host}${req.path} to the ALB of ${a.group}` },
        };
  }
  hops.push({
    kind: 'route',
    title: `ALB of ${a.group}: ${req.host}${req.path} → Service ${b.namespace}/${b.name}:${b.port ?? '?'}`,
    verdict: b.problem ? 'fail' : undecided.length ? 'warn' : 'ok',
    destinations: [{ target: `service:${b.namespace}/${b.name}`, port: b.port ?? 0 }],
    details,
    objects,
    ...(undecided.length ? { unknown: undecided } : {}),
  });
  if (b.problem) return { hops, reason: b.problem };
  const svc = ctx.serviceNamed(b.namespace, b.name);
  const ing = a.members.find((i) => i.key === d.winner?.object) ?? a.members[0];
  if (!svc || b.port === undefined)
    return { hops, reason: `backend Service ${b.namespace}/${b.name} not found` };
  return targetGroupLeg(ctx, { hops, ing, svc, port: b.port, from: a.from });
}

/**
 * The ALB's target group for one backend Service port: `instance` registers the nodes at the Service's NodePort
 * (kube-proxy then forwards, as for any node-port connection; the Service "must be of type NodePort or
 * LoadBalancer"), `ip` the ready pod addresses at the target port. ALB health checks keep a target that fails them
 * out of rotation: with externalTrafficPolicy Local only nodes with a ready local endpoint pass.
 * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#target-type
 */
function targetGroupLeg(
  ctx: TraceContext,
  t: {
    hops: Hop[];
    ing: Ingress;
    svc: NonNullable<ReturnType<TraceContext['serviceNamed']>>;
    port: number;
    from: Extract<Party, { kind: 'ip' }>;
  },
): Leg {
  const { hops, svc } = t;
  const name = `Service ${svc.namespace}/${svc.name}`;
  const type = albTargetType(t.ing, svc);
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
      `ALB target group of ${name}: target type?`,
      type.unknown,
      true,
      'set target-type to instance or ip',
    );
  if (!sp)
    return fail(
      `ALB target group of ${name}: no port ${t.port}/TCP`,
      `${name} has no TCP port ${t.port}`,
      false,
      `add port ${t.port} to ${name}`,
    );
  const local = svc.externalTrafficPolicy === 'Local';
  let leg;
  if (type.type === 'instance') {
    if ((svc.type !== 'NodePort' && svc.type !== 'LoadBalancer') || !sp.nodePort)
      return fail(
        `ALB target group of ${name} (instance): no NodePort`,
        `target type instance (${type.by}) registers the nodes at the Service's NodePort, but ${name} is of type ${svc.type}: the controller refuses it ("service must be of type NodePort or LoadBalancer to use instance mode")`,
        false,
        `make ${name} type NodePort, or set alb.ingress.kubernetes.io/target-type: ip`,
      );
    // The ALB spreads over the registered nodes; with Local only nodes holding a ready endpoint pass its health check.
    const any = serviceHop(ctx, svc, sp.port, sp.protocol, { kind: 'unspecified' });
    const nodes = [...new Set(ctx.model.nodes.map((n) => n.name))].sort();
    const node = local ? any.candidates.find((c) => c.nodeName)?.nodeName : nodes[0];
    if (!node)
      return fail(
        `ALB target group of ${name} (instance): no healthy node`,
        `${name} has no ready endpoint on a node: every node fails the ALB's health check`,
        false,
        `run a ready pod behind ${name}`,
      );
    hops.push({
      kind: 'load-balancer',
      title: `ALB target group (instance) → nodes at nodePort ${sp.nodePort} of ${name}`,
      verdict: 'ok',
      details: [
        `${type.by}: the ALB opens a new connection from its private address in the VPC to a registered node's port ${sp.nodePort}; kube-proxy forwards it`,
        local
          ? `externalTrafficPolicy: Local — only nodes with a ready local endpoint pass the ALB's health check (shown through ${node}); the pods see the ALB's address`
          : `externalTrafficPolicy: Cluster — any node passes the health check (shown through ${node}); kube-proxy masquerades to the node's address`,
      ],
      objects: [{ key: svc.key, source: svc.source }],
    });
    leg = serviceHop(ctx, svc, sp.port, sp.protocol, { kind: 'external', ip: 'the ALB', via: { node } });
    hops.push(...leg.hops.map((h) => (h.kind === 'service' ? { ...h, kind: 'node' as const } : h)));
  } else {
    hops.push({
      kind: 'load-balancer',
      title: `ALB target group (ip) → pod addresses of ${name} port ${sp.port}`,
      verdict: 'ok',
      details: [
        `${type.by}: the ALB registers the ready pod addresses and connects to them from its private address in the VPC — no node port, no kube-proxy, externalTrafficPolicy does not apply`,
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
  // The pods never see the client: an ALB proxies (the client is in X-Forwarded-For only).
  const pol = unheldSourcePolicyHop(ctx, t.from, targets, sp.protocol, {
    kept: false,
    from:
      type.type === 'instance' && !local
        ? "a node's address (kube-proxy masquerades the ALB's connection) or the ALB's private address in the VPC"
        : "the ALB's private address in the VPC (an ALB proxies: the client's address reaches the pods only in X-Forwarded-For)",
  });
  hops.push({ ...pol.hop, title: `${pol.hop.title} at the pods behind ${svc.namespace}/${svc.name}` });
  if (!pol.delivered.length) return { hops, reason: pol.reason, fix: pol.fix };
  const reached = leg.candidates.filter((c) =>
    pol.delivered.some((d) => d.ip === c.address && d.port === c.port),
  );
  return { hops, candidates: reached };
}
