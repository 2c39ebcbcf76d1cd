/**
 * The `realistic` generated cluster as a live cluster lists it: Namespaces, Nodes (with their pod ranges),
 * Services, NetworkPolicies and every pod as an observed Pod (uid, ownerReferences to its ReplicaSet, status with
 * its IP, host IP, phase and Ready condition), built once by kubetwin from the generated Deployments. The
 * controllers themselves are left out, as their pods are present. Used by bench/incremental.ts.
 */
import { buildCluster } from '../src/cluster/index.ts';
import type { Pod } from '../src/model/types.ts';
import { generateBodies, generateCluster } from './generate.ts';

export interface LiveLike {
  readonly bodies: Record<string, unknown>[];
  readonly profile: ReturnType<typeof generateCluster>['profile'];
  /** Pods per node, for placing added pods where there is room. */
  readonly podsOnNode: Map<string, number>;
}

export function podBody(
  p: Pick<Pod, 'name' | 'namespace' | 'labels' | 'nodeName'> & {
    ports: readonly { name?: string; containerPort: number; protocol: string }[];
  },
  ip: string,
  hostIP: string,
  owner?: string,
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: p.namespace,
      uid: `uid-${p.namespace}-${p.name}`,
      labels: p.labels,
      ...(owner
        ? {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'ReplicaSet',
                name: owner,
                uid: `rs-${owner}`,
                controller: true,
              },
            ],
          }
        : {}),
    },
    spec: {
      nodeName: p.nodeName,
      containers: [
        {
          name: 'app',
          image: 'registry.example/app:1.0',
          ports: p.ports.map((x) => ({
            ...(x.name ? { name: x.name } : {}),
            containerPort: x.containerPort,
            protocol: x.protocol,
          })),
        },
      ],
    },
    status: {
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      hostIP,
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

export function liveLike(pods: number, seed = 7): LiveLike {
  const generated = generateCluster({ family: 'realistic', pods, seed });
  const bodies = generateBodies({ family: 'realistic', pods, seed });
  const model = buildCluster(generated.objects, { profile: generated.profile }).model;
  const keep = bodies.filter((b) => ['Namespace', 'Service', 'NetworkPolicy'].includes(String(b.kind)));
  const hostIP = new Map(model.nodes.map((n) => [n.name, n.internalIP ?? '']));
  const nodes = model.nodes.map((n) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: n.name, uid: `node-${n.name}`, labels: n.labels },
    spec: { podCIDR: n.podCIDRs[0], podCIDRs: n.podCIDRs },
    status: { addresses: [{ type: 'InternalIP', address: n.internalIP }] },
  }));
  const podsOnNode = new Map<string, number>();
  const podBodies = model.pods
    .filter((p) => p.ip && p.nodeName && !p.namespace.startsWith('kube-'))
    .map((p) => {
      podsOnNode.set(p.nodeName!, (podsOnNode.get(p.nodeName!) ?? 0) + 1);
      return podBody(p, p.ip!, hostIP.get(p.nodeName!) ?? '', p.name.replace(/-[^-]+$/, ''));
    });
  return { bodies: [...keep, ...nodes, ...podBodies], profile: generated.profile, podsOnNode };
}
