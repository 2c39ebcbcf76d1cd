import type { ConfigMapData, ContainerSetting, ContainerWords, WorkloadSettings } from '../model/types.ts';
import type { PathSegment } from '../parse/index.ts';
import type { Envelope } from './_envelope.ts';
import { workloadKinds } from './_ownership.ts';
import { isRecord } from '../lib/record.ts';

const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const at = (body: unknown, path: readonly PathSegment[]): unknown => {
  let v = body;
  for (const p of path) v = isRecord(v) || Array.isArray(v) ? (v as Record<string, unknown>)[p] : undefined;
  return v;
};
const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

/** The pod spec of a workload kind or a Pod. */
function specPath(kind: string): PathSegment[] {
  if (kind === 'Pod') return ['spec'];
  if (kind === 'CronJob') return ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
  return ['spec', 'template', 'spec'];
}

/**
 * `$(VAR)` in command and args is replaced by the container's env value; `$$(VAR)` escapes it; an unknown
 * reference stays as written.
 * https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#use-environment-variables-to-define-arguments
 */
function expand(word: string, env: ReadonlyMap<string, string>): string {
  return word.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name?: string) =>
    m === '$$' ? '$' : (env.get(name!) ?? m),
  );
}

/**
 * A container's `command` or `args` words: the list as read when every word is a string with no `$` (a million
 * words cost no copy), else each word expanded, and undefined for a word that is not a string or is empty.
 */
function wordsOf(list: unknown[], env: ReadonlyMap<string, string>): (string | undefined)[] {
  if (list.every((w) => typeof w === 'string' && w !== '' && !w.includes('$'))) return list as string[];
  return list.map((w) => {
    const word = text(w);
    return word ? (word.includes('$') ? expand(word, env) : word) : undefined;
  });
}

function readContainer(
  env: Envelope,
  path: PathSegment[],
  out: ContainerSetting[],
  words: ContainerWords[],
): void {
  const body = env.raw.body;
  const container = text(at(body, [...path, 'name'])) ?? '';
  const values = new Map<string, string>();
  listOf(at(body, [...path, 'env'])).forEach((e, i) => {
    if (!isRecord(e) || typeof e.name !== 'string') return;
    const source = env.raw.locate([...path, 'env', i]);
    const value = text(e.value);
    const ref = at(e, ['valueFrom', 'configMapKeyRef']);
    if (value !== undefined) {
      values.set(e.name, value);
      out.push({ container, kind: 'env', name: e.name, value, source });
    } else if (isRecord(ref) && typeof ref.name === 'string' && typeof ref.key === 'string')
      out.push({ container, kind: 'env', name: e.name, configMap: { name: ref.name, key: ref.key }, source });
  });
  listOf(at(body, [...path, 'envFrom'])).forEach((e, i) => {
    const name = text(at(e, ['configMapRef', 'name']));
    if (name)
      out.push({
        container,
        kind: 'env-from',
        name: `envFrom[${i}]`,
        configMap: { name },
        source: env.raw.locate([...path, 'envFrom', i]),
      });
  });
  for (const field of ['command', 'args'] as const) {
    const list = listOf(at(body, [...path, field]));
    if (list.length)
      words.push({
        container,
        field,
        values: wordsOf(list, values),
        locate: (i) => env.raw.locate([...path, field, i]),
      });
  }
}

/** Env, command, args and ConfigMap references of every workload and Pod, in document order. */
export function readContainerSettings(envs: readonly Envelope[]): WorkloadSettings[] {
  const kinds = new Set<string>([...workloadKinds, 'Pod']);
  const out: WorkloadSettings[] = [];
  for (const env of envs) {
    if (!kinds.has(env.kind) || !env.namespace) continue;
    const spec = specPath(env.kind);
    const settings: ContainerSetting[] = [];
    const words: ContainerWords[] = [];
    for (const list of ['initContainers', 'containers'])
      listOf(at(env.raw.body, [...spec, list])).forEach((_, i) =>
        readContainer(env, [...spec, list, i], settings, words),
      );
    listOf(at(env.raw.body, [...spec, 'volumes'])).forEach((v, i) => {
      const source = env.raw.locate([...spec, 'volumes', i]);
      const vname = text(at(v, ['name'])) ?? `volumes[${i}]`;
      const direct = text(at(v, ['configMap', 'name']));
      const projected = listOf(at(v, ['projected', 'sources'])).map((s) =>
        text(at(s, ['configMap', 'name'])),
      );
      for (const name of [direct, ...projected])
        if (name) settings.push({ container: '', kind: 'volume', name: vname, configMap: { name }, source });
    });
    if (settings.length || words.length)
      out.push({ owner: env.key, namespace: env.namespace, settings, words });
  }
  return out;
}

/** Every ConfigMap's `data` (string values), each key located at its line. */
export function readConfigMaps(envs: readonly Envelope[]): ConfigMapData[] {
  const out: ConfigMapData[] = [];
  for (const env of envs) {
    if (env.kind !== 'ConfigMap' || !env.namespace) continue;
    const data = at(env.raw.body, ['data']);
    if (!isRecord(data)) continue;
    const entries = Object.entries(data)
      .filter((e): e is [string, string] => typeof e[1] === 'string')
      .map(([key, value]) => ({ key, value, source: env.raw.locate(['data', key]) }));
    out.push({ key: env.key, namespace: env.namespace, name: env.name, entries });
  }
  return out;
}
