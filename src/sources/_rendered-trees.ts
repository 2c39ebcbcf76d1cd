import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { Diagnostic } from '../model/diagnostic.ts';

/**
 * The one diagnostic for a folder that is a source of manifests rather than manifests: a Helm chart, whose
 * templates only `helm template` renders (https://helm.sh/docs/helm/helm_template/), or a Kustomize folder,
 * whose patches, generators, prefixes and namespace only `kubectl kustomize` applies
 * (https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/).
 */
export async function renderHint(tool: 'helm' | 'kustomize', dir: string, file: string): Promise<Diagnostic> {
  const source = { file, doc: 0, line: 1, column: 1 };
  if (tool === 'helm') {
    const name = (await chartName(file)) ?? 'NAME';
    return {
      code: 'helm-chart-not-rendered',
      severity: 'warning',
      message: `${dir} is a Helm chart: its templates/ are Go templates, not manifests, and are not read (nor its subcharts and values); its crds/ and other files are`,
      source,
      hint: `Render it and pipe it in: helm template ${name} ${dir} | kubetwin doctor -f -   (any command, with your --values)`,
    };
  }
  return {
    code: 'kustomization-not-built',
    severity: 'warning',
    message: `${dir} is a Kustomize folder: its resources are read as they are, without the kustomization's patches, generators, name prefixes, labels or namespace`,
    source,
    hint: `Build it and pipe it in: kubectl kustomize ${dir} | kubetwin doctor -f -   (any command)`,
  };
}

/**
 * The yaml package prints its warnings on stderr itself unless told not to. Chart.yaml is read here only for the
 * chart name in a hint, and a kustomization only for the patch files to leave unread; the folder itself is
 * already reported as not rendered (`helm-chart-not-rendered`, `kustomization-not-built`), so a YAML warning in
 * either file would change no answer.
 */
const quiet = { logLevel: 'error' } as const;

async function chartName(file: string): Promise<string | undefined> {
  try {
    const name = (parse(await readFile(file, 'utf8'), quiet) as { name?: unknown } | null)?.name;
    return typeof name === 'string' && /^[a-z0-9][a-z0-9-]*$/.test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Files a kustomization names that are not whole objects: `patches[].path`, `patchesStrategicMerge` (file
 * entries), `patchesJson6902[].path`, `replacements[].path`, `configurations`, `openapi.path`. Absolute paths;
 * empty when the kustomization does not parse (its own diagnostics come from reading it as YAML elsewhere).
 */
export async function kustomizeNonResources(dir: string, file: string): Promise<string[]> {
  let k: Record<string, unknown>;
  try {
    const doc = parse(await readFile(file, 'utf8'), quiet) as unknown;
    if (!doc || typeof doc !== 'object') return [];
    k = doc as Record<string, unknown>;
  } catch {
    return [];
  }
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const pathOf = (v: unknown) => (v && typeof v === 'object' ? (v as { path?: unknown }).path : undefined);
  const paths = [
    ...list(k.patches).map(pathOf),
    ...list(k.patchesStrategicMerge).filter((p) => typeof p === 'string' && !p.includes('\n')),
    ...list(k.patchesJson6902).map(pathOf),
    ...list(k.replacements).map(pathOf),
    ...list(k.configurations),
    pathOf(k.openapi),
  ];
  return paths.filter((p): p is string => typeof p === 'string' && !!p).map((p) => resolve(join(dir, p)));
}
