/**
 * Deterministic generators of synthetic clusters for benchmarks (never for golden outputs of real input).
 *
 * - `realistic`: the shape of Kubernetes' ClusterLoader2 load test — namespaces of 3,000 pods, half of the
 *   pods in Deployments of 5 replicas, a quarter in Deployments of 30 and a quarter in Deployments of 250;
 *   half of the Deployments behind a Service; one NetworkPolicy per Deployment (with `cilium`, one
 *   CiliumNetworkPolicy per Deployment instead, with the same rules, and a profile whose CNI is Cilium).
 *   https://github.com/kubernetes/perf-tests/tree/master/clusterloader2/testing/load
 * - `random-labels`: the random-label clusters of the Kano verification papers — bare pods with random labels
 *   drawn from a small vocabulary, and policies whose selectors and peers are random label subsets.
 */
import { rawFromData, type RawObject } from '../src/parse/index.ts';
import { defaultProfile, type Profile, type ProfileNode } from '../src/model/profile.ts';

export interface GenerateOptions {
  readonly family: 'realistic' | 'random-labels';
  readonly pods: number;
  /** Policies for `random-labels` (default pods / 2); `realistic` has one per Deployment. */
  readonly policies?: number;
  readonly seed?: number;
  /** `realistic` only: CiliumNetworkPolicies instead of NetworkPolicies. */
  readonly cilium?: boolean;
}

export interface Generated {
  readonly objects: RawObject[];
  readonly profile: Profile;
}

/** mulberry32: a tiny seeded PRNG, so the same options always give the same cluster. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const src = (i: number) => ({ file: '<generated>', doc: i, line: 1, column: 1 });

/** Enough nodes for the pods at 100 per node (kubelet's limit is 110), pod ranges from 10.0.0.0/8. */
export function profileFor(pods: number): Profile {
  const count = Math.max(3, Math.ceil(pods / 100));
  const nodes: ProfileNode[] = [];
  for (let i = 0; i < count; i++)
    nodes.push({
      name: `node-${i}`,
      zone: `zone-${i % 3}`,
      internalIP: `172.${16 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`,
    });
  return { ...defaultProfile, podCIDR: '10.0.0.0/8', nodes };
}

export function generateCluster(options: GenerateOptions): Generated {
  const rand = prng(options.seed ?? 1);
  const bodies =
    options.family === 'realistic'
      ? realistic(options.pods, rand, options.cilium)
      : randomLabels(options.pods, options.policies ?? Math.floor(options.pods / 2), rand);
  const profile = profileFor(options.pods);
  return {
    objects: bodies.map((b, i) => rawFromData(b, src(i))),
    profile: options.cilium ? { ...profile, cni: { name: 'cilium', enforcesNetworkPolicy: true } } : profile,
  };
}

/** The plain objects, for benchmarks that serialise them to YAML to time parsing. */
export function generateBodies(options: GenerateOptions): Record<string, unknown>[] {
  const rand = prng(options.seed ?? 1);
  return options.family === 'realistic'
    ? realistic(options.pods, rand)
    : randomLabels(options.pods, options.policies ?? Math.floor(options.pods / 2), rand);
}

const containers = [
  {
    name: 'app',
    image: 'registry.example/app:1.0',
    ports: [
      { name: 'http', containerPort: 8080 },
      { name: 'metrics', containerPort: 9090 },
    ],
  },
];

function realistic(pods: number, rand: () => number, cilium = false): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const perNamespace = 3000;
  const namespaces = Math.max(1, Math.ceil(pods / perNamespace));
  out.push({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'monitoring', labels: { purpose: 'monitoring' } },
  });
  let remaining = pods;
  for (let n = 0; n < namespaces; n++) {
    const ns = `load-${n}`;
    out.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { tier: n % 2 ? 'odd' : 'even' } },
    });
    const budget = Math.min(perNamespace, remaining);
    remaining -= budget;
    const sizes: number[] = [];
    let big = Math.floor(budget / 4 / 250);
    let medium = Math.floor(budget / 4 / 30);
    let left = budget - big * 250 - medium * 30;
    while (big-- > 0) sizes.push(250);
    while (medium-- > 0) sizes.push(30);
    while (left >= 5) {
      sizes.push(5);
      left -= 5;
    }
    if (left > 0) sizes.push(left);
    sizes.forEach((replicas, d) => {
      const name = `${replicas >= 250 ? 'big' : replicas >= 30 ? 'medium' : 'small'}-${d}`;
      const labels = { app: name, group: `g${d % 10}` };
      out.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: ns, labels },
        spec: {
          replicas,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels }, spec: { containers } },
        },
      });
      if (d % 2 === 0)
        out.push({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name, namespace: ns },
          spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
        });
      const peerGroup = `g${Math.floor(rand() * 10)}`;
      if (cilium)
        return void out.push({
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumNetworkPolicy',
          metadata: { name: `allow-${name}`, namespace: ns },
          spec: {
            endpointSelector: { matchLabels: { app: name } },
            ingress: [
              {
                fromEndpoints: [{ matchLabels: { group: peerGroup } }],
                toPorts: [{ ports: [{ port: 'http', protocol: 'TCP' }] }],
              },
              {
                fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'monitoring' } }],
                toPorts: [{ ports: [{ port: '9090', protocol: 'TCP' }] }],
              },
            ],
          },
        });
      out.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: `allow-${name}`, namespace: ns },
        spec: {
          podSelector: { matchLabels: { app: name } },
          policyTypes: ['Ingress'],
          ingress: [
            { from: [{ podSelector: { matchLabels: { group: peerGroup } } }], ports: [{ port: 'http' }] },
            {
              from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
              ports: [{ port: 9090, protocol: 'TCP' }],
            },
          ],
        },
      });
    });
  }
  return out;
}

function randomLabels(pods: number, policies: number, rand: () => number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const keys = ['app', 'tier', 'team', 'env', 'role', 'zone', 'version', 'owner', 'stage', 'shard'];
  const value = () => `v${Math.floor(rand() * 5)}`;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const namespaces = Math.max(2, Math.min(100, Math.floor(pods / 1000)));
  for (let n = 0; n < namespaces; n++)
    out.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: `ns-${n}`, labels: { team: value(), env: value() } },
    });
  const labelSet = (count: number) => {
    const labels: Record<string, string> = {};
    for (let i = 0; i < count; i++) labels[pick(keys)] = value();
    return labels;
  };
  for (let p = 0; p < pods; p++)
    out.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `pod-${p}`,
        namespace: `ns-${p % namespaces}`,
        labels: labelSet(3 + Math.floor(rand() * 3)),
      },
      spec: { containers },
    });
  for (let q = 0; q < policies; q++) {
    const peer = () => {
      const r = rand();
      if (r < 0.5) return { podSelector: { matchLabels: labelSet(1 + Math.floor(rand() * 2)) } };
      if (r < 0.8)
        return { namespaceSelector: { matchLabels: labelSet(1) }, podSelector: { matchLabels: labelSet(1) } };
      if (r < 0.9) return { namespaceSelector: { matchLabels: labelSet(1) } };
      return {
        ipBlock: {
          cidr: `10.${Math.floor(rand() * 256)}.0.0/16`,
          except: [`10.${Math.floor(rand() * 256)}.0.0/24`].filter(() => false),
        },
      };
    };
    const ports = rand() < 0.3 ? undefined : [{ port: rand() < 0.5 ? 'http' : 8080, protocol: 'TCP' }];
    const rule = (dir: 'from' | 'to') => ({ [dir]: [peer()], ...(ports ? { ports } : {}) });
    const egress = rand() < 0.3;
    out.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `policy-${q}`, namespace: `ns-${q % namespaces}` },
      spec: {
        podSelector: { matchLabels: labelSet(1 + Math.floor(rand() * 2)) },
        ingress: [rule('from')],
        ...(egress ? { egress: [rule('to')] } : {}),
      },
    });
  }
  return out;
}
