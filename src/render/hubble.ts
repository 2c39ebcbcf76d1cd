/**
 * Flows the way `hubble observe -o json` prints them (one JSON object per line, `{"flow": {...}}`), so people who
 * debug with Hubble read kubetwin's answer in the shape they know: endpoints with identity, namespace, pod name
 * and labels (`k8s:key=value`), `verdict` FORWARDED or DROPPED, `drop_reason_desc` POLICY_DENIED, `l4`, and `l7`
 * HTTP fields for requests judged by L7 rules. No timestamps (deterministic output).
 * https://docs.cilium.io/en/stable/observability/hubble/ · cilium/cilium api/v1/flow/flow.proto
 */
import { ciliumIdentityLabels, type Party } from '../analysis/policy/index.ts';
import type { JudgedFlow } from '../analysis/trace/index.ts';
import { parseIP } from '../lib/ip.ts';
import type { ClusterModel, Pod } from '../model/types.ts';

/** Reserved identities (cilium/cilium pkg/identity/numericidentity.go). */
const reserved = { host: 1, world: 2, 'remote-node': 6, 'kube-apiserver': 7 } as const;

/** Pod identities numbered from 256 in the order of their sorted label sets: stable for the same model. */
export function identities(model: ClusterModel): Map<string, number> {
  const cluster = model.profile.cni.cluster ?? 'default';
  const keys = new Set<string>();
  for (const p of model.pods) if (!p.hostNetwork) keys.add(labelKey(model, p, cluster));
  return new Map([...keys].sort().map((k, i) => [k, 256 + i]));
}

/**
 * Labels controllers stamp on pods that Cilium's default label filter leaves out of identities
 * (https://docs.cilium.io/en/stable/operations/performance/scalability/identity-relevant-labels/).
 */
const unstable =
  /^(pod-template-hash|pod-template-generation|controller-revision-hash|controller-uid|job-name|(statefulset|apps|batch)\.kubernetes\.io\/)/;

export function labelList(model: ClusterModel, pod: Pod, cluster: string): string[] {
  const ns = model.namespaces.find((n) => n.name === pod.namespace)?.labels ?? {};
  const labels = ciliumIdentityLabels(pod, ns, cluster);
  return Object.keys(labels)
    .filter((k) => !unstable.test(k))
    .sort()
    .map((k) => `k8s:${k}=${labels[k]}`);
}

const labelKey = (model: ClusterModel, pod: Pod, cluster: string) => labelList(model, pod, cluster).join(',');

export function endpoint(model: ClusterModel, ids: Map<string, number>, party: Party, localNode?: string) {
  const cluster = model.profile.cni.cluster ?? 'default';
  if (party.kind === 'pod' && !party.pod.hostNetwork) {
    const pod = party.pod;
    return {
      ID: 0,
      identity: ids.get(labelKey(model, pod, cluster)) ?? 0,
      cluster_name: cluster,
      namespace: pod.namespace,
      labels: labelList(model, pod, cluster),
      pod_name: pod.name,
      ...(pod.owner
        ? { workloads: [{ name: pod.owner.split('/')[2] ?? '', kind: pod.owner.split('/')[0] }] }
        : {}),
    };
  }
  const ip = party.kind === 'pod' ? (party.pod.ip ?? '') : party.ip;
  const node = model.nodes.find((n) => n.internalIP === ip);
  const entity = node ? (node.name === localNode ? 'host' : 'remote-node') : 'world';
  return {
    identity: reserved[entity],
    labels: [`reserved:${entity}`],
    ...(party.kind === 'ip' && party.fqdn ? { names: [party.fqdn] } : {}),
  };
}

/** Hubble's `l4` object for the first packet of a connection. */
export const l4Of = (proto: string, port: number) => ({
  [proto]: { destination_port: port, ...(proto === 'TCP' ? { flags: { SYN: true } } : {}) },
});

/** Hubble's `Summary` of an L3/L4 flow. */
export const l4Summary = (proto: string) => (proto === 'TCP' ? 'TCP Flags: SYN' : proto);

const ipOf = (p: Party) => (p.kind === 'pod' ? (p.pod.ip ?? '') : p.ip);

/** One Hubble flow object for a judged connection. */
export function hubbleFlow(model: ClusterModel, flow: JudgedFlow, ids = identities(model)) {
  const v = flow.verdict;
  const src = ipOf(flow.from);
  const dst = ipOf(flow.to);
  const node =
    flow.from.kind === 'pod'
      ? flow.from.pod.nodeName
      : flow.to.kind === 'pod'
        ? flow.to.pod.nodeName
        : undefined;
  const deniedAt = !v.egress.allowed ? v.egress : !v.ingress.allowed ? v.ingress : undefined;
  const l7Side = v.egress.l7?.request ? v.egress : v.ingress.l7?.request ? v.ingress : undefined;
  const l7 =
    flow.http && l7Side
      ? {
          type: 'RESPONSE',
          http: {
            code: v.httpStatus ?? 200,
            method: flow.http.method,
            url: `http://${flow.http.headers?.host ?? dst}${flow.http.path}`,
            protocol: 'HTTP/1.1',
          },
        }
      : undefined;
  const proto = flow.protocol;
  return {
    flow: {
      verdict: v.allowed ? 'FORWARDED' : 'DROPPED',
      ...(v.allowed ? {} : { drop_reason_desc: 'POLICY_DENIED' }),
      ethernet: {},
      IP: { source: src, destination: dst, ipVersion: parseIP(dst)?.family === 6 ? 'IPv6' : 'IPv4' },
      l4: l4Of(proto, flow.port),
      source: endpoint(model, ids, flow.from, node),
      destination: endpoint(model, ids, flow.to, node),
      Type: l7 ? 'L7' : 'L3_L4',
      ...(node ? { node_name: node } : {}),
      ...(l7 ? { l7 } : {}),
      traffic_direction: (deniedAt ?? v.ingress).direction === 'Egress' ? 'EGRESS' : 'INGRESS',
      is_reply: false,
      Summary: l7 ? `HTTP/1.1 ${l7.http.code} ${flow.http!.method} ${l7.http.url}` : l4Summary(proto),
    },
  };
}

/** `hubble observe -o json` lines for judged connections, in the order given. */
export function renderHubble(model: ClusterModel, flows: readonly JudgedFlow[]): string {
  const ids = identities(model);
  return flows.map((f) => JSON.stringify(hubbleFlow(model, f, ids)) + '\n').join('');
}
