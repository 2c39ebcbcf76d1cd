// Packages the CLI bundle leaves to node_modules, each loaded only by the commands that use it: the Kubernetes
// client (2 MB, live clusters), ELK (3.3 MB, the report's graph layout), undici (0.8 MB, the gateway's upstreams)
// and esbuild (the web UI run from sources). Bundled, they were two thirds of the file, and every command paid for
// compiling them (undici: evaluating it too) at start: `kubetwin --version` 0.33 → 0.18 s CPU (design note 0006,
// Decision 14). src/cli/bundle.test.ts holds the bundle to it.
export const bundleExternals = ['@kubernetes/client-node', 'elkjs', 'esbuild', 'undici'];
