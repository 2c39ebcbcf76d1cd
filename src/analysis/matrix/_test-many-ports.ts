/**
 * Test clusters with more port classes than the reachability kernel decides in one pass (30): the random
 * clusters of `clusterArb`, each pod declaring `PORTS` TCP ports (1000, 1001, …) on top of its own, and one more
 * policy in n1 with a rule per port (from pods labelled `app: a` or `tier: b` in turn), so no two of those ports
 * fall in one port class.
 */
import { clusterArb, toYaml } from '../policy/_cluster-arb.ts';

export const PORTS = 36;

export const manyPortsArb = clusterArb.map((c) => {
  const docs = toYaml(c)
    .split('\n---\n')
    .map((d) => JSON.parse(d) as { kind: string; spec: { containers: { ports: object[] }[] } });
  const extra = Array.from({ length: PORTS }, (_, i) => ({ name: `q${i}`, containerPort: 1000 + i }));
  for (const d of docs) if (d.kind === 'Pod') d.spec.containers[0].ports.push(...extra);
  const perPort = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'per-port', namespace: 'n1' },
    spec: {
      podSelector: {},
      ingress: extra.map((p) => ({
        from: [{ podSelector: { matchLabels: p.containerPort % 2 ? { app: 'a' } : { tier: 'b' } } }],
        ports: [{ port: p.containerPort }],
      })),
    },
  };
  return [...docs, perPort].map((d) => JSON.stringify(d)).join('\n---\n');
});
