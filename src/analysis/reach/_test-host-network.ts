/** Test fixtures shared by the hostNetwork-source tests of reach and matrix. */
import { webBehindService } from '../trace/_test-fixtures.ts';

/** A hostNetwork pod `agent` on `node`. */
export const agent = (node: string) => `---
apiVersion: v1
kind: Pod
metadata: {name: agent, labels: {app: agent}}
spec: {nodeName: ${node}, hostNetwork: true, containers: [{name: c, image: x}]}
`;

/** `web` on node-3 behind its Service, its ingress admitting `peer` only. */
export const webFrom = (peer: string) =>
  webBehindService(8080, { spec: '', ports: '[{port: 80, targetPort: 8080}]' }, 'node-3') +
  `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-in}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [${peer}]}]
`;

/** An ipBlock peer of the nodes' addresses. */
export const nodes = '{ipBlock: {cidr: 10.0.0.0/24}}';
