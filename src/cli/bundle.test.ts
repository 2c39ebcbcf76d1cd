import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { bundleExternals } from '../../scripts/bundle-externals.mjs';

test('bundle: ELK, undici and esbuild are left to node_modules and never loaded at start (design note 0006, Decision 14)', async () => {
  // The options scripts/build.mjs bundles the CLI with; compiling ELK alone cost every command ~0.1 s at start.
  const out = await build({
    entryPoints: ['src/cli/main.ts'],
    bundle: true,
    write: false,
    outfile: 'kubetwin.mjs',
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: bundleExternals,
    metafile: true,
    logLevel: 'silent',
  });
  const lazy = ['elkjs', 'undici', 'esbuild'];
  const bundled = Object.keys(out.metafile.inputs).filter((path) =>
    lazy.some((name) => path.includes(`node_modules/${name}/`)),
  );
  assert.deepEqual(bundled, []);
  // None is a static import of the bundle (which Node would load before any command runs).
  const [output] = Object.values(out.metafile.outputs);
  const staticImports = output.imports
    .filter((i) => i.external && i.kind === 'import-statement')
    .map((i) => i.path)
    .filter((path) => lazy.some((name) => path === name || path.startsWith(`${name}/`)));
  assert.deepEqual(staticImports, []);
  // kubetwin's own code is ~3 MB (3.01 MB after the fourteenth session of 2026-12-05); ELK's smallest build alone is
  // 1.6 MB, so a bundled ELK still fails this bound.
  assert.ok(output.bytes < 3_400_000, `${output.bytes} bytes`);
  // What is left out must be installed with kubetwin: ELK and undici are dependencies (esbuild is needed only
  // when running from the sources, where devDependencies are installed).
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
  for (const name of ['elkjs', 'undici', '@kubernetes/client-node']) assert.ok(pkg.dependencies[name], name);
});
