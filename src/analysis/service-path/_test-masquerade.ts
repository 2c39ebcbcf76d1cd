/**
 * The fixture the kube-proxy masquerade source tests share (reach, trace, suggest): Deployment `web` pinned to
 * node-3 behind NodePort 30080, and a profile naming the CNI whose devices the masquerade can take its address from.
 */
import { webBehindService } from '../trace/_test-fixtures.ts';

/** `web` behind NodePort 30080 with `externalTrafficPolicy: etp`; `ingressFrom` (peers YAML) adds an ingress policy. */
export function nodePortApp(etp: 'Cluster' | 'Local' | undefined, ingressFrom?: string): string {
  const base = webBehindService(
    8080,
    {
      spec: `type: NodePort, ${etp ? `externalTrafficPolicy: ${etp}, ` : ''}`,
      ports: '[{port: 80, targetPort: 8080, nodePort: 30080}]',
    },
    'node-3',
  );
  if (ingressFrom === undefined) return base;
  return `${base}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-in}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [${ingressFrom}]}]
`;
}

/** The peer "every address outside the pod CIDR" that suggest used to write for clients on the internet. */
export const outsideOnly = '{ipBlock: {cidr: 0.0.0.0/0, except: [10.244.0.0/16]}}';

/** A cluster profile whose CNI is `cni`, enforcing NetworkPolicy. */
export const cniProfile = (cni: string) =>
  `apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: ${cni}, enforcesNetworkPolicy: true}\n`;

/** node-1 (10.0.0.11, 10.244.1.0/24) and node-3 (address `node3IP`, 10.244.3.0/24) with these annotations. */
export function annotatedNodes(
  node1: Record<string, string>,
  node3: Record<string, string> = {},
  node3IP = '10.0.0.13',
): string {
  const node = (name: string, ip: string, range: string, a: Record<string, string>) => `---
apiVersion: v1
kind: Node
metadata:
  name: ${name}
  annotations: ${JSON.stringify(a)}
spec: {podCIDR: ${range}, podCIDRs: [${range}]}
status: {addresses: [{type: InternalIP, address: ${ip}}]}
`;
  return (
    node('node-1', '10.0.0.11', '10.244.1.0/24', node1) + node('node-3', node3IP, '10.244.3.0/24', node3)
  );
}

/** The ConfigMap flannel's manifest ships, with this `Backend`. */
export const flannelConfig = (backend: string) => `---
apiVersion: v1
kind: ConfigMap
metadata: {name: kube-flannel-cfg, namespace: kube-flannel}
data:
  net-conf.json: |
    {"Network": "10.244.0.0/16", "Backend": ${backend}}
`;

/**
 * Two Calico nodes as calico-node annotates them, IPIP tunnels addressed: node-1 10.0.0.11/24 (tunl0 10.244.1.192)
 * and node-3 on another subnet, 10.0.1.13/24 (tunl0 10.244.3.64).
 */
export const calicoIpipNodes = () =>
  annotatedNodes(
    {
      'projectcalico.org/IPv4Address': '10.0.0.11/24',
      'projectcalico.org/IPv4IPIPTunnelAddr': '10.244.1.192',
    },
    {
      'projectcalico.org/IPv4Address': '10.0.1.13/24',
      'projectcalico.org/IPv4IPIPTunnelAddr': '10.244.3.64',
    },
    '10.0.1.13',
  );
