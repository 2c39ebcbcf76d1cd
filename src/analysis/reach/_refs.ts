import { canonicalIP } from '../../lib/ip.ts';
import type {
  ClusterModel,
  EndpointConditions,
  Pod,
  Protocol,
  Service,
  ServicePort,
  Workload,
} from '../../model/types.ts';
import type { Party } from '../policy/index.ts';
import {
  capturedNote,
  capturedService,
  hostPortTarget,
  internetParties,
  serviceLbNode,
} from '../service-path/index.ts';

/** One concrete end of a connection, with its display name and, for Service targets, the port after DNAT. */
export interface Endpoint {
  readonly party: Party;
  readonly label: string;
  readonly port?: number;
  /** Why there is nothing to connect to (a pod without an IP, a Service without ready endpoints). */
  readonly problem?: string;
}

export interface Resolved {
  readonly label: string;
  readonly endpoints: readonly Endpoint[];
  readonly notes: readonly string[];
  /** An outside name with no known address, judged at every public range: ranges that disagree make it unknown. */
  readonly unresolvedName?: string;
  /**
   * Set when kube-proxy masquerades the connection on the way (a load-balancer address, externalIP or node port
   * with externalTrafficPolicy Cluster): an endpoint's ingress policies see an address the masquerade gives it
   * (service-path `masqueradeSources`), judged in the client's place. `via`: the node that masquerades (a node
   * port's); undefined: a pod client's own node, or any node for a client outside.
   */
  readonly masquerade?: { readonly service: Service; readonly address: string; readonly via?: string };
  /** A node port of a Service with externalTrafficPolicy Local: from outside only the node's own endpoints answer. */
  readonly localNodePort?: { readonly service: Service; readonly node: string };
}

const workloadOrder = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Rollout'];

/**
 * Resolves a REF: `ns/pod`, `ns/NAME` of a workload (one endpoint per pod), `service:ns/NAME` (each ready
 * endpoint, the Service port mapped to its targetPort), `ip:ADDRESS` (a pod, a Service VIP, a node or an outside
 * address) or `internet` (one address per range the ipBlocks cut the public IPv4 space into).
 * Returns an error message for a REF that names nothing.
 */
export function resolveRef(
  model: ClusterModel,
  text: string,
  port: number,
  protocol: Protocol,
  blocks: readonly string[],
  role: 'from' | 'to' = 'to',
): Resolved | string {
  if (text === 'internet') return { label: 'internet', endpoints: internetParties(blocks), notes: [] };
  if (text.startsWith('fqdn:')) return fqdnRef(model, text, blocks);
  if (text.startsWith('ip:')) {
    const ip = canonicalIP(text.slice(3));
    if (!ip) return `"${text}" is not an address (ip:A.B.C.D or ip:x::y)`;
    const pod = model.pods.find((p) => p.ips.includes(ip) && !p.hostNetwork);
    if (pod)
      return {
        label: text,
        endpoints: [podEndpoint(pod)],
        notes: [`${ip} is pod ${pod.namespace}/${pod.name}`],
      };
    const svc = model.services.find((s) => s.clusterIPs.includes(ip));
    if (svc)
      return role === 'from'
        ? servicePods(model, svc, text)
        : serviceEndpoints(model, svc, port, protocol, text, blocks);
    const front = role === 'to' ? capturedService(model, ip, port, protocol) : undefined;
    if (front) {
      const r = serviceEndpoints(model, front, port, protocol, text, blocks);
      if (typeof r === 'string') return r;
      return {
        ...r,
        notes: [...r.notes, capturedNote(front, ip)],
        ...(front.externalTrafficPolicy === 'Cluster' ? { masquerade: lbMasquerade(model, front, ip) } : {}),
      };
    }
    const node = model.nodes.find((n) => n.internalIP === ip);
    const mapped = node && role === 'to' ? hostPortTarget(model, node.name, ip, port, protocol) : undefined;
    if (mapped)
      return {
        label: text,
        endpoints: [{ ...podEndpoint(mapped.pod), port: mapped.containerPort }],
        notes: [
          `${ip}:${port}/${protocol} is hostPort ${port} of pod ${mapped.pod.namespace}/${mapped.pod.name} on node ${node!.name}: the CNI portmap plugin DNATs it to the pod's containerPort ${mapped.containerPort}, so the pod's ingress policies judge it`,
        ],
      };
    const nodePort = node && role === 'to' ? nodePortService(model, port, protocol) : undefined;
    if (node && nodePort) {
      const r = serviceEndpoints(model, nodePort.svc, nodePort.sp.port, protocol, text, blocks);
      if (typeof r === 'string') return r;
      const cluster = nodePort.svc.externalTrafficPolicy === 'Cluster';
      return {
        ...r,
        notes: [
          ...r.notes,
          `${ip}:${port}/${protocol} is node port ${port} of Service ${nodePort.svc.namespace}/${nodePort.svc.name} on node ${node.name}: kube-proxy sends the connection to the Service's endpoints${cluster ? ', masquerading it (externalTrafficPolicy: Cluster)' : ' (externalTrafficPolicy: Local: from outside only the endpoints on this node, with the client address kept)'}`,
        ],
        ...(cluster
          ? { masquerade: { service: nodePort.svc, address: `${ip}:${port}`, via: node.name } }
          : { localNodePort: { service: nodePort.svc, node: node.name } }),
      };
    }
    return {
      label: text,
      endpoints: [
        {
          party: { kind: 'ip', ip, label: node ? `node ${node.name}` : undefined },
          label: node ? `${ip} (node ${node.name})` : ip,
        },
      ],
      notes: [],
    };
  }
  if (text.startsWith('service:') || text.startsWith('svc:')) {
    const ref = splitRef(text.slice(text.indexOf(':') + 1));
    if (!ref) return `"${text}" must be service:NAMESPACE/NAME`;
    const svc = model.services.find((s) => s.namespace === ref.ns && s.name === ref.name);
    if (!svc)
      return `no Service ${ref.ns}/${ref.name}${suggest(model.services.filter((s) => s.namespace === ref.ns).map((s) => s.name))}`;
    return role === 'from'
      ? servicePods(model, svc, text)
      : serviceEndpoints(model, svc, port, protocol, text, blocks);
  }
  const explicitPod = text.startsWith('pod:');
  const ref = splitRef(explicitPod ? text.slice(4) : text);
  if (!ref)
    return `"${text}" is not a REF: use NAMESPACE/NAME, service:NAMESPACE/NAME, ip:ADDRESS, fqdn:NAME or internet`;
  if (!explicitPod) {
    const ws = model.workloads
      .filter((w) => w.namespace === ref.ns && w.name === ref.name)
      .sort((a, b) => workloadOrder.indexOf(a.kind) - workloadOrder.indexOf(b.kind));
    if (ws.length) return workloadPods(model, ws[0], text);
  }
  const pod = model.pods.find((p) => p.namespace === ref.ns && p.name === ref.name);
  if (pod) return { label: text, endpoints: [podEndpoint(pod)], notes: [] };
  const names = [
    ...model.workloads.filter((w) => w.namespace === ref.ns).map((w) => w.name),
    ...model.pods.filter((p) => p.namespace === ref.ns).map((p) => p.name),
  ];
  return `no workload or pod ${ref.ns}/${ref.name}${suggest(names)}`;
}

/**
 * `fqdn:NAME`: an outside name, one endpoint per address the profile's `externalHosts` gives it; the verdict
 * knows the name (Cilium's toFQDNs selects by name, whatever addresses the name resolves to:
 * https://docs.cilium.io/en/stable/security/policy/language/#dns-based). A name with no address there (kubetwin
 * never queries public DNS) is judged at one address per public range, as `internet` is: where every range
 * agrees the answer does not depend on the address.
 */
function fqdnRef(model: ClusterModel, text: string, blocks: readonly string[]): Resolved | string {
  const name = text.slice(5).toLowerCase().replace(/\.$/, '');
  if (!name) return `"${text}" must be fqdn:NAME`;
  const ips = model.profile.externalHosts[name];
  if (!ips?.length)
    return {
      label: text,
      endpoints: internetParties(blocks).map((e) => ({
        party: { ...e.party, label: name, fqdn: name } as Party,
        label: `${name} (${e.label.replace(/^internet /, 'any address in ')})`,
      })),
      notes: [
        `${name} has no address in the profile's externalHosts and kubetwin never queries public DNS: judged at every public address range (add externalHosts: {${name}: [ADDRESS]} to kubetwin.yaml to judge its own addresses)`,
      ],
      unresolvedName: name,
    };
  return {
    label: text,
    endpoints: ips.map((ip) => ({
      party: { kind: 'ip', ip, label: name, fqdn: name },
      label: `${name} (${ip})`,
    })),
    notes: [],
  };
}

/**
 * A workload's pods, one endpoint each, without its finished pods (phase Succeeded or Failed: an evicted pod, a
 * Job's completed run), which a dump lists but which run no containers and hold no IP; the note counts them.
 * They are not among its replicas either (`IsPodActive`, kubernetes/kubernetes pkg/controller/controller_utils.go).
 * https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-phase
 */
function workloadPods(model: ClusterModel, w: Workload, text: string): Resolved {
  const keys = new Set(w.podKeys);
  const all = model.pods.filter((p) => keys.has(p.key));
  const pods = all.filter((p) => p.phase !== 'Succeeded' && p.phase !== 'Failed');
  const finished = all.length - pods.length;
  const name = `${w.kind} ${w.namespace}/${w.name}`;
  return {
    label: text,
    endpoints: pods.map(podEndpoint),
    notes: [
      ...(pods.length ? [] : [`${name} has no ${finished ? 'running ' : ''}pods`]),
      ...(finished
        ? [
            `${finished} finished pod(s) of ${name} (Succeeded or Failed) left out: they run nothing and hold no IP`,
          ]
        : []),
    ],
  };
}

function splitRef(text: string): { ns: string; name: string } | undefined {
  const parts = text.split('/');
  return parts.length === 2 && parts[0] && parts[1] ? { ns: parts[0], name: parts[1] } : undefined;
}

function suggest(names: readonly string[]): string {
  const uniq = [...new Set(names)].sort().slice(0, 8);
  return uniq.length
    ? ` (in that namespace: ${uniq.join(', ')}${names.length > 8 ? ', …' : ''})`
    : ' (the namespace has none)';
}

export function podEndpoint(pod: Pod): Endpoint {
  const label = `${pod.namespace}/${pod.name}`;
  return {
    party: { kind: 'pod', pod },
    label,
    ...(pod.ip
      ? {}
      : { problem: `pod ${label} has no IP (${pod.phase}, not scheduled or not given an address)` }),
  };
}

/**
 * A Service as kube-proxy serves it: the connection is DNATed to one ready endpoint, on the EndpointSlice port
 * of the same name (the targetPort resolved for that pod), so policies judge each endpoint pod and targetPort.
 * https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies
 */
function serviceEndpoints(
  model: ClusterModel,
  svc: Service,
  port: number,
  protocol: Protocol,
  label: string,
  blocks: readonly string[],
  depth = 0,
): Resolved | string {
  if (svc.type === 'ExternalName')
    return externalNameTarget(model, svc, port, protocol, label, blocks, depth);
  const sp = svc.ports.find((p) => p.port === port && p.protocol === protocol);
  if (!sp)
    return `Service ${svc.namespace}/${svc.name} has no port ${port}/${protocol} (ports: ${svc.ports.map((p) => `${p.port}/${p.protocol}`).join(', ') || 'none'})`;
  const notes = svc.headless ? ['headless Service: clients connect to the endpoint addresses directly'] : [];
  let endpoints = sliceEndpoints(model, svc, sp, (c) => c.ready);
  // kube-proxy falls back to serving-terminating endpoints when none is ready (KEP-1669); DNS, which headless
  // clients use, publishes ready ones only.
  if (!endpoints.length && !svc.headless) {
    endpoints = sliceEndpoints(model, svc, sp, (c) => c.serving && c.terminating);
    if (endpoints.length)
      notes.push(
        `Service ${svc.namespace}/${svc.name} has no ready endpoint: kube-proxy sends connections to its serving-terminating ones`,
      );
  }
  if (!endpoints.length)
    return {
      label,
      endpoints: [
        {
          party: { kind: 'ip', ip: svc.clusterIPs[0] ?? '' },
          label,
          problem: `Service ${svc.namespace}/${svc.name} has no ready endpoints for port ${port}/${protocol}: nothing answers`,
        },
      ],
      notes,
    };
  return { label, endpoints, notes };
}

/**
 * The endpoints of a Service's slices the condition `accept` keeps, on the EndpointSlice port named as the Service
 * port, in the primary cluster IP's family; a pod in both families' slices once.
 * https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/#conditions
 */
function sliceEndpoints(
  model: ClusterModel,
  svc: Service,
  sp: ServicePort,
  accept: (c: EndpointConditions) => boolean,
): Endpoint[] {
  const endpoints: Endpoint[] = [];
  const family = clusterIPFamily(svc);
  const seen = new Set<string>();
  for (const slice of model.endpointSlices) {
    if (slice.namespace !== svc.namespace || slice.serviceName !== svc.name || slice.addressType === 'FQDN')
      continue;
    if (family && slice.addressType !== family) continue;
    const ep = slice.ports.find((p) => (p.name ?? '') === (sp.name ?? '') && p.protocol === sp.protocol);
    if (!ep || ep.port === undefined) continue;
    for (const e of slice.endpoints) {
      if (!accept(e.conditions)) continue;
      const pod = e.targetRef
        ? model.pods.find((p) => p.key === e.targetRef)
        : model.pods.find((p) => p.ips.includes(e.addresses[0]) && !p.hostNetwork);
      // A dual-stack pod is one endpoint in each family's slice: one pair, judged once.
      if (pod && seen.has(`${pod.key}:${ep.port}`)) continue;
      if (pod) seen.add(`${pod.key}:${ep.port}`);
      if (pod) endpoints.push({ ...podEndpoint(pod), port: ep.port });
      else
        endpoints.push({ party: { kind: 'ip', ip: e.addresses[0] }, label: e.addresses[0], port: ep.port });
    }
  }
  return endpoints;
}

/**
 * The family of a Service's primary cluster IP: kube-proxy sends a connection to it only to endpoints of that family
 * ("IPv4 and IPv6 proxying are generally entirely separate", kubernetes/kubernetes
 * docs/dev/sig-network/service-proxy.md; https://kubernetes.io/docs/concepts/services-networking/dual-stack/#services).
 * Undefined for a headless Service: its clients dial whichever address DNS gives them.
 */
function clusterIPFamily(svc: Service): 'IPv4' | 'IPv6' | undefined {
  const ip = svc.headless ? undefined : svc.clusterIPs[0];
  return ip ? (ip.includes(':') ? 'IPv6' : 'IPv4') : undefined;
}

/**
 * An ExternalName Service has no virtual IP and no kube-proxy rule: cluster DNS answers a CNAME to
 * `spec.externalName` and the client connects to what that name resolves to, on the port it dialled (no port
 * mapping). A name inside the cluster zone (`NAME.NS.svc.<zone>`) is that Service, reached as any client reaches
 * it; any other name is judged as `fqdn:` judges it.
 * https://kubernetes.io/docs/concepts/services-networking/service/#externalname
 */
function externalNameTarget(
  model: ClusterModel,
  svc: Service,
  port: number,
  protocol: Protocol,
  label: string,
  blocks: readonly string[],
  depth: number,
): Resolved | string {
  const target = (svc.externalName ?? '').toLowerCase().replace(/\.$/, '');
  const via = `Service ${svc.namespace}/${svc.name} is ExternalName: DNS answers a CNAME to ${target}, and the client connects to that name on port ${port}/${protocol} (no virtual IP, no port mapping)`;
  if (!target)
    return `Service ${svc.namespace}/${svc.name} is ExternalName without spec.externalName: nothing to connect to`;
  const inZone = new RegExp(
    `^([^.]+)\\.([^.]+)\\.svc\\.${model.profile.clusterDomain.replace(/\./g, '\\.')}$`,
  ).exec(target);
  const next = inZone && model.services.find((s) => s.namespace === inZone[2] && s.name === inZone[1]);
  if (inZone && !next)
    return `${via}; no Service ${inZone[2]}/${inZone[1]} exists, so the name does not resolve`;
  if (next && depth >= 7) return `${via}; the chain of ExternalName Services is too long to follow`;
  const r = next
    ? serviceEndpoints(model, next, port, protocol, label, blocks, depth + 1)
    : fqdnRef(model, `fqdn:${target}`, blocks);
  return typeof r === 'string' ? `${via}; ${r}` : { ...r, label, notes: [via, ...r.notes] };
}

/**
 * The Service whose `nodePort` is `port`: kube-proxy serves it on every node address (the KUBE-NODEPORTS chain of
 * kubernetes/kubernetes pkg/proxy/iptables/proxier.go). https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport
 */
function nodePortService(
  model: ClusterModel,
  port: number,
  protocol: Protocol,
): { svc: Service; sp: ServicePort } | undefined {
  for (const svc of model.services) {
    const sp = svc.ports.find((p) => p.nodePort === port && p.protocol === protocol);
    if (sp && (svc.type === 'NodePort' || svc.type === 'LoadBalancer')) return { svc, sp };
  }
  return undefined;
}

/** A Service as a source: the pods behind it (a connection leaves from a pod, never from a virtual IP). */
function servicePods(model: ClusterModel, svc: Service, label: string): Resolved {
  const keys = new Set<string>();
  for (const slice of model.endpointSlices)
    if (slice.namespace === svc.namespace && slice.serviceName === svc.name)
      for (const e of slice.endpoints) if (e.targetRef) keys.add(e.targetRef);
  const pods = model.pods.filter((p) => keys.has(p.key));
  return {
    label,
    endpoints: pods.map(podEndpoint),
    notes: [`as a source, ${label} stands for the pods behind it`],
  };
}

/**
 * The masquerade of a connection to a Service's load-balancer address or externalIP: on any node, or on the node
 * whose own address a k3s ServiceLB address is (rule k3s-servicelb-svclb-pods).
 */
function lbMasquerade(
  model: ClusterModel,
  service: Service,
  ip: string,
): NonNullable<Resolved['masquerade']> {
  const via = service.loadBalancerIngress.includes(ip) ? serviceLbNode(model, service, ip) : undefined;
  return { service, address: ip, ...(via ? { via } : {}) };
}
