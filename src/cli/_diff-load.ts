/** Loading one side of `kubetwin diff`: manifests, a git ref, or a live cluster (with manifests over it). */
import { buildFromTexts, type Cluster } from '../api/index.ts';
import type { BuildMemo } from '../cluster/index.ts';
import type { Diagnostic } from '../model/diagnostic.ts';
import type { ManifestText, RawObject } from '../parse/index.ts';
import { parseThrough, type ParseCache } from './_diff-parse.ts';
import { loadInputs, loadProfile } from '../sources/files.ts';
import { loadInputsAtRef } from '../sources/git.ts';
import { readLive, type LiveState } from './_live.ts';
import { keyOfObject } from '../analysis/diff/index.ts';

export { parseThrough, type ParseCache } from './_diff-parse.ts';

const keyOfRaw = (o: RawObject, ns: string) => keyOfObject(o, ns)?.key;

export type SideSpec =
  | { readonly kind: 'files'; readonly paths: readonly string[] }
  | { readonly kind: 'git'; readonly ref: string; readonly paths: readonly string[] }
  | {
      readonly kind: 'live';
      readonly kubeconfig?: string;
      readonly context?: string;
      readonly overlay?: readonly string[];
    };

export interface SideOptions {
  readonly namespace: string;
  readonly profile?: string;
  readonly maxPods?: number;
  readonly readStdin: () => Promise<string>;
  /** Files already parsed, shared by both sides (`parseCache`): an unchanged file is parsed once. */
  readonly parsed?: ParseCache;
  /** Shared by both sides' builds: what the after side reads from the same objects is built once (`BuildMemo`). */
  readonly memo?: BuildMemo;
}

export interface LoadedSide {
  readonly cluster: Cluster;
  readonly objects: readonly RawObject[];
  readonly diagnostics: readonly Diagnostic[];
}

/** One side's inputs as read, before parsing: manifest texts, the live objects, the profile, what went wrong. */
export interface ReadSide {
  readonly texts: readonly ManifestText[];
  readonly live?: LiveState;
  readonly profile?: ManifestText;
  readonly diagnostics: readonly Diagnostic[];
}

/** Reads one side's inputs and builds its cluster; the raw objects come back for the object-level diff. */
export async function loadSide(spec: SideSpec, opts: SideOptions): Promise<LoadedSide> {
  return buildSide(await readSide(spec, opts), opts);
}

/**
 * Both sides: read at once (the files of one are read while the other's are, so their waits overlap), then
 * parsed and built in order, the after side's build after the before side's (it takes over what that one kept:
 * `SideOptions.memo`, `parsed`). A side reading stdin (`-`) or a live cluster is read alone: stdin goes to the
 * side it went to, and a kubeconfig's credential plugin is never run twice at once.
 */
export async function loadSides(
  before: SideSpec,
  after: SideSpec,
  opts: SideOptions,
): Promise<readonly [LoadedSide, LoadedSide]> {
  const alone = (s: SideSpec) => s.kind === 'live' || (s.kind === 'files' && s.paths.includes('-'));
  const [a, b] =
    alone(before) || alone(after)
      ? [await readSide(before, opts), await readSide(after, opts)]
      : await Promise.all([readSide(before, opts), readSide(after, opts)]);
  const first = buildSide(a, opts);
  return [first, buildSide(b, opts)];
}

/** Reads one side's inputs: manifests, the files at a git ref, or a live cluster (and the manifests over it). */
export async function readSide(spec: SideSpec, opts: SideOptions): Promise<ReadSide> {
  const extra: Diagnostic[] = [];
  let texts: ManifestText[] = [];
  let live: LiveState | undefined;
  if (spec.kind === 'files') {
    const r = await loadInputs(spec.paths, opts.readStdin);
    texts = r.texts;
    extra.push(...r.diagnostics);
  } else if (spec.kind === 'git') {
    const r = await loadInputsAtRef(spec.ref, spec.paths);
    texts = r.texts;
    extra.push(...r.diagnostics);
  } else {
    live = await readLive({ kubeconfig: spec.kubeconfig, context: spec.context });
    extra.push(...live.diagnostics);
    if (spec.overlay?.length) {
      const r = await loadInputs(spec.overlay, opts.readStdin);
      texts = r.texts;
      extra.push(...r.diagnostics);
    }
  }
  let profile: ManifestText | undefined;
  if (opts.profile) {
    const p = await loadProfile(opts.profile);
    if ('text' in p) profile = p;
    else extra.push(p);
  }
  return { texts, live, profile, diagnostics: extra };
}

/** Parses and builds one side as read (through `opts.parsed` and `opts.memo`, shared by both sides). */
export function buildSide(side: ReadSide, opts: SideOptions): LoadedSide {
  const { texts, live, profile } = side;
  // Parsed once for the build and the object-level diff alike (and once for both sides where a file is unchanged).
  const read = parseThrough(texts, opts.parsed);
  const built = buildFromTexts(texts, {
    namespace: opts.namespace,
    profile,
    maxPods: opts.maxPods,
    live: live?.objects,
    parsed: read,
    memo: opts.memo,
  });
  const parsed = read.objects;
  // Over a live cluster, a manifest replaces the live object of the same key (as the build's overlay does).
  let objects: readonly RawObject[] = parsed;
  if (live) {
    const replaced = new Set(parsed.map((o) => keyOfRaw(o, opts.namespace)));
    objects = [...live.objects.filter((o) => !replaced.has(keyOfRaw(o, opts.namespace))), ...parsed];
  }
  const unread = live?.unread.length ? live.unread : undefined;
  const model = unread ? { ...built.model, unread } : built.model;
  const diagnostics = [...side.diagnostics, ...built.diagnostics];
  return { cluster: { model, diagnostics }, objects, diagnostics };
}
