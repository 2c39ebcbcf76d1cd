// Bundles the CLI into one ESM file so `npx kubetwin` starts without a TypeScript loader.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { bundleExternals } from './bundle-externals.mjs';

// Both bundles: one ESM file each for Node 20, the heavy packages left to node_modules, and `require` for the
// CommonJS packages bundled in.
const requireShim =
  "import { createRequire as __kubetwinRequire } from 'node:module'; const require = __kubetwinRequire(import.meta.url);";
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: false,
  external: bundleExternals,
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/kubetwin.mjs',
  banner: { js: `#!/usr/bin/env node\n${requireShim}` },
});

// The reachability workers of the CLI (src/workers/reach-pool.ts starts them from this file, beside the CLI).
await build({
  ...common,
  entryPoints: ['src/workers/reach-worker.ts'],
  outfile: 'dist/kubetwin-reach-worker.mjs',
  banner: { js: requireShim },
});

// The serving process of `serve dns`, alone: it loads only the DNS server, not the whole CLI (see
// src/cli/serve-dns-process.ts). CommonJS: Node's ESM loader alone touches about 1 MB more of its own code.
await build({
  entryPoints: ['src/cli/serve-dns-process.ts'],
  outfile: 'dist/kubetwin-dns.cjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: false,
  logLevel: 'warning',
});

// The page of `kubetwin ui`: one script, its HTML and CSS, read into memory by the server (src/cli/_web-assets.ts).
mkdirSync('dist/web', { recursive: true });
await build({
  entryPoints: ['web/app.ts'],
  outfile: 'dist/web/app.js',
  bundle: true,
  format: 'iife',
  target: 'es2020',
  minify: true,
  logLevel: 'warning',
});
copyFileSync('web/index.html', 'dist/web/index.html');
copyFileSync('web/app.css', 'dist/web/app.css');
