/**
 * Writes the DNS benchmark cluster as manifests (`cluster.yaml`, `kubetwin.yaml`) for `kubetwin serve dns -f DIR`;
 * with `cacheCapacity`, also the `coredns` ConfigMap: kubeadm's Corefile with `cache 30 { success CAP; denial CAP }`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { generateBodies, generateCluster } from './generate.ts';
import { defaultCorefile } from '../src/analysis/corefile/index.ts';

export function writeBenchManifests(dir: string, pods: number, seed = 7, cacheCapacity?: number): void {
  mkdirSync(dir, { recursive: true });
  const bodies: unknown[] = generateBodies({ family: 'realistic', pods, seed });
  if (cacheCapacity)
    bodies.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'coredns', namespace: 'kube-system' },
      data: {
        Corefile: defaultCorefile('cluster.local').replace(
          '    cache 30\n',
          `    cache 30 {\n       success ${cacheCapacity}\n       denial ${cacheCapacity}\n    }\n`,
        ),
      },
    });
  writeFileSync(join(dir, 'cluster.yaml'), bodies.map((b) => stringify(b, { lineWidth: 0 })).join('---\n'));
  const { profile } = generateCluster({ family: 'realistic', pods: 1, seed });
  const nodes = Math.max(3, Math.ceil(pods / 100));
  const list = Array.from({ length: nodes }, (_, i) => ({
    name: `node-${i}`,
    zone: `zone-${i % 3}`,
    internalIP: `172.${16 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`,
  }));
  writeFileSync(
    join(dir, 'kubetwin.yaml'),
    stringify(
      {
        apiVersion: 'kubetwin.dev/v1alpha1',
        kind: 'ClusterProfile',
        podCIDR: '10.0.0.0/8',
        serviceCIDR: profile.serviceCIDR,
        nodes: list,
      },
      { lineWidth: 0 },
    ),
  );
}
