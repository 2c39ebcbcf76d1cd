import { readFileSync, realpathSync } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Diagnostic } from '../model/diagnostic.ts';
import { kustomizeNonResources, renderHint } from './_rendered-trees.ts';
import type { ManifestText } from '../parse/index.ts';
import { utf8Text } from './_text.ts';

const manifestExtensions = new Set(['.yaml', '.yml', '.json']);
export const profileFileName = 'kubetwin.yaml';

export interface LoadedInputs {
  readonly texts: ManifestText[];
  readonly diagnostics: Diagnostic[];
}

/**
 * Reads `-f` inputs: files, directories (recursively, entries in sorted order, hidden ones skipped; Helm charts
 * and Kustomize folders recognised, see `walk`) and `-` for stdin. For a file input, a `kubetwin.yaml` profile beside it is read too; in directories it is found by
 * the walk. A missing path is an error diagnostic, not an exception.
 */
export async function loadInputs(
  paths: readonly string[],
  readStdin: () => Promise<string>,
): Promise<LoadedInputs> {
  const texts: ManifestText[] = [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const state: WalkState = {
    report: (d) => diagnostics.push(d),
    skip: new Set(),
    reported: new Set(),
    ancestors: [],
  };
  // One file reached twice (through a symlink, or named twice) is read once. A directory's files are resolved and
  // read synchronously, in walk order: manifests are small local files, where each asynchronous read costs four
  // thread-pool round trips (open, stat, read, close) — 3,300 files of 5 kB took 250–440 ms through
  // `fs/promises` 64 at a time, 160–280 ms through callbacks, 80–115 ms synchronously (docs/design/0009).
  const addAll = async (files: readonly string[]) => {
    for (const file of files) {
      const real = realOrSame(file);
      if (seen.has(real)) continue;
      seen.add(real);
      texts.push({ file, text: utf8Text(readFileSync(file)) });
    }
  };
  const add = (file: string) => addAll([file]);
  for (const path of paths) {
    if (path === '-') {
      texts.push({ file: '<stdin>', text: await readStdin() });
      continue;
    }
    let info;
    try {
      info = await stat(path);
    } catch {
      diagnostics.push({
        code: 'input-not-found',
        severity: 'error',
        message: `${path}: no such file or directory`,
        source: { file: path, doc: 0, line: 0, column: 0 },
        hint: 'Check the -f path.',
      });
      continue;
    }
    if (info.isDirectory()) {
      const files = await walk(path, state);
      await addAll(files.filter((file) => !state.skip.has(resolve(file))));
    } else {
      const chart = dirname(dirname(path));
      if (basename(dirname(path)) === 'templates' && (await exists(join(chart, 'Chart.yaml')))) {
        // A chart template named on its own is still a Go template.
        if (!state.reported.has(resolve(chart))) {
          state.reported.add(resolve(chart));
          diagnostics.push(await renderHint('helm', chart, join(chart, 'Chart.yaml')));
        }
        continue;
      }
      const beside = join(dirname(path), profileFileName);
      if (basename(path) !== profileFileName && (await exists(beside))) await add(beside);
      await add(path);
    }
  }
  return { texts, diagnostics };
}

interface WalkState {
  readonly report: (d: Diagnostic) => void;
  /** Chart and Kustomize folders already reported (a folder reached twice is reported once). */
  readonly reported: Set<string>;
  /** Files a kustomization names as patches or configuration: partial objects, never read as manifests. */
  readonly skip: Set<string>;
  /** Real paths of the directories being walked above this one (a symlink back to one is a loop). */
  readonly ancestors: readonly string[];
}

/** Helm chart files that are not manifests: the chart's metadata and values. */
const chartMetadata = /^(Chart\.(yaml|lock)|requirements\.(yaml|lock)|values.*\.(ya?ml|json))$/;
const kustomizationFiles = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * The manifest files below `dir`. A Helm chart (a folder holding `Chart.yaml`) and a Kustomize folder (holding a
 * kustomization) are reported once each with the command that renders them; a chart's `templates/` (Go
 * templates) and `charts/` (subcharts, rendered with it) and its metadata are not read, its `crds/` (plain
 * manifests Helm applies as they are) and other files are; a kustomization itself and the patches it names are
 * not read, its resources are, once. Symlinks are followed (a file reached twice is read once); a link that points
 * back at a directory being walked (a loop, warned) or at nothing (an error) is reported, never skipped silently.
 */
async function walk(dir: string, state: WalkState): Promise<string[]> {
  const here = await realpath(dir);
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const names = new Set(entries.map((e) => e.name));
  const chart = names.has('Chart.yaml');
  const kustomization = kustomizationFiles.find((k) => names.has(k));
  const first = !state.reported.has(resolve(dir));
  if ((chart || kustomization) && first) state.reported.add(resolve(dir));
  if (chart && first) state.report(await renderHint('helm', dir, join(dir, 'Chart.yaml')));
  if (kustomization) {
    const file = join(dir, kustomization);
    if (first) state.report(await renderHint('kustomize', dir, file));
    state.skip.add(resolve(file));
    for (const path of await kustomizeNonResources(dir, file)) state.skip.add(path);
  }
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    if (chart && (e.name === 'templates' || e.name === 'charts' || chartMetadata.test(e.name))) continue;
    const path = join(dir, e.name);
    const info = e.isSymbolicLink() ? await followLink(path, state.report) : e;
    if (!info) continue;
    if (info.isDirectory()) {
      const target = await realpath(path);
      if (target === here || state.ancestors.includes(target))
        state.report(
          symlinkProblem(
            'warning',
            path,
            `symlink loop: ${path} points back at ${target}, which is already being read; not followed`,
          ),
        );
      else out.push(...(await walk(path, { ...state, ancestors: [...state.ancestors, here] })));
    } else if (info.isFile() && manifestExtensions.has(extname(e.name).toLowerCase())) out.push(path);
  }
  return out;
}

async function followLink(path: string, report: (d: Diagnostic) => void) {
  try {
    return await stat(path);
  } catch {
    if (manifestExtensions.has(extname(path).toLowerCase()) || !extname(path))
      report(
        symlinkProblem(
          'error',
          path,
          `${path}: symlink to a missing file or directory (or a symlink loop); not read`,
        ),
      );
    return undefined;
  }
}

function symlinkProblem(severity: 'error' | 'warning', path: string, message: string): Diagnostic {
  return {
    code: 'input-symlink',
    severity,
    message,
    source: { file: path, doc: 0, line: 0, column: 0 },
    hint: 'Point the symlink at an existing manifest file or directory outside the walked tree, or remove it.',
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Reads a profile given with --profile. */
export async function loadProfile(path: string): Promise<ManifestText | Diagnostic> {
  try {
    return { file: path, text: utf8Text(await readFile(path)) };
  } catch {
    return {
      code: 'input-not-found',
      severity: 'error',
      message: `${path}: profile file not found`,
      source: { file: path, doc: 0, line: 0, column: 0 },
      hint: 'Check the --profile path.',
    };
  }
}

/** Reads all of stdin. */
export async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return utf8Text(Buffer.concat(chunks));
}

/** The file's real path (symlinks resolved), or the path itself when it cannot be resolved. */
function realOrSame(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}
