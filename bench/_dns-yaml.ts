/** Writes the DNS benchmark cluster as manifests (`cluster.yaml`, `kubetwin.yaml`) for `kubetwin serve dns -f DIR`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { generateBodies, generateCluster } from './generate.ts';

export function writeBenchManifests(dir: string, pods: number, seed = 7): void {
  mkdirSync(dir, { recursive: true });
  const bodies = generateBodies({ family: 'realistic', pods, seed });
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
