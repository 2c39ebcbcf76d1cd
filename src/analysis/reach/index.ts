/**
 * `reach`: can REF talk to REF on a port, and which rules decided — one explained verdict per concrete pair
 * (pod to pod, pod to each Service endpoint, address to pod), summarised.
 */
import type { Protocol, Service } from '../../model/types.ts';
import type { HttpRequest, PolicyEngine, Verdict } from '../policy/index.ts';
import {
  namespacesNotInInput,
  unheldPodAddress,
  unknownEnforcement,
  unknownNamespaceLabels,
} from '../policy/index.ts';
import { resolveRef, type Endpoint } from './_refs.ts';
import {
  touchingConnection,
  unknownSentence,
  unmodeledObjects,
  type UnmodeledObject,
} from '../unmodeled/index.ts';
import {
  compileMesh,
  judgeWaypointLegs,
  meshSecurityGap,
  serviceNotExported,
  type EgressVerdict,
  type MeshInbound,
} from '../mesh/index.ts';
import { kubeProxyChooser, topologyUnknownReason, unusedPairsNote } from './_kube-proxy-choice.ts';
import { masqueradedVerdict } from './_masquerade.ts';
import { canonicalIP } from '../../lib/ip.ts';
import {
  capturedService,
  hairpinUnknown,
  hostSourceUnknown,
  loadBalancerSchemeDrop,
  policyCidrTexts,
  servicePathUnknown,
  sourceRangeDrop,
  undeterminedLoadBalancerReason,
  unservedPort,
} from '../service-path/index.ts';
import { createTraceContext, proxyAtAddress, type TraceContext } from '../trace/index.ts';
import { followFromOutside } from './_through-proxy.ts';

export { resolveRef } from './_refs.ts';
export type { Endpoint, Resolved } from './_refs.ts';

export interface ReachQuery {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** One HTTP request, judged by Cilium's L7 HTTP rules; without it the verdict is about the L4 connection. */
  readonly http?: HttpRequest;
}

export interface PairResult {
  readonly from: string;
  readonly to: string;
  /** The port at the destination (the targetPort for Service targets). */
  readonly port: number;
  readonly allowed: boolean;
  readonly verdict?: Verdict;
  readonly problem?: string;
  /** Keys of the unmodeled objects that could change this pair's verdict (then the pair is unknown). */
  readonly unknownBecause?: readonly string[];
  /** The server's mesh proxy verdict (mTLS, authorization), when the policies admit the connection and one judges it. */
  readonly mesh?: MeshInbound;
  /**
   * The hops through the load balancer or proxy that holds the destination address, followed as trace follows
   * them (`followFromOutside`): set instead of `verdict`, whose two sides would be the client's and the proxy's.
   */
  readonly path?: readonly string[];
  /**
   * Through an Istio ambient waypoint: the two connections NetworkPolicies judge (client → waypoint pod, waypoint
   * pod → server, on 15008) and the waypoint pod's own sides; `verdict` then holds the client's egress and the
   * server's ingress.
   */
  readonly waypoint?: readonly string[];
  /** What the input does not decide on that path (then the pair is unknown); sorted. */
  readonly undecided?: readonly string[];
}

export interface ReachResult {
  readonly query: ReachQuery;
  /** `allowed` when every pair is, `denied` when none is, `partial` otherwise. */
  readonly outcome: 'allowed' | 'denied' | 'partial';
  readonly pairs: readonly PairResult[];
  readonly allowedPairs: number;
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
  /**
   * The answer to give: `outcome`, or `unknown` when objects kubetwin does not model could change a pair's verdict
   * (any pair judged allowed, or denied when such an object can also admit). Never ALLOWED in that case.
   */
  readonly verdict: 'allowed' | 'denied' | 'partial' | 'unknown';
  /** The unmodeled objects behind `unknown`, sorted by key; empty otherwise. */
  readonly unknown: readonly UnmodeledObject[];
  /**
   * What else makes the verdict `unknown`, sorted: fields of a modeled policy kubetwin does not model (a Cilium
   * rule's ICMP or Kafka part, …) on a judged pair, and kinds a live cluster would not let kubetwin read.
   */
  readonly unknownReasons: readonly string[];
}

/** Kinds a reachability verdict depends on: the parties, their addresses and every policy tier. */
const reachKinds = new Set([
  'Namespace',
  'Node',
  'Pod',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Rollout',
  'Service',
  'EndpointSlice',
  'Endpoints',
  'NetworkPolicy',
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
  'ClusterNetworkPolicy',
  'CiliumNetworkPolicy',
  'CiliumClusterwideNetworkPolicy',
]);

/** A policy engine warning that a field it does not model may change the verdict (`_cilium-side.ts`). */
const notModeledWarning = /is not modeled by kubetwin and may change this verdict$/;

/**
 * A ClusterIP Service is "only reachable from within the cluster"
 * (https://kubernetes.io/docs/concepts/services-networking/service/#type-clusterip): from an outside address the
 * verdicts below are the policies' on its pods, reached directly, not a path through the Service.
 */
function clusterIpFromOutside(namespace: string, name: string): string {
  return `Service ${namespace}/${name} is type ClusterIP, reachable only from inside the cluster: from outside there is no path through it; the verdicts are the policies' for a client that reaches its pods directly`;
}

/**
 * A LoadBalancer Service whose load balancer is not provisioned has no external address (`EXTERNAL-IP <pending>`):
 * "the actual creation of the load balancer happens asynchronously" and its address is published in
 * `status.loadBalancer` (https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer). Until then
 * the outside reaches it only through its node ports, where the nodes themselves are reachable. With MetalLB's pools
 * in the input, the reason is MetalLB's (`Service.loadBalancerPending`).
 */
function pendingLoadBalancer(svc: Service): string {
  const nodePorts = svc.ports.flatMap((p) => (p.nodePort ? [`${p.nodePort}/${p.protocol}`] : []));
  const ports = nodePorts.length ? `node port ${nodePorts.join(', ')}` : 'its node ports';
  const pending = svc.loadBalancerPending;
  if (pending?.undetermined)
    return `Service ${svc.namespace}/${svc.name} is type LoadBalancer with an external address kubetwin cannot name (${pending.reason}): from outside it is reachable through that address and through ${ports} where the nodes are reachable; the verdicts are the policies' for a client that reaches its pods`;
  const why =
    pending?.reason ?? "neither status.loadBalancer.ingress nor the profile's loadBalancers give one";
  return `Service ${svc.namespace}/${svc.name} is type LoadBalancer with no external address (EXTERNAL-IP <pending>: ${why}): from outside it is reachable only through ${ports} where the nodes are reachable; the verdicts are the policies' for a client that reaches its pods`;
}

/** Answers one query; an error message when a REF names nothing or a Service lacks the port. */
export function reach(engine: PolicyEngine, query: ReachQuery): ReachResult | string {
  const model = engine.model;
  const cidrs = policyCidrTexts(model);
  const from = resolveRef(model, query.from, query.port, query.protocol, cidrs, 'from');
  if (typeof from === 'string') return `--from: ${from}`;
  const to = resolveRef(model, query.to, query.port, query.protocol, cidrs);
  if (typeof to === 'string') return `--to: ${to}`;
  // An address a load balancer or proxy holds is no outside host: a client goes through it to the pods behind it.
  const toAddress = query.to.startsWith('ip:')
    ? canonicalIP(query.to.slice(3))
    : query.to.startsWith('fqdn:')
      ? query.to.slice(5).toLowerCase().replace(/\.$/, '')
      : undefined;
  const holder = toAddress
    ? proxyAtAddress({ model, engine }, toAddress, query.port, query.protocol)
    : undefined;
  let traceCtx: TraceContext | undefined;
  // A load balancer's DNS name is known: not a name judged at every public range.
  const notes = [...from.notes, ...(holder && query.to.startsWith('fqdn:') ? [] : to.notes)];
  if (holder?.podsFollowed && from.endpoints.some((e) => e.party.kind === 'pod'))
    notes.push(
      `${toAddress} is ${holder.text}: kube-proxy does not capture it, so a pod's connection leaves the cluster through the pod's egress (judged at ${toAddress} itself) and comes back in through the load balancer to the pods behind it, as kubetwin trace follows it`,
    );
  if (holder && from.endpoints.some((e) => e.party.kind === 'ip'))
    notes.push(
      `${toAddress} is ${holder.text}: a client outside the cluster is followed through it to the pods behind it, as kubetwin trace follows it, and judged by their policies with the source address they see`,
    );
  if (
    query.to.startsWith('service:') &&
    !query.from.startsWith('ip:') &&
    from.endpoints.some((e) => e.party.kind === 'ip')
  ) {
    const svc = model.services.find((s) => `service:${s.namespace}/${s.name}` === query.to);
    if (svc?.type === 'ClusterIP') notes.push(clusterIpFromOutside(svc.namespace, svc.name));
    if (svc?.type === 'LoadBalancer' && !svc.loadBalancerIngress.length && !svc.externalIPs.length)
      notes.push(pendingLoadBalancer(svc));
    if (
      svc?.type === 'LoadBalancer' &&
      svc.loadBalancerSourceRanges?.length &&
      svc.loadBalancerIngress.length
    )
      notes.push(
        `Service ${svc.namespace}/${svc.name} has spec.loadBalancerSourceRanges [${svc.loadBalancerSourceRanges.join(', ')}]: through its load-balancer address only those sources pass (reach --to ip:${svc.loadBalancerIngress[0]} judges that path); node ports are not filtered by them`,
      );
    if (
      svc?.type === 'LoadBalancer' &&
      svc.loadBalancerSourceRangesAnnotation?.length &&
      svc.loadBalancerIngress.length
    )
      notes.push(
        `Service ${svc.namespace}/${svc.name} has the annotation service.beta.kubernetes.io/load-balancer-source-ranges [${svc.loadBalancerSourceRangesAnnotation.join(', ')}]: its cloud load balancer passes only those sources (reach --to ip:${svc.loadBalancerIngress[0]} judges that path); node ports are not filtered by them`,
      );
    if (
      svc?.type === 'LoadBalancer' &&
      svc.loadBalancerScheme &&
      svc.loadBalancerScheme.scheme !== 'internet-facing'
    )
      notes.push(
        svc.loadBalancerScheme.scheme === 'internal'
          ? `Service ${svc.namespace}/${svc.name} has an internal load balancer (${svc.loadBalancerScheme.by}): it is reachable only from the cloud network, not from internet addresses (reach --to ip:ADDRESS of its load balancer judges that path); the verdicts are the policies' for a client that reaches its pods`
          : `whether the load balancer of Service ${svc.namespace}/${svc.name} is internal or internet-facing is undetermined (${svc.loadBalancerScheme.by}); the verdicts are the policies' for a client that reaches its pods`,
      );
    if (svc && svc.type !== 'ClusterIP' && svc.externalTrafficPolicy === 'Cluster')
      notes.push(
        `externalTrafficPolicy: Cluster — traffic arriving from outside through a node port or load balancer is SNATed to a node address; kubetwin judges the client address`,
      );
  }
  const pairs: PairResult[] = [];
  const warnings = new Set<string>();
  const unmodeled = unmodeledObjects(model);
  const unknown = new Map<string, UnmodeledObject>();
  const restrictOnly = new Map<string, UnmodeledObject>();
  const svcNs = query.to.startsWith('service:') ? query.to.slice(8).split('/')[0] : undefined;
  /** Unknown when an unmodeled object touches the pair and could flip it: any can deny, some can also admit. */
  const judge = (a: Endpoint, b: Endpoint, allowed: boolean): string[] | undefined => {
    if (!unmodeled.length) return undefined;
    const touching = touchingConnection(unmodeled, [partyNamespace(a), partyNamespace(b), svcNs], {
      outside: b.party.kind === 'ip',
    });
    const flips = touching.filter((o) => allowed || o.admits);
    touching.filter((o) => !flips.includes(o)).forEach((o) => restrictOnly.set(o.key, o));
    flips.forEach((o) => unknown.set(o.key, o));
    return flips.length ? flips.map((o) => o.key) : undefined;
  };
  const mesh = compileMesh(model);
  const meshReasons = new Set<string>();
  const meshL7 = new Set<string>();
  const viaService = query.to.startsWith('service:')
    ? model.services.find((s) => `service:${s.namespace}/${s.name}` === query.to)
    : undefined;
  // A Service named, or its cluster IP dialed: kube-proxy's traffic policy decides the endpoints either way.
  const toVip = query.to.startsWith('ip:') ? canonicalIP(query.to.slice(3)) : undefined;
  const proxied =
    viaService ?? (toVip ? model.services.find((s) => s.clusterIPs.includes(toVip)) : undefined);
  const proxyChoice = proxied && kubeProxyChooser(model, proxied, query.port, query.protocol);
  // A Service another proxy serves: kube-proxy's rules, which the pairs follow, are not what carries the connection.
  const served = proxied ?? (toVip ? capturedService(model, toVip, query.port, query.protocol) : undefined);
  const otherProxy = served && servicePathUnknown(model, served);
  let unusedPairs = 0;
  // Clients whose node's topology hints kubetwin does not know (topology-mode Auto): their pairs must agree.
  const topologyUnknownFor = new Map<string, string>();
  const masqueradeReasons = new Set<string>();
  const masqueradeHolds = new Set<string>();
  const absent = namespacesNotInInput(model);
  const labelReasons = new Set<string>();
  let followedUnknown = false;
  for (const a of from.endpoints) {
    // A pod out to a load balancer with ipMode Proxy and back in through it (rule load-balancer-address-proxy-mode).
    const podOut = holder?.podsFollowed && a.party.kind === 'pod' && !a.problem ? a.party.pod : undefined;
    if (holder && toAddress && (a.party.kind === 'ip' || podOut)) {
      // The pods behind it are judged as reach judges any pod: with its engine (its --host-network mode).
      traceCtx ??= createTraceContext(model, { engine });
      const client = podOut
        ? { kind: 'ref' as const, namespace: podOut.namespace, name: podOut.name }
        : a.party.kind === 'ip'
          ? a.party.ip
          : '';
      const f = followFromOutside(traceCtx, client, {
        address: toAddress,
        port: query.port,
        protocol: query.protocol,
        http: query.http,
        byRequest: holder.byRequest,
      });
      f.unknown.forEach((u) => labelReasons.add(u));
      if (f.needsRequest) followedUnknown = true;
      const undecided = f.unknown.length ? { undecided: f.unknown } : {};
      // The pods the proxy may pick disagree: one pair each, as for a Service's endpoints.
      for (const b of f.backends ?? [])
        pairs.push({
          from: a.label,
          to: `${toAddress} → ${b.pod}`,
          port: query.port,
          allowed: b.delivered,
          ...(b.delivered
            ? {}
            : { problem: `${b.pod}'s policies do not admit the connection (the policy hop below)` }),
          path: f.lines,
          ...undecided,
        });
      if (!f.backends)
        pairs.push({
          from: a.label,
          to: toAddress,
          port: query.port,
          allowed: f.delivered,
          ...(f.reason ? { problem: f.reason } : {}),
          path: f.lines,
          ...undecided,
        });
      continue;
    }
    for (const b of to.endpoints) {
      const port = b.port ?? query.port;
      // A meshed client's proxy picks the endpoint itself (kube-proxy is not involved): judged as before.
      const choice =
        proxyChoice && !b.problem && a.party.kind === 'pod' && !mesh.sidecar(a.party.pod).meshed
          ? proxyChoice(a.party.pod)
          : undefined;
      if (choice && 'uses' in choice && !choice.uses(b)) {
        unusedPairs++;
        continue;
      }
      if (choice && 'uses' in choice && choice.unknown) topologyUnknownFor.set(a.label, choice.unknown);
      // Dialing a load-balancer address: kube-proxy drops sources outside spec.loadBalancerSourceRanges first.
      const clientIP = a.party.kind === 'pod' ? a.party.pod.ip : a.party.ip;
      const outside = a.party.kind === 'ip';
      const outOfRange =
        served && toVip && clientIP ? sourceRangeDrop(served, toVip, clientIP, { outside }) : undefined;
      // From outside, an internal cloud load balancer is out of reach of a public address.
      const scheme =
        served && toVip && clientIP && outside ? loadBalancerSchemeDrop(served, toVip, clientIP) : undefined;
      if (scheme && 'unknown' in scheme) labelReasons.add(scheme.unknown);
      // From outside, a Cilium LB IPAM address needs a node that announces it (see cluster/_cilium-announce.ts).
      const announcement =
        served && toVip && outside && served.loadBalancerIngress.includes(toVip)
          ? served.loadBalancerAnnouncement
          : undefined;
      if (announcement?.state === 'unknown') labelReasons.add(announcement.reason);
      const unannounced = announcement?.state === 'none' ? announcement.reason : undefined;
      // A load-balancer address or externalIP on a port its Service does not serve: kube-proxy does not capture it.
      const unserved =
        toVip && b.party.kind === 'ip' && b.party.ip === toVip
          ? unservedPort(model, toVip, query.port, query.protocol, {
              inCluster: !outside || model.nodes.some((n) => n.internalIP === clientIP),
            })
          : undefined;
      // A Local node port from outside: kube-proxy sends only to the node's own endpoints, keeping the client address.
      const lnp = to.localNodePort;
      const notLocal =
        lnp && a.party.kind === 'ip' && b.party.kind === 'pod' && b.party.pod.nodeName !== lnp.node
          ? `externalTrafficPolicy Local of Service ${lnp.service.namespace}/${lnp.service.name}: a connection from outside to node ${lnp.node}'s node port goes only to endpoints on ${lnp.node}, not to this one (on ${b.party.pod.nodeName ?? 'no node'})`
          : undefined;
      const problem =
        a.problem ??
        b.problem ??
        outOfRange ??
        (scheme && 'drop' in scheme ? scheme.drop : undefined) ??
        unannounced ??
        (unserved && 'drop' in unserved ? unserved.drop : undefined) ??
        notLocal ??
        (choice && 'dropped' in choice ? choice.dropped : undefined);
      if (problem) {
        const because = judge(a, b, false);
        pairs.push({
          from: a.label,
          to: b.label,
          port,
          allowed: false,
          problem,
          ...(because ? { unknownBecause: because } : {}),
        });
        continue;
      }
      // A mesh may send the connection to another port of the server pod (Linkerd's opaque transport: 4143).
      const arrival =
        a.party.kind === 'pod' && b.party.kind === 'pod' && query.protocol === 'TCP'
          ? mesh.arrival(a.party.pod, b.party.pod, port)
          : undefined;
      const wirePort = arrival && 'port' in arrival ? arrival.port : port;
      // Masqueraded on the way: the endpoint judges the addresses the masquerade gives, not the client's.
      const masq = to.masquerade
        ? masqueradedVerdict(engine, to.masquerade, a, b, {
            port: wirePort,
            protocol: query.protocol,
            http: query.http,
          })
        : undefined;
      if (masq?.unknown) masqueradeReasons.add(masq.unknown);
      masq?.holds?.forEach((ip) => masqueradeHolds.add(ip));
      // Through an Istio ambient waypoint, NetworkPolicies judge client → waypoint pod and waypoint pod → server.
      const way =
        a.party.kind === 'pod' && b.party.kind === 'pod' && query.protocol === 'TCP' && !masq
          ? mesh.waypointPath(a.party.pod, b.party.pod, viaService)
          : undefined;
      if (way && 'unknown' in way) meshReasons.add(`${b.label}: ${way.unknown}`);
      const legs =
        way && 'pods' in way && a.party.kind === 'pod' && b.party.kind === 'pod'
          ? judgeWaypointLegs(way, a.party.pod, b.party.pod, (f, t, p) =>
              engine.explain(f, t, p, query.protocol),
            )
          : undefined;
      if (legs && way && 'why' in way && !notes.includes(way.why)) notes.push(way.why);
      else if (arrival && 'port' in arrival && !notes.includes(arrival.why)) notes.push(arrival.why);
      if (legs?.unknown) meshReasons.add(`${b.label}: ${legs.unknown}`);
      const verdict =
        legs?.verdict ??
        masq?.verdict ??
        engine.explain(a.party, b.party, wirePort, query.protocol, { http: query.http });
      if (arrival && 'maybe' in arrival) {
        const there = engine.allows(a.party, b.party, arrival.maybe, query.protocol);
        if (there !== verdict.allowed)
          meshReasons.add(
            `${b.label}: the NetworkPolicies ${verdict.allowed ? 'admit' : 'refuse'} port ${port} but ${there ? 'admit' : 'refuse'} ${arrival.maybe}; ${arrival.why}`,
          );
      }
      verdict.warnings.forEach((w) => warnings.add(w));
      // A pod back to itself through its Service's VIP: judged as any peer by FORWARD-chain CNIs (unknown upstream).
      const hairpin =
        a.party.kind === 'pod' && b.party.kind === 'pod' && !mesh.sidecar(a.party.pod).meshed
          ? hairpinUnknown(engine, a.party.pod, {
              service: proxied,
              pod: b.party.pod,
              port: wirePort,
              protocol: query.protocol,
            })
          : undefined;
      if (hairpin) labelReasons.add(hairpin);
      // A hostNetwork client on another node: its node sends from a CNI device's address, not the node's.
      const hostSource =
        a.party.kind === 'pod' && b.party.kind === 'pod' && !masq
          ? hostSourceUnknown(engine, a.party.pod, {
              pod: b.party.pod,
              port: wirePort,
              protocol: query.protocol,
            })
          : undefined;
      if (hostSource) labelReasons.add(hostSource);
      for (const r of unknownNamespaceLabels(model, a.party, b.party, verdict, absent)) labelReasons.add(r);
      const enforcement = unknownEnforcement(model, verdict);
      if (enforcement) labelReasons.add(enforcement);
      for (const e of [a, b]) {
        const unheld = unheldPodAddress(model, e.party);
        if (unheld) labelReasons.add(unheld);
      }
      const lbUnknown =
        b.party.kind === 'ip' ? undeterminedLoadBalancerReason(model, b.party.ip, port) : undefined;
      if (lbUnknown) labelReasons.add(lbUnknown);
      // Unknown only where the policies let the connection out: a denial at the client's egress stands.
      if (verdict.allowed && unserved && 'unknown' in unserved) labelReasons.add(unserved.unknown);
      // The server's mesh proxy judges what the policies admit (mTLS, then authorization).
      const meshVerdict =
        verdict.allowed && b.party.kind === 'pod'
          ? mesh.inbound({
              client: a.party.kind === 'pod' ? { pod: a.party.pod } : { ip: a.party.ip },
              server: b.party.pod,
              port,
              protocol: query.protocol,
              service: viaService,
              http: query.http,
            })
          : undefined;
      meshVerdict?.unknown.forEach((u) => meshReasons.add(`${b.label}: ${u}`));
      const egress =
        verdict.allowed && a.party.kind === 'pod' && b.party.kind === 'ip'
          ? mesh.outboundUnknown(a.party.pod, b.party.ip, port)
          : undefined;
      if (egress) meshReasons.add(`${b.label}: ${egress}`);
      // A meshed Linkerd client's own proxy judges a connection an EgressNetwork captures.
      const out =
        verdict.allowed && a.party.kind === 'pod' && b.party.kind === 'ip'
          ? mesh.egress(a.party.pod, b.party.ip, port)
          : undefined;
      if (out?.verdict === 'unknown') meshReasons.add(`${b.label}: ${out.why}`);
      const outMesh = out && out.verdict !== 'unknown' ? egressVerdict(out) : undefined;
      if (meshVerdict?.l7 && meshVerdict.authz) meshL7.add(meshVerdict.authz.reason);
      const allowed = verdict.allowed && (meshVerdict?.allowed ?? true) && out?.verdict !== 'denied';
      // A pod's connection the proxy takes (not kube-proxy): where it sends it on is not followed from a pod.
      if (allowed && holder && !holder.outsideOnly && a.party.kind === 'pod')
        labelReasons.add(
          `${toAddress} is ${holder.text}: it takes the connection and opens its own to the pods behind it, which kubetwin follows only from a client outside the cluster (reach --from ip:ADDRESS, or kubetwin trace)`,
        );
      const because = judge(a, b, allowed);
      pairs.push({
        from: a.label,
        to: b.label,
        port,
        allowed,
        verdict,
        ...(legs ? { waypoint: legs.lines } : {}),
        ...(because ? { unknownBecause: because } : {}),
        ...(meshVerdict ? { mesh: meshVerdict } : outMesh ? { mesh: outMesh } : {}),
      });
    }
  }
  if (followedUnknown)
    notes.push(
      `an HTTP load balancer picks the backend by the request: give one with --http-method/--http-path/--http-header 'Host: NAME' (test: http: {method, path, headers}) to follow it`,
    );
  if (unusedPairs && proxied) notes.push(unusedPairsNote(proxied, unusedPairs));
  pairs.sort((x, y) => cmp(x.from, y.from) || cmp(x.to, y.to));
  const allowedPairs = pairs.filter((p) => p.allowed).length;
  const outcome =
    pairs.length && allowedPairs === pairs.length ? 'allowed' : allowedPairs === 0 ? 'denied' : 'partial';
  if (!pairs.length) notes.push('no pairs to judge: one side has no pods');
  // Reach judges every pair the Service could join; a meshed client's sidecar may send requests to only some.
  const hidden = new Set<string>();
  if (viaService && mesh.name) {
    const routers = new Set<string>();
    for (const a of from.endpoints)
      if (a.party.kind === 'pod' && mesh.sidecar(a.party.pod).meshed) {
        const by = mesh.routedBy(viaService, a.party.pod.namespace);
        if (by) routers.add(by);
        // A Service Istio does not export to the client's namespace leaves its sidecar without a route (unknown).
        const why =
          mesh.name === 'istio'
            ? serviceNotExported(viaService, a.party.pod.namespace, model.mesh?.exportDefaults)
            : undefined;
        if (why) hidden.add(why);
      }
    if (routers.size)
      notes.push(
        `the client's ${mesh.name} sidecar routes requests for ${viaService.namespace}/${viaService.name} by ${[...routers].sort().join(', ')}: these pairs say what the policies admit, not which pods receive requests (kubetwin route --via mesh)`,
      );
  }
  if (!query.http && pairs.some((p) => p.verdict?.egress.l7 || p.verdict?.ingress.l7))
    notes.push(
      'Cilium L7 HTTP rules apply: this verdict is about the L4 connection; give --http-method/--http-path (test: http: {method, path}) to judge one request',
    );
  if (!query.http && meshL7.size)
    notes.push(
      `${mesh.name === 'linkerd' ? 'Linkerd per-route authorization' : 'Istio AuthorizationPolicy HTTP rules'} apply (${[...meshL7].sort().join('; ')}): this verdict is about the connection; give --http-method/--http-path (test: http: {method, path}) to judge one request`,
    );
  // A verdict that rests on input kubetwin could not read or does not model is not an answer: never ALLOWED.
  const reasons = new Set<string>([...meshReasons, ...labelReasons, ...hidden]);
  if (otherProxy) reasons.add(otherProxy);
  const topologyReason = topologyUnknownReason(pairs, topologyUnknownFor);
  if (topologyReason) reasons.add(topologyReason);
  const gap = meshSecurityGap(model);
  if (gap && pairs.some((p) => p.allowed)) reasons.add(gap);
  for (const p of pairs)
    for (const w of p.verdict?.warnings ?? []) if (notModeledWarning.test(w)) reasons.add(w);
  for (const r of masqueradeReasons) reasons.add(r);
  if (masqueradeHolds.size && !masqueradeReasons.size)
    notes.push(
      `kube-proxy masquerades the connection (externalTrafficPolicy: Cluster of Service ${to.masquerade!.service.namespace}/${to.masquerade!.service.name}): each endpoint's ingress verdict holds for every address the masquerade can give it (${[...masqueradeHolds].sort().join(', ')})`,
    );
  const unresolved = from.unresolvedName ?? (holder ? undefined : to.unresolvedName);
  if (unresolved && outcome === 'partial')
    reasons.add(
      `${unresolved} has no known address and the policies admit some public ranges but not others: the answer depends on what it resolves to`,
    );
  const unread = (model.unread ?? []).filter((k) => reachKinds.has(k));
  if (unread.length)
    reasons.add(
      `${unread.join(', ')} objects could not be read from the cluster: this verdict does not account for them`,
    );
  const unknownList = [...unknown.values()].sort((x, y) => cmp(x.key, y.key));
  const restrict = [...restrictOnly.values()].filter((o) => !unknown.has(o.key));
  if (restrict.length)
    notes.push(
      `objects kubetwin does not model could only deny more, so the denial stands: ${unknownSentence(restrict).replace(/^.*?: /, '')}`,
    );
  return {
    query,
    outcome,
    pairs,
    allowedPairs,
    notes,
    warnings: [...warnings],
    verdict: unknownList.length || reasons.size ? 'unknown' : outcome,
    unknown: unknownList,
    unknownReasons: [...reasons].sort(),
  };
}

/** The namespace of a connection's end; undefined for an address outside the cluster or a node. */
function partyNamespace(e: Endpoint): string | undefined {
  return e.party.kind === 'pod' ? e.party.pod.namespace : undefined;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export type { Endpoint as ReachEndpoint };

/** A Linkerd EgressNetwork's decision, in the shape reach shows a mesh proxy's verdict in (the client's own proxy). */
function egressVerdict(v: EgressVerdict): MeshInbound {
  return {
    mesh: 'linkerd',
    mtls: {
      transport: 'plaintext',
      why: v.why,
      mode: 'PERMISSIVE',
      modeBy: 'not applicable',
      refused: false,
    },
    allowed: v.verdict === 'allowed',
    l7: false,
    unknown: [],
    notes: [],
    summary: `${v.verdict === 'allowed' ? 'let through' : 'refused'} by the client's own proxy: ${v.why}`,
    ...(v.verdict === 'denied'
      ? {
          clientFix: `attach a route to ${v.by} that describes this traffic, or set its trafficPolicy to Allow`,
        }
      : {}),
  };
}
