/**
 * `endpoints`: where kube-proxy sends a connection to a Service — the frontends (ClusterIP, NodePort on every node,
 * load-balancer ingress), the endpoints the client's traffic policy and topology leave, the source address the
 * endpoint sees, session affinity and how connections spread in the profile's kube-proxy mode.
 * https://kubernetes.io/docs/reference/networking/virtual-ips/
 */
import type { ClusterModel, EndpointSlice, Service, ServicePort } from '../../model/types.ts';
import { lookup } from '../../model/lookup.ts';
import { findPod } from '../dns/index.ts';
import { selectEndpoints, type Candidate, type Vantage } from './_select.ts';
import { topologyAutoUnknown } from './_topology-auto.ts';
import { balancing, spread } from './_spread.ts';
import { masqueradeSources, sourcesShort, type MasqueradeSource } from './_masquerade.ts';
import type { EndpointRow, PathVerdict, ServicePathQuery, ServicePathResult } from './types.ts';
import { servicePathUnknown } from './_stand-in.ts';

export type * from './types.ts';
export { capturedNote, capturedService } from './_captured.ts';
export {
  judgeSources,
  masqueradeSources,
  sourcesDisagree,
  sourcesShort,
  sourcesText,
  type MasqueradeSource,
  type SourceVerdicts,
} from './_masquerade.ts';
export { externalNamePath, type ExternalNameResult } from './_external-name.ts';
export { hairpinUnknown } from './_hairpin.ts';
export { hostSourceUnknown } from './_host-source.ts';
export { otherServiceProxy, serviceProxyNameLabel } from './_proxy-name.ts';
export { apiServerEndpointsUnknown } from './_apiserver.ts';
export { isStandIn, servicePathUnknown, standInEndpointsUnknown } from './_stand-in.ts';
export { unmodeledBackers } from './_unmodeled-backers.ts';
export { sourceRangeDrop } from './_source-ranges.ts';
export { unservedPort } from './_unserved-port.ts';
export { loadBalancerSchemeDrop } from './_internal-load-balancer.ts';
export { serviceLbNode, serviceLbPods, svcNameLabel, svcNamespaceLabel } from './_servicelb.ts';
export { hintedEndpoints } from './_hinted.ts';
export { hostPortTarget } from './_host-port.ts';
export { internetParties } from './_internet.ts';
export { undeterminedLoadBalancerReason, undeterminedLoadBalancers } from './_undetermined-load-balancer.ts';

/** Default `sessionAffinityConfig.clientIP.timeoutSeconds` (3 hours). */
export const defaultAffinityTimeout = 10800;

function pickPort(svc: Service, port: number | string | undefined): ServicePort | string | undefined {
  if (port === undefined)
    return svc.ports.length === 1
      ? svc.ports[0]
      : `Service ${svc.namespace}/${svc.name} has ${svc.ports.length} ports (${svc.ports.map((p) => p.name ?? p.port).join(', ')}); pass --port`;
  return svc.ports.find((p) => p.port === port || (p.name !== undefined && p.name === port));
}

/**
 * A headless Service has no cluster IP and "kube-proxy does not handle these Services": the client dials the
 * endpoint addresses DNS returns, so a Local traffic policy narrows nothing and drops nothing.
 * https://kubernetes.io/docs/concepts/services-networking/service/#headless-services
 */
function headlessLocalNote(field: string): string {
  return `${field} Local does not apply: kube-proxy does not handle headless Services, the client connects to the addresses DNS returns`;
}

/**
 * Why an endpoint has no port for the Service port. kube-proxy pairs an EndpointSlice port with the Service port by
 * name; the controller leaves a port out for a pod without the targetPort, while a hand-written slice must name its
 * port as the Service port is named ("should match with the name of the service port",
 * https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors).
 */
function missingPortReason(slice: EndpointSlice, sp: ServicePort): string {
  if (slice.managedBy === 'endpointslice-controller.k8s.io')
    return 'its pod has no port matching the targetPort';
  return `EndpointSlice ${slice.name} has no ${sp.protocol} port named "${sp.name ?? ''}" (a slice port is used for the Service port of the same name)`;
}

/**
 * kube-proxy programs an endpoint by its first address only (pkg/proxy/endpointslicecache.go `addEndpoints` reads
 * `endpoint.Addresses[0]`); the API lets consumers do so ("clients may choose to only use the first element",
 * https://kubernetes.io/docs/reference/kubernetes-api/service-resources/endpoint-slice-v1/#EndpointSlice).
 */
const extraAddressReason = "not the endpoint's first address (kube-proxy uses only addresses[0])";

/** What an undefined port on a Service address does, per kube-proxy mode. */
function undefinedPortNote(mode: string): string {
  if (mode === 'ipvs')
    return 'IPVS binds the ClusterIP to the node (kube-ipvs0), so the node itself refuses the connection';
  if (mode === 'nftables')
    return 'nftables mode rejects traffic to a ClusterIP on a port the Service does not define';
  return 'iptables mode has no rule for it: packets are not translated and the connection times out';
}

/**
 * A pod's connection to a Service's load-balancer address or externalIP, captured by kube-proxy on its node, goes to
 * the Service's cluster-wide endpoints whatever either traffic policy says (rule
 * `load-balancer-address-short-circuit`): with externalTrafficPolicy Cluster the external chain leads to them; with
 * Local, traffic from a pod is "short-circuited" to them, "subject to neither form of traffic policy, which simulates
 * going up-and-out to an external load-balancer and coming back in"; and a Service reachable from outside always
 * keeps those endpoints ("we need Cluster endpoints to implement short circuiting"), so internalTrafficPolicy Local
 * does not narrow them either (kubernetes/kubernetes pkg/proxy/nftables/proxier.go and pkg/proxy/iptables/proxier.go,
 * the external chain's "short-circuit pod traffic" rule; pkg/proxy/serviceport.go `UsesClusterEndpoints`).
 * https://kubernetes.io/docs/reference/networking/virtual-ips/#traffic-policies
 */
function shortCircuitNote(svc: Service): string {
  return `a pod's connection to an external address of the Service (load-balancer address or externalIP) is captured by kube-proxy on the pod's node and sent to the cluster-wide endpoints: neither externalTrafficPolicy (${svc.externalTrafficPolicy}) nor internalTrafficPolicy (${svc.internalTrafficPolicy}) narrows them`;
}

export function servicePath(model: ClusterModel, q: ServicePathQuery): ServicePathResult | string {
  const [ns, name] = q.service.split('/', 2);
  const idx = lookup(model);
  const svc = idx.serviceByRef(`${ns}/${name}`);
  if (!svc || !name) return `no Service ${q.service} (use namespace/name)`;
  if (svc.type === 'ExternalName')
    return `Service ${q.service} is ExternalName: it has no data path, only a DNS CNAME to ${svc.externalName ?? '(none)'}`;
  const sp = pickPort(svc, q.port);
  if (typeof sp === 'string') return sp;
  const notes: string[] = [];
  const bal = balancing(model.profile);
  const affinity = {
    mode: svc.sessionAffinity,
    ...(svc.sessionAffinity === 'ClientIP'
      ? { timeoutSeconds: svc.sessionAffinityTimeoutSeconds ?? defaultAffinityTimeout }
      : {}),
  };

  // The client: where it is, which entry it uses, which policy applies.
  let clientDescription = 'an unspecified in-cluster client';
  let entry: ServicePathResult['entry'] = 'ClusterIP';
  let clientNode: string | undefined;
  let sourceIP: ServicePathResult['sourceIP'];
  let clientIP: string | undefined;
  const c = q.client;
  const arrival = c.kind === 'external' && c.via === 'loadbalancer' ? c.arrival : undefined;
  if (c.kind === 'pod') {
    const pod = findPod(model, c.pod);
    if (!pod) return `--from ${c.pod}: no pod or workload of that name`;
    clientNode = pod.nodeName;
    // A dual-stack pod dials the Service's family from its address of that family.
    const family = (ip: string) => ip.includes(':') === (svc.clusterIPs[0] ?? '').includes(':');
    clientIP = pod.hostNetwork
      ? idx.nodeByName(pod.nodeName ?? '')?.internalIP
      : (pod.ips.find(family) ?? pod.ip);
    clientDescription = `pod ${pod.namespace}/${pod.name}${pod.nodeName ? ` on ${pod.nodeName}` : ' (not scheduled)'}`;
  } else if (c.kind === 'external') {
    clientIP = c.ip;
    if (c.via === 'loadbalancer') {
      entry = 'LoadBalancer';
      clientDescription = `client ${c.ip} through the load balancer`;
    } else if (c.via === 'external-ip') {
      entry = 'ExternalIP';
      clientDescription = `client ${c.ip} to an externalIP`;
    } else {
      entry = 'NodePort';
      if (!idx.nodeByName(c.via.node))
        return `--via node/${c.via.node}: no such node (${model.nodes.map((n) => n.name).join(', ')})`;
      clientNode = c.via.node;
      clientDescription = `client ${c.ip} through node ${c.via.node}`;
    }
  }
  const external = entry !== 'ClusterIP';
  const shortCircuit = c.kind === 'pod' && c.captured === true;
  if (shortCircuit) notes.push(shortCircuitNote(svc));
  const policy =
    external || shortCircuit
      ? { field: 'externalTrafficPolicy' as const, value: svc.externalTrafficPolicy }
      : { field: 'internalTrafficPolicy' as const, value: svc.internalTrafficPolicy };
  const portInfo = sp
    ? {
        ...(sp.name ? { name: sp.name } : {}),
        port: sp.port,
        protocol: sp.protocol,
        ...(sp.nodePort ? { nodePort: sp.nodePort } : {}),
      }
    : undefined;
  // Where kube-proxy's rules are not what carries the connection, or the endpoints are not in the input: unknown.
  const unknown = servicePathUnknown(model, svc);
  const base = {
    service: `${svc.namespace}/${svc.name}`,
    ...(portInfo ? { port: portInfo } : {}),
    entry,
    clientDescription,
    policy,
    affinity,
    balancing: {
      mode: bal.mode,
      algorithm: bal.algorithm,
      description: svc.headless
        ? 'no kube-proxy rule (headless): the client picks among the addresses DNS returns'
        : bal.description,
    },
  };

  // The frontends, and the entries that do not exist.
  let frontends: string[] = [];
  let missing: string | undefined;
  const wantedPort = q.port ?? '(the only port)';
  if (!sp) missing = `the Service defines no port ${wantedPort}: ${undefinedPortNote(bal.mode)}`;
  else if (entry === 'ClusterIP') {
    frontends = svc.clusterIPs.map((ip) => (ip.includes(':') ? `[${ip}]:${sp.port}` : `${ip}:${sp.port}`));
    if (svc.headless)
      notes.push(
        'headless Service: there is no virtual IP; clients connect to the endpoint addresses DNS returns, and spread load themselves',
      );
  } else if (entry === 'NodePort') {
    if (!sp.nodePort) missing = `Service type ${svc.type} has no NodePort`;
    else frontends = model.nodes.filter((n) => n.internalIP).map((n) => `${n.internalIP}:${sp.nodePort}`);
  } else if (entry === 'ExternalIP') {
    // kube-proxy captures spec.externalIPs on every node, whatever the Service type.
    if (!svc.externalIPs.length) missing = 'the Service has no spec.externalIPs';
    else
      frontends = svc.externalIPs.map((ip) => (ip.includes(':') ? `[${ip}]:${sp.port}` : `${ip}:${sp.port}`));
  } else {
    if (svc.type !== 'LoadBalancer') missing = `Service type ${svc.type} is not a LoadBalancer`;
    else if (!svc.loadBalancerIngress.length)
      missing = 'the load balancer has no address yet (status.loadBalancer is empty; the profile names none)';
    else frontends = svc.loadBalancerIngress.map((a) => `${a}:${sp.port}`);
  }
  if (missing)
    return {
      ...base,
      ...(unknown ? { unknown } : {}),
      frontends,
      verdict: 'not-routed',
      endpoints: [],
      notes: [missing, ...notes],
    };

  // Candidates: addresses of the Service's slices of the frontend's family that serve this port.
  const v6 = (svc.clusterIPs[0] ?? '').includes(':');
  const rows: EndpointRow[] = [];
  const candidates: Candidate[] = [];
  const portOf = new Map<Candidate, number>();
  for (const slice of idx.slicesOf(svc.namespace, svc.name)) {
    if (
      slice.namespace !== svc.namespace ||
      slice.serviceName !== svc.name ||
      slice.addressType === 'FQDN' ||
      (slice.addressType === 'IPv6') !== v6
    )
      continue;
    const p = slice.ports.find((x) => (x.name ?? '') === (sp!.name ?? '') && x.protocol === sp!.protocol);
    for (const ep of slice.endpoints)
      for (const [i, ip] of ep.addresses.entries()) {
        const cand = { endpoint: ep, ip };
        if (p?.port === undefined) rows.push(row(cand, undefined, false, missingPortReason(slice, sp!)));
        else if (i > 0 && !svc.headless) rows.push(row(cand, p.port, false, extraAddressReason));
        else {
          candidates.push(cand);
          portOf.set(cand, p.port);
        }
      }
  }
  const zone = clientNode ? idx.nodeByName(clientNode)?.zone : undefined;
  // An NLB with ip targets connects to the pod addresses itself: no node, no kube-proxy (awsLoadBalancerTargets).
  const ipTargets = entry === 'LoadBalancer' && svc.loadBalancerTargets?.type === 'ip';
  if (ipTargets)
    notes.push(
      `target type ip (${svc.loadBalancerTargets!.by}): the load balancer registers the ready pod addresses and connects to them itself, health-checking each — no node port, no kube-proxy, so externalTrafficPolicy and topology do not apply`,
    );
  // kube-proxy does not handle headless Services: no traffic policy or topology narrows what the client dials.
  const proxied = !svc.headless && !ipTargets;
  // Whose kube-proxy rules (and so which topology hints) apply: the client pod's node, or the node port's node.
  const vantage: Vantage | 'no-kube-proxy' = !proxied
    ? 'no-kube-proxy'
    : c.kind === 'unspecified'
      ? { unknown: "each client's node sends only to the endpoints hinted for it or its zone (pass --from)" }
      : entry === 'LoadBalancer' || entry === 'ExternalIP'
        ? {
            unknown: `each node the ${entry === 'LoadBalancer' ? 'load balancer sends to' : 'externalIP is routed to'} passes connections only to the endpoints hinted for it or its zone`,
          }
        : clientNode
          ? { node: clientNode, ...(zone ? { zone } : {}) }
          : { unknown: 'the client pod is not scheduled on a node' };
  // Through a load balancer or an externalIP the node is not known: a Local policy is that node's endpoints.
  const lbLocal =
    (entry === 'LoadBalancer' || entry === 'ExternalIP') && policy.value === 'Local' && !ipTargets;
  const local =
    proxied && policy.value === 'Local' && !lbLocal && !shortCircuit ? { node: clientNode } : undefined;
  if (!proxied && !ipTargets && policy.value === 'Local') notes.push(headlessLocalNote(policy.field));
  if (local && c.kind === 'unspecified')
    notes.push(
      'internalTrafficPolicy Local: which endpoints are used depends on the client node; pass --from',
    );
  const sel = selectEndpoints(candidates, {
    ...(local && c.kind !== 'unspecified' ? { local } : {}),
    vantage,
  });
  notes.push(...sel.notes);
  // The topology cache's hints (topology-mode Auto) follow each zone's CPU, which kubetwin does not model.
  const autoUnknown =
    proxied && !local
      ? topologyAutoUnknown(svc, candidates, idx.slicesOf(svc.namespace, svc.name))
      : undefined;
  function row(cand: Candidate, port: number | undefined, used: boolean, reason?: string): EndpointRow {
    const e = cand.endpoint;
    const pod = e.targetRef ? idx.podByKey(e.targetRef) : undefined;
    const state = e.conditions.ready
      ? 'ready'
      : e.conditions.serving && e.conditions.terminating
        ? 'serving-terminating'
        : 'not-ready';
    return {
      ip: cand.ip,
      ...(port !== undefined ? { port } : {}),
      ...(pod ? { pod: `${pod.namespace}/${pod.name}` } : {}),
      ...(e.nodeName ? { node: e.nodeName } : {}),
      ...((e.zone ?? (e.nodeName ? idx.nodeByName(e.nodeName)?.zone : undefined))
        ? { zone: e.zone ?? idx.nodeByName(e.nodeName!)?.zone }
        : {}),
      state,
      used,
      ...(reason ? { reason } : {}),
    };
  }
  rows.unshift(
    ...candidates.map((cd) =>
      row(cd, portOf.get(cd), sel.used.has(cd), sel.used.has(cd) ? undefined : sel.reasons.get(cd)),
    ),
  );
  const used = candidates.filter((cd) => sel.used.has(cd));
  let entryUnknown: string | undefined;
  if (lbLocal && entry === 'ExternalIP') {
    // No health check steers an externalIP: the network outside the cluster picks the node.
    const withEndpoint = new Set(used.map((u) => u.endpoint.nodeName).filter(Boolean));
    const without = model.nodes.filter((n) => !withEndpoint.has(n.name)).map((n) => n.name);
    notes.push(
      `externalTrafficPolicy Local: the node the externalIP is routed to sends only to its own endpoints (nodes with one: ${[...withEndpoint].sort().join(', ') || 'none'}), keeping the client address; no health check steers an externalIP`,
    );
    if (without.length && used.length)
      entryUnknown = `externalTrafficPolicy Local on an externalIP: a connection routed to ${without.join(', ')} (no ready endpoint there) is dropped, and which node the network outside the cluster routes ${frontends.join(', ')} to is not in the input`;
  } else if (lbLocal) {
    const healthy = [...new Set(used.map((u) => u.endpoint.nodeName).filter(Boolean))];
    notes.push(
      `externalTrafficPolicy Local: the load balancer sends only to nodes passing the health check on healthCheckNodePort ${svc.healthCheckNodePort ?? '(unallocated)'} (${healthy.length ? healthy.join(', ') : 'none'}), and each node only to its own endpoints — load spreads per node, not per endpoint`,
    );
  }
  const verdict: PathVerdict = used.length
    ? 'routed'
    : local && candidates.some((cd) => cd.endpoint.conditions.ready)
      ? 'dropped'
      : 'rejected';
  if (verdict === 'rejected')
    notes.push('no usable endpoint: kube-proxy rejects the connection (ICMP port unreachable / TCP reset)');
  if (verdict === 'dropped')
    notes.push(
      `${policy.field} Local and no endpoint on ${clientNode ?? 'the client node'}: packets are dropped, with no fallback to other nodes`,
    );

  if (clientIP) {
    if (ipTargets) {
      const kept = svc.loadBalancerTargets!.clientAddressKept;
      sourceIP = {
        seen: kept ? clientIP : "the load balancer's own private address in the VPC (not in the input)",
        preserved: kept,
        why: `target type ip: the load balancer connects to the pod itself, with client IP preservation ${kept ? 'on' : 'off (the default for ip targets over TCP; the target group attribute preserve_client_ip.enabled turns it on)'}`,
      };
    } else if (!external)
      sourceIP = {
        seen: clientIP,
        preserved: true,
        why: proxied
          ? 'in-cluster traffic to a ClusterIP keeps the client address (a pod reaching itself through the VIP is masqueraded)'
          : 'the client connects to the endpoint address itself: no NAT',
      };
    else if (policy.value === 'Local')
      sourceIP = {
        seen: clientIP,
        preserved: true,
        why: 'externalTrafficPolicy Local: no SNAT, the client address is preserved',
      };
    else {
      // MASQUERADE takes the address of the interface toward each endpoint: the node's, or a CNI device's.
      const seen = new Map<string, MasqueradeSource>();
      for (const u of used)
        for (const m of masqueradeSources(model, {
          via: entry === 'NodePort' ? clientNode : arrival,
          endpointNode: u.endpoint.nodeName,
          endpointIP: u.ip,
          loadBalancer: entry === 'LoadBalancer',
          service: svc,
          client: clientIP,
        }))
          if (!seen.has(m.ip)) seen.set(m.ip, m);
      const list = [...seen.values()];
      sourceIP = {
        seen: list.length
          ? sourcesShort([...list].sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0)))
          : entry === 'NodePort'
            ? 'the node address'
            : `the address of the node the ${entry === 'ExternalIP' ? 'externalIP is routed to' : 'load balancer picked'}`,
        preserved: false,
        why: `externalTrafficPolicy Cluster: kube-proxy on ${entry === 'NodePort' ? clientNode : entry === 'ExternalIP' ? 'the node the externalIP is routed to' : (arrival ?? 'the node the load balancer picked')} masquerades (SNAT) external traffic to the address of its interface toward the endpoint, which CNI ${model.profile.cni.name} decides`,
        ...(list.length ? { addresses: list.map((m) => m.ip).sort() } : {}),
      };
    }
  }
  const usedNames = used.map((u) => `${u.ip.includes(':') ? `[${u.ip}]` : u.ip}:${portOf.get(u)}`);
  // Spread over endpoints this client may not use would be a made-up count: none when the set is not known.
  const unsure = !!autoUnknown || !!sel.perNode;
  const s =
    q.requests && !unsure
      ? spread(usedNames, q.requests, balancing(model.profile), svc.sessionAffinity === 'ClientIP')
      : undefined;
  if (q.requests && unsure)
    notes.push(
      `${q.requests} connections are not spread: which endpoints this client's node uses is not known`,
    );
  if (svc.sessionAffinity === 'ClientIP')
    notes.push(
      `sessionAffinity ClientIP: a client's connections stick to one endpoint for ${affinity.timeoutSeconds} s after its last one`,
    );
  const why = unknown ?? autoUnknown ?? entryUnknown;
  return {
    ...base,
    ...(why ? { unknown: why } : {}),
    ...(entryUnknown ? { entryUnknown } : {}),
    frontends,
    ...(sel.topology
      ? { topology: sel.topology }
      : autoUnknown
        ? { topology: 'unknown (topology-mode Auto)', topologyUnknown: autoUnknown }
        : {}),
    verdict,
    endpoints: rows,
    ...(sourceIP ? { sourceIP } : {}),
    ...(s ? { requests: q.requests, spread: s.rows, spreadKind: s.kind } : {}),
    notes,
  };
}
export { policyCidrs, policyCidrTexts } from './_policy-cidrs.ts';
