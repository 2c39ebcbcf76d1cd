/**
 * Bundles a bench script into one file run from /tmp, as the CLI's own bundle is (no tsx in the timed process).
 * esbuild is imported here only, so the bundle itself never loads it.
 */
export async function bundleSelf(entry: string, outfile: string): Promise<void> {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: ['@kubernetes/client-node', 'esbuild'],
    banner: {
      js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);",
    },
    logLevel: 'warning',
  });
}
