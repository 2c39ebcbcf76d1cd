/**
 * The web page's files (index.html, app.js, app.css), read once into memory: from `dist/web/` beside the
 * bundled CLI (scripts/build.mjs writes it), else — running from the sources — bundled now with esbuild (a
 * devDependency). Nothing is fetched from the network: the page uses no CDN and no web fonts.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const names = ['index.html', 'app.js', 'app.css'] as const;

export async function loadWebAssets(): Promise<Record<string, string>> {
  // Bundled: this code runs from dist/kubetwin.mjs and the page is in dist/web. From the sources: src/cli.
  const dir = join(here, 'web');
  if (names.every((n) => existsSync(join(dir, n)))) {
    const files = await Promise.all(names.map((n) => readFile(join(dir, n), 'utf8')));
    return Object.fromEntries(names.map((n, i) => [n, files[i]]));
  }
  return bundleWebAssets(join(here, '../../web'));
}

/** Bundles web/ in memory (the sources are there when running through tsx or in the tests). */
export async function bundleWebAssets(webDir: string): Promise<Record<string, string>> {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [join(webDir, 'app.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2020',
    minify: true,
    logLevel: 'warning',
  });
  const [html, css] = await Promise.all([
    readFile(join(webDir, 'index.html'), 'utf8'),
    readFile(join(webDir, 'app.css'), 'utf8'),
  ]);
  return { 'index.html': html, 'app.js': out.outputFiles[0].text, 'app.css': css };
}
