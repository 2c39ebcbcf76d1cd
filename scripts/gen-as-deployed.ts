/**
 * Writes examples/e-commerce/as-deployed.yaml: the fixed/ example as `kubectl get -A -o yaml` would dump it from
 * a cluster running it — one `kind: List` with Namespaces, Nodes (podCIDRs, addresses), the workloads and their
 * ReplicaSets, Pods (ownerReferences, nodeName, status with podIP, hostIP and conditions), Services (clusterIPs,
 * load-balancer ingress), EndpointSlices and the other objects — on a k3s-like address plan (pods 10.42.0.0/16,
 * Services 10.43.0.0/16, nodes 192.168.1.0/24) and with no kubetwin profile. Built from the model kubetwin makes
 * of fixed/ (plus a calico-node DaemonSet, which every Calico cluster runs), then remapped, so the file is
 * reproducible: `npm run examples:as-deployed`.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildFromTexts } from '../src/api/index.ts';
import { addonObjects, isProfileObject, objectKey } from '../src/cluster/index.ts';
import { parseManifests } from '../src/parse/index.ts';
import type { ClusterModel, Pod } from '../src/model/types.ts';

type Body = Record<string, unknown>;

const dir = 'examples/e-commerce/fixed';
const out = 'examples/e-commerce/as-deployed.yaml';

/** Calico's node agent, as the Calico manifests install it (trimmed to what networking needs). */
const calicoNode = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: calico-node, namespace: kube-system, labels: {k8s-app: calico-node}}
spec:
  selector: {matchLabels: {k8s-app: calico-node}}
  template:
    metadata: {labels: {k8s-app: calico-node}}
    spec:
      hostNetwork: true
      serviceAccountName: calico-node
      nodeSelector: {kubernetes.io/os: linux}
      containers:
        - name: calico-node
          image: docker.io/calico/node:v3.28.2
`;

/** The k3s-like address plan: every address of the fixed/ model, moved. Throws on an address it cannot place. */
function moveIP(ip: string): string {
  const o = ip.split('.').map(Number);
  if (o.length !== 4 || o.some((n) => !(n >= 0 && n <= 255))) return ip;
  if (o[0] === 10 && o[1] === 244) return `10.42.${o[2]}.${o[3]}`;
  if (o[0] === 10 && o[1] >= 96 && o[1] <= 111) return `10.43.${o[2]}.${o[3]}`;
  if (o[0] === 10 && o[1] === 0 && o[2] === 1) return `192.168.1.${o[3]}`;
  return ip;
}

function moveAddress(text: string): string {
  const m = /^(\d+\.\d+\.\d+\.\d+)(\/\d+)?$/.exec(text);
  if (!m) return text;
  if (m[2] === '/16' && m[1] === '10.244.0.0') return '10.42.0.0/16';
  if (m[2] === '/12' && m[1] === '10.96.0.0') return '10.43.0.0/16';
  return moveIP(m[1]) + (m[2] ?? '');
}

/** Every string that is an IPv4 address or CIDR, moved (ipBlocks, clusterIPs written in the manifests). */
function moveAll<T>(v: T): T {
  if (typeof v === 'string') return moveAddress(v) as T;
  if (Array.isArray(v)) return v.map(moveAll) as T;
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, moveAll(x)])) as T;
  return v;
}

/** A stable uid per object key, shaped like the API server's. */
function uid(key: string): string {
  let h = 0x811c9dc5;
  const hex: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ round, 0x01000193) >>> 0;
    hex.push(h.toString(16).padStart(8, '0'));
  }
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

const created = '2026-11-30T09:00:00Z';

function meta(kind: string, name: string, namespace: string | undefined, extra: Body = {}): Body {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    uid: uid(objectKey(kind, namespace, name)),
    creationTimestamp: created,
    ...extra,
  };
}

function owner(apiVersion: string, kind: string, name: string, namespace: string) {
  return [
    {
      apiVersion,
      kind,
      name,
      uid: uid(objectKey(kind, namespace, name)),
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
}

function main(): void {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  const texts = files.map((f) => ({ file: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
  texts.push({ file: 'calico-node.yaml', text: calicoNode });
  const { model } = buildFromTexts(texts);
  const raws = parseManifests(texts).objects.filter((o) => !isProfileObject(o));
  const keyOf = (b: Body) => {
    const m = (b.metadata ?? {}) as Body;
    const kind = String(b.kind);
    const namespaced = !['Namespace', 'Node', 'ClusterIssuer', 'IngressClass'].includes(kind);
    return objectKey(kind, namespaced ? String(m.namespace ?? 'default') : undefined, String(m.name));
  };
  const bodies = new Map<string, Body>();
  for (const r of raws) bodies.set(keyOf(r.body), r.body);
  const kubernetesIP = model.services.find((s) => s.namespace === 'default' && s.name === 'kubernetes')
    ?.clusterIPs[0] as string;
  for (const r of addonObjects(model.profile, kubernetesIP, model.nodes[0]?.internalIP))
    if (!bodies.has(keyOf(r.body))) bodies.set(keyOf(r.body), r.body);
  const items: Body[] = [
    ...namespaces(model),
    ...nodes(model),
    ...workloads(model, bodies),
    ...pods(model, bodies),
    ...services(model, bodies),
    ...endpointSlices(model),
    ...others(bodies),
  ];
  const header = [
    '# GENERATED by scripts/gen-as-deployed.ts from fixed/ (npm run examples:as-deployed); do not edit.',
    '# The fixed/ example as `kubectl get -A -o yaml` dumps it from a cluster running it: ReplicaSets, Pods with',
    '# ownerReferences and status, Nodes, Services with clusterIPs, EndpointSlices, k3s-like address ranges',
    '# (pods 10.42.0.0/16, Services 10.43.0.0/16) and no kubetwin profile: kubetwin infers it.',
  ].join('\n');
  const list = { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: moveAll(items) };
  writeFileSync(out, `${header}\n${stringify(list, { lineWidth: 0, version: '1.1' })}`);
  process.stdout.write(`wrote ${out}: ${items.length} objects, ${model.pods.length} pods\n`);
}

function namespaces(model: ClusterModel): Body[] {
  return model.namespaces.map((n) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: meta('Namespace', n.name, undefined, { labels: n.labels, ...annotations(n.annotations) }),
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  }));
}

function nodes(model: ClusterModel): Body[] {
  return model.nodes.map((n) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: meta('Node', n.name, undefined, {
      labels: { ...n.labels, 'node-role.kubernetes.io/worker': 'true' },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
    }),
    spec: { podCIDR: n.podCIDR, podCIDRs: n.podCIDRs, providerID: `k3s://${n.name}` },
    status: {
      addresses: [
        { type: 'InternalIP', address: n.internalIP },
        { type: 'Hostname', address: n.name },
      ],
      capacity: { cpu: '4', memory: '16318792Ki', pods: String(model.profile.maxPodsPerNode) },
      allocatable: { cpu: '4', memory: '16318792Ki', pods: String(model.profile.maxPodsPerNode) },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastTransitionTime: created }],
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        kubeletVersion: 'v1.31.4+k3s1',
        kubeProxyVersion: 'v1.31.4+k3s1',
        containerRuntimeVersion: 'containerd://1.7.23-k3s2',
      },
    },
  }));
}

const workloadApi: Record<string, string> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
};

/** The workload objects with status, and one ReplicaSet per Deployment (`<deployment>-<pod-template-hash>`). */
function workloads(model: ClusterModel, bodies: Map<string, Body>): Body[] {
  const out: Body[] = [];
  const podsByKey = new Map(model.pods.map((p) => [p.key, p]));
  for (const w of model.workloads) {
    const body = bodies.get(w.key);
    if (!body) continue;
    const spec = body.spec as Body;
    const ready = w.podKeys.filter((k) => podsByKey.get(k)?.ready).length;
    const n = w.podKeys.length;
    out.push({
      ...body,
      metadata: meta(w.kind, w.name, w.namespace, {
        ...(Object.keys(w.labels).length ? { labels: w.labels } : {}),
        ...annotations(w.annotations),
        generation: 1,
      }),
      status:
        w.kind === 'DaemonSet'
          ? {
              currentNumberScheduled: n,
              desiredNumberScheduled: n,
              numberAvailable: ready,
              numberReady: ready,
            }
          : { replicas: n, readyReplicas: ready, availableReplicas: ready, observedGeneration: 1 },
    });
    if (w.kind !== 'Deployment') continue;
    const hash = podsByKey.get(w.podKeys[0])?.labels['pod-template-hash'];
    if (!hash) continue;
    const template = spec.template as Body;
    const tmeta = (template.metadata ?? {}) as Body;
    const labels = { ...((tmeta.labels as Body) ?? {}), 'pod-template-hash': hash };
    const selector = (spec.selector as Body).matchLabels as Body;
    out.push({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: meta('ReplicaSet', `${w.name}-${hash}`, w.namespace, {
        labels,
        annotations: { 'deployment.kubernetes.io/revision': '1' },
        ownerReferences: owner('apps/v1', 'Deployment', w.name, w.namespace),
      }),
      spec: {
        replicas: n,
        selector: { matchLabels: { ...selector, 'pod-template-hash': hash } },
        template: { ...template, metadata: { ...tmeta, labels } },
      },
      status: { replicas: n, readyReplicas: ready, availableReplicas: ready, fullyLabeledReplicas: n },
    });
  }
  return out;
}

/** Every pod of the model as the API server holds it: the template's spec, its node, its status. */
function pods(model: ClusterModel, bodies: Map<string, Body>): Body[] {
  const nodeIP = new Map(model.nodes.map((n) => [n.name, n.internalIP]));
  return model.pods.map((p) => {
    const ownerBody = p.owner ? bodies.get(p.owner) : bodies.get(p.key);
    const spec = p.owner
      ? (((ownerBody?.spec as Body).template as Body).spec as Body)
      : ((ownerBody?.spec as Body) ?? {});
    const ownerKind = p.owner?.split('/')[0];
    const ownerName = p.owner?.split('/')[2] ?? '';
    const refs =
      ownerKind === 'Deployment'
        ? owner('apps/v1', 'ReplicaSet', `${ownerName}-${p.labels['pod-template-hash']}`, p.namespace)
        : ownerKind
          ? owner(workloadApi[ownerKind] ?? 'batch/v1', ownerKind, ownerName, p.namespace)
          : undefined;
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta('Pod', p.name, p.namespace, {
        labels: p.labels,
        ...annotations(p.annotations),
        ...(refs ? { ownerReferences: refs } : {}),
      }),
      spec: {
        ...spec,
        ...(p.hostname && p.subdomain ? { hostname: p.hostname, subdomain: p.subdomain } : {}),
        ...(p.nodeName ? { nodeName: p.nodeName } : {}),
        dnsPolicy: p.dnsPolicy,
        serviceAccountName: p.serviceAccountName,
        enableServiceLinks: true,
      },
      status: podStatus(p, p.nodeName ? nodeIP.get(p.nodeName) : undefined),
    };
  });
}

function podStatus(p: Pod, hostIP: string | undefined): Body {
  const cond = (type: string, ok: boolean) => ({
    type,
    status: ok ? 'True' : 'False',
    lastTransitionTime: created,
  });
  return {
    phase: p.phase,
    ...(hostIP ? { hostIP, hostIPs: [{ ip: hostIP }] } : {}),
    ...(p.ip ? { podIP: p.ip, podIPs: p.ips.map((ip) => ({ ip })) } : {}),
    conditions: [
      cond('PodReadyToStartContainers', !!p.ip),
      cond('Initialized', true),
      cond('Ready', p.ready),
      cond('ContainersReady', p.ready),
      cond('PodScheduled', !!p.nodeName),
    ],
    qosClass: 'BestEffort',
    startTime: created,
  };
}

function services(model: ClusterModel, bodies: Map<string, Body>): Body[] {
  return model.services.map((s) => {
    const body = bodies.get(s.key) ?? {};
    const spec = (body.spec ?? {}) as Body;
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('Service', s.name, s.namespace, {
        ...(Object.keys(s.labels).length ? { labels: s.labels } : {}),
        ...annotations(s.annotations),
      }),
      spec: {
        ...spec,
        type: s.type,
        ...(s.type === 'ExternalName'
          ? {}
          : {
              clusterIP: s.headless ? 'None' : s.clusterIPs[0],
              clusterIPs: s.headless ? ['None'] : s.clusterIPs,
              ipFamilies: s.ipFamilies,
              ipFamilyPolicy: 'SingleStack',
              internalTrafficPolicy: s.internalTrafficPolicy,
            }),
        ports: s.ports.map((p) => ({
          ...(p.name ? { name: p.name } : {}),
          port: p.port,
          protocol: p.protocol,
          targetPort: p.targetPort,
          ...(p.nodePort ? { nodePort: p.nodePort } : {}),
          ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
        })),
        sessionAffinity: s.sessionAffinity,
      },
      status: {
        loadBalancer: s.loadBalancerIngress.length
          ? { ingress: s.loadBalancerIngress.map((ip) => ({ ip, ipMode: 'VIP' })) }
          : {},
      },
    };
  });
}

function endpointSlices(model: ClusterModel): Body[] {
  return model.endpointSlices.map((e) => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: meta('EndpointSlice', e.name, e.namespace, {
      labels: e.labels,
      generateName: `${e.serviceName}-`,
      ownerReferences: owner('v1', 'Service', e.serviceName, e.namespace),
    }),
    addressType: e.addressType,
    endpoints: e.endpoints.map((ep) => ({
      addresses: ep.addresses,
      conditions: ep.conditions,
      ...(ep.hostname ? { hostname: ep.hostname } : {}),
      ...(ep.nodeName ? { nodeName: ep.nodeName } : {}),
      ...(ep.zone ? { zone: ep.zone } : {}),
      ...(ep.targetRef
        ? { targetRef: { kind: 'Pod', name: ep.targetRef.split('/')[2], namespace: e.namespace } }
        : {}),
    })),
    ports: e.ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol })),
  }));
}

/** Everything else (policies, routing, ConfigMaps, issuers) as written, with the metadata a cluster adds. */
function others(bodies: Map<string, Body>): Body[] {
  const modeled = ['Namespace', 'Node', 'Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Service'];
  return [...bodies.entries()]
    .filter(([, b]) => !modeled.includes(String(b.kind)) && b.kind !== 'EndpointSlice')
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([key, b]) => {
      const m = (b.metadata ?? {}) as Body;
      const [kind, ...rest] = key.split('/');
      const namespace = rest.length === 2 ? rest[0] : undefined;
      return { ...b, metadata: { ...m, ...meta(kind, String(m.name), namespace) } };
    });
}

function annotations(a: Readonly<Record<string, string>>): Body {
  return Object.keys(a).length ? { annotations: a } : {};
}

main();
