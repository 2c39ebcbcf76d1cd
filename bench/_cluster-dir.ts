/**
 * A generated cluster written to disk once (cluster.yaml + kubetwin.yaml) and reused by later runs: the
 * end-to-end bench (`bench/e2e.ts`) and the loading bench (`bench/load.ts`) read the same files.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { generateBodies, profileFor } from './generate.ts';

export type Family = 'realistic' | 'random-labels';

/** `root/<family>-<pods>`, written on first use. */
export function clusterDir(root: string, family: Family, pods: number): string {
  const dir = join(root, `${family}-${pods}`);
  if (existsSync(join(dir, 'kubetwin.yaml'))) return dir;
  mkdirSync(dir, { recursive: true });
  const docs = generateBodies({ family, pods }).map((b) => stringify(b));
  writeFileSync(join(dir, 'cluster.yaml'), docs.join('---\n'));
  const profile = profileFor(pods);
  const nodes = profile.nodes.map(
    (n) => `  - {name: ${n.name}, zone: ${n.zone}, internalIP: ${n.internalIP}}`,
  );
  writeFileSync(
    join(dir, 'kubetwin.yaml'),
    `apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\npodCIDR: ${profile.podCIDR}\nnodes:\n${nodes.join('\n')}\n`,
  );
  return dir;
}
