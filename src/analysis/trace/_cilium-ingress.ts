/**
 * A request to the load balancer of a Cilium Ingress: Cilium's operator gives each Ingress of class `cilium` a
 * Service labelled `cilium.io/ingress` (`cilium-ingress-<ingress>` in its namespace in dedicated mode, the default;
 * `cilium-ingress` for the shared mode) whose endpoints are a placeholder (192.192.192.192:9999): eBPF on the node
 * that receives the connection hands it to that node's Envoy (TPROXY), which routes it and opens a new connection to
 * the backend as the reserved `ingress` identity. Policies judge it twice: client → `ingress`, then `ingress` →
 * backend (`ciliumIngressPath`).
 * https://docs.cilium.io/en/stable/network/servicemesh/ingress-reference/,
 * cilium/cilium operator/pkg/ingress (ciliumIngressPrefix "cilium-ingress", ciliumIngressLabelKey "cilium.io/ingress")
 */
import type { Pod, Service } from '../../model/types.ts';
import { parseRequest, unknownLines, type Via } from '../route/index.ts';
import { ciliumIngressPath, type CiliumIngressClient } from '../policy/index.ts';
import { resolveIngressClass } from '../ingress/index.ts';
import { routerUnavailable, type TraceContext } from './_context.ts';
import { serviceHop, type Candidate } from './_service.ts';
import type { Fix, Hop } from './types.ts';

/**
 * What a Cilium load-balancer Service serves: the Ingress it was made for (dedicated mode), the Ingress class
 * (shared mode), or a Gateway of Cilium's GatewayClass (`cilium-gateway-<gateway>`, label
 * `io.cilium.gateway/owning-gateway`, cilium/cilium operator/pkg/gateway-api translation).
 */
export interface CiliumIngressService {
  readonly service: Service;
  /** The router Envoy applies: the Ingress class, or the Gateway. */
  readonly via: Via;
  /** What the Service is, in words (`the dedicated load balancer of Ingress default/web`). */
  readonly serves: string;
  /** Dedicated mode: the Ingress whose rules alone the Service's listener carries (`Ingress/ns/name`). */
  readonly own?: string;
}

const INGRESS_LABEL = 'cilium.io/ingress';
const GATEWAY_LABEL = 'io.cilium.gateway/owning-gateway';
const GATEWAY_CONTROLLER = 'io.cilium/gateway-controller';

/** The Cilium Ingress or Gateway a Service is the load balancer of, when the CNI is Cilium; else undefined. */
export function ciliumIngressService(
  ctx: TraceContext,
  svc: Service | undefined,
): CiliumIngressService | undefined {
  if (!svc || !ctx.engine.cilium.active) return undefined;
  const routing = ctx.model.routing;
  const gatewayName = svc.labels[GATEWAY_LABEL];
  if (gatewayName !== undefined) {
    const gw = routing?.gateways.find((g) => g.namespace === svc.namespace && g.name === gatewayName);
    const cls = gw && routing?.gatewayClasses.find((c) => c.name === gw.gatewayClassName);
    // Another controller's Gateway, or one not in the input: not Cilium's Envoy to follow.
    if (!gw || (cls && cls.controllerName !== GATEWAY_CONTROLLER)) return undefined;
    return {
      service: svc,
      via: { kind: 'gateway', namespace: gw.namespace, name: gw.name },
      serves: `the load balancer of Gateway ${gw.namespace}/${gw.name}`,
    };
  }
  if (svc.labels[INGRESS_LABEL] === undefined) return undefined;
  if (svc.name.startsWith('cilium-ingress-')) {
    const name = svc.name.slice('cilium-ingress-'.length);
    const ingress = routing?.ingresses.find((i) => i.namespace === svc.namespace && i.name === name);
    const className = ingress
      ? (resolveIngressClass(ingress, routing!.ingressClasses).className ?? 'cilium')
      : 'cilium';
    return {
      service: svc,
      via: { kind: 'ingress-class', name: className },
      serves: `the dedicated load balancer of Ingress ${svc.namespace}/${name}${ingress ? '' : ' (not in the input)'}`,
      ...(ingress ? { own: `Ingress/${ingress.namespace}/${ingress.name}` } : {}),
    };
  }
  return {
    service: svc,
    via: { kind: 'ingress-class', name: 'cilium' },
    serves: 'the shared load balancer of the Ingresses of class cilium',
  };
}

export interface CiliumIngressLeg {
  readonly hops: Hop[];
  readonly candidates: Candidate[];
  /** How many backend endpoints were judged (more than `candidates` when policies stop some). */
  readonly judged?: number;
  readonly reason?: string;
  readonly fix?: Fix;
}

/** From `client` through the Envoy of a Cilium Ingress to the backend pods it may reach. */
export function ciliumIngressLeg(
  ctx: TraceContext,
  at: CiliumIngressService,
  q: {
    readonly client: CiliumIngressClient;
    readonly address: string;
    readonly port: number;
    readonly url?: {
      readonly scheme: string;
      readonly host: string;
      readonly path: string;
      readonly method?: string;
      readonly headers?: Readonly<Record<string, string>>;
    };
  },
): CiliumIngressLeg {
  const svc = at.service;
  const hops: Hop[] = [
    {
      kind: 'load-balancer',
      title: `${q.address}:${q.port} → Service ${svc.namespace}/${svc.name}: Cilium ${at.via.kind === 'gateway' ? 'Gateway' : 'Ingress'} (the receiving node's Envoy, identity ingress)`,
      verdict: 'ok',
      details: [
        `${at.serves}; eBPF hands the connection to the Envoy of the node that receives it (TPROXY): the Service's endpoints are a placeholder, and Envoy connects to the backend as the reserved identity ingress`,
      ],
      objects: [{ key: svc.key, source: svc.source }],
    },
  ];
  if (!q.url || (q.url.scheme !== 'http' && q.url.scheme !== 'https')) {
    const reason = `Cilium Ingress serves HTTP and HTTPS on ${q.address}: give an http:// or https:// URL to follow a request through it`;
    return { hops, candidates: [], reason };
  }
  const router = ctx.router(at.via);
  if (typeof router === 'string') {
    hops.push(routerUnavailable(router));
    return { hops, candidates: [], reason: router };
  }
  const req = parseRequest({
    url: `${q.url.scheme}://${q.url.host}:${q.port}${q.url.path}`,
    method: q.url.method ?? 'GET',
    headers: Object.entries(q.url.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
  });
  if (typeof req === 'string') return { hops, candidates: [], reason: req };
  const result = router.explain(req);
  const d = result.decision;
  const winner = d.winner ? `${d.winner.object} ${d.winner.at} (${d.winner.match})` : 'no rule';
  const undecided = (d.unknown ?? []).map((u) => u.text);
  // Dedicated mode: the Service's Envoy listener carries only its own Ingress's rules; kubetwin routes over the class.
  if (at.own && d.winner && d.winner.object !== at.own)
    undecided.push(
      `${d.winner.object} won over the class, but the dedicated load balancer of ${at.own} serves only its own rules`,
    );
  const details = [
    `won: ${winner}`,
    ...d.lost.slice(0, 5).map((l) => `lost: ${l.object} ${l.at} — ${l.reason}`),
    ...d.notes,
    ...unknownLines(d.unknown),
  ];
  const b = d.status === 200 ? (d.backends.find((x) => !x.problem) ?? d.backends[0]) : undefined;
  if (!b) {
    hops.push({
      kind: 'route',
      title: `${result.via}: ${req.host}${req.path} → HTTP ${d.status}`,
      verdict: 'fail',
      details,
      objects: d.winner ? [{ key: d.winner.object }] : [],
      ...(undecided.length ? { unknown: undecided } : {}),
    });
    return {
      hops,
      candidates: [],
      reason: `the ${result.via} router answers HTTP ${d.status} for ${req.host}${req.path}`,
    };
  }
  hops.push({
    kind: 'route',
    title: `${result.via} (Cilium's Envoy): ${req.host}${req.path} → Service ${b.namespace}/${b.name}:${b.port ?? '?'}`,
    verdict: b.problem ? 'fail' : undecided.length ? 'warn' : 'ok',
    destinations: [{ target: `service:${b.namespace}/${b.name}`, port: b.port ?? 0 }],
    details,
    objects: d.winner ? [{ key: d.winner.object }] : [],
    ...(undecided.length ? { unknown: undecided } : {}),
  });
  if (b.problem) return { hops, candidates: [], reason: b.problem };
  const backend = ctx.serviceNamed(b.namespace, b.name);
  if (!backend || b.port === undefined)
    return { hops, candidates: [], reason: `backend Service ${b.namespace}/${b.name} not found` };
  const leg = serviceHop(ctx, backend, b.port, 'TCP', { kind: 'unspecified' });
  // Envoy balances over the Service's endpoints itself: kube-proxy's choice does not apply.
  const envoy =
    "Cilium's Envoy picks the endpoint (its own load balancing over the Service's endpoints, not kube-proxy)";
  hops.push(
    ...leg.hops.map((h) =>
      h.kind === 'service'
        ? { ...h, details: [...h.details.filter((l) => !l.startsWith('kube-proxy')), envoy] }
        : h,
    ),
  );
  if (leg.reason) return { hops, candidates: [], reason: leg.reason };
  return policyLeg(ctx, hops, leg.candidates, q.client);
}

/** The two enforcement points for each backend endpoint. */
function policyLeg(
  ctx: TraceContext,
  hops: Hop[],
  candidates: Candidate[],
  client: CiliumIngressClient,
): CiliumIngressLeg {
  const who = 'pod' in client ? `${client.pod.namespace}/${client.pod.name}` : client.ip;
  const details: string[] = [];
  const unknown = new Set<string>();
  const objects = new Map<string, Hop['objects'][number]>();
  const reached: Candidate[] = [];
  let firstDenial: string | undefined;
  for (const c of candidates) {
    const pod: Pod | undefined = c.pod;
    if (!pod) {
      details.push(`${c.address}:${c.port}: not a pod of the input — not judged`);
      unknown.add(`the policies at endpoint ${c.address} (not a pod of the input)`);
      reached.push(c);
      continue;
    }
    const v = ciliumIngressPath(ctx.engine, { client, backend: pod, port: c.port, protocol: 'TCP' });
    const steps = [
      {
        name: `${who} → ingress (ingress policy of the ingress identity)`,
        at: v.toIngress,
        status: 'Envoy answers 403',
      },
      {
        name: `ingress → ${pod.namespace}/${pod.name}:${c.port} (egress policy of the ingress identity)`,
        at: v.fromIngress,
        status: 'Envoy answers 403',
      },
      {
        name: `at ${pod.namespace}/${pod.name} (its ingress policy; the peer is the ingress identity)`,
        at: v.atBackend,
        status: 'dropped at the backend',
      },
    ];
    const failed = steps.find((s) => !s.at.allowed);
    details.push(
      `${pod.namespace}/${pod.name}:${c.port}: ${failed ? `DENIED (${failed.status})` : 'ALLOWED'}`,
    );
    for (const s of steps) {
      details.push(`  ${s.name}: ${s.at.allowed ? 'allowed' : 'DENIED'} — ${s.at.why}`);
      s.at.unknown.forEach((u) => unknown.add(u));
      s.at.policies.forEach((p) => objects.set(p.key, p));
    }
    if (failed) firstDenial ??= `${failed.name}: ${failed.at.why}`;
    else reached.push(c);
  }
  const verdict =
    reached.length === 0 ? 'fail' : reached.length < candidates.length || unknown.size ? 'warn' : 'ok';
  hops.push({
    kind: 'policy',
    title: `Cilium Ingress policy: ${reached.length}/${candidates.length} destination(s) allowed (client → ingress → backend)`,
    verdict,
    details,
    objects: [...objects.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    ...(unknown.size ? { unknown: [...unknown].sort() } : {}),
  });
  if (reached.length) return { hops, candidates: reached, judged: candidates.length };
  return {
    hops,
    candidates: [],
    reason: firstDenial,
    fix: {
      summary:
        'allow the ingress identity at both enforcement points: world (or the client) → ingress, and ingress → the backend (fromEntities: [ingress] or [cluster] at the backend, toEntities: [cluster] from the ingress identity)',
    },
  };
}

/** The annotation that picks an Ingress's load-balancer mode (cilium/cilium operator/pkg/ingress/annotations). */
const LB_MODE = 'ingress.cilium.io/loadbalancer-mode';
const INGRESS_CONTROLLER = 'cilium.io/ingress-controller';

/**
 * The load-balancer Services of the input's Cilium Ingresses and Gateways that the input lacks. Cilium's operator
 * creates them — `cilium-ingress-<ingress>` in the Ingress's namespace (dedicated mode), the shared `cilium-ingress`
 * in Cilium's namespace (shared mode; the Helm value `ingressController.loadbalancerMode` or the annotation
 * `ingress.cilium.io/loadbalancer-mode` picks), `cilium-gateway-<gateway>` beside a Gateway
 * (https://docs.cilium.io/en/stable/network/servicemesh/ingress/) — so a manifest set never holds them, and an
 * address kubetwin cannot place may be one of theirs. Sorted; empty when the CNI is not Cilium.
 */
export function missingCiliumLoadBalancers(ctx: Pick<TraceContext, 'model' | 'engine'>): string[] {
  if (!ctx.engine.cilium.active) return [];
  const routing = ctx.model.routing;
  const services = ctx.model.services;
  const has = (ns: string, name: string) => services.some((s) => s.namespace === ns && s.name === name);
  const shared = services.some((s) => s.name === 'cilium-ingress' && s.labels[INGRESS_LABEL] !== undefined);
  const out: string[] = [];
  for (const ing of routing?.ingresses ?? []) {
    const cls = resolveIngressClass(ing, routing!.ingressClasses).className;
    const controller = routing!.ingressClasses.find((c) => c.name === cls)?.controller;
    if (cls !== 'cilium' && controller !== INGRESS_CONTROLLER) continue;
    const mode = ing.annotations[LB_MODE];
    const dedicated = `Service ${ing.namespace}/cilium-ingress-${ing.name}`;
    if (mode === 'shared' ? shared : has(ing.namespace, `cilium-ingress-${ing.name}`) || (!mode && shared))
      continue;
    out.push(
      `${mode === 'shared' ? "the shared Service cilium-ingress in Cilium's namespace" : mode === 'dedicated' ? dedicated : `${dedicated} (dedicated mode) or the shared Service cilium-ingress in Cilium's namespace (shared mode)`}, which Cilium's operator creates for Ingress ${ing.namespace}/${ing.name}`,
    );
  }
  for (const gw of routing?.gateways ?? []) {
    const cls = routing!.gatewayClasses.find((c) => c.name === gw.gatewayClassName);
    if (cls?.controllerName !== GATEWAY_CONTROLLER) continue;
    if (services.some((s) => s.namespace === gw.namespace && s.labels[GATEWAY_LABEL] === gw.name)) continue;
    out.push(
      `Service ${gw.namespace}/cilium-gateway-${gw.name}, which Cilium's operator creates for Gateway ${gw.namespace}/${gw.name}`,
    );
  }
  return out.sort();
}
