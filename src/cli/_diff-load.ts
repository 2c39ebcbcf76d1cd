/** Loading one side of `kubetwin diff`: manifests, a git ref, or a live cluster (with manifests over it). */
import { buildFromTexts, type Cluster } from '../api/index.ts';
import type { BuildMemo } from '../cluster/index.ts';
import type { Diagnostic } from '../model/diagnostic.ts';
import {
  parseManifests,
  renamedRaw,
  type ManifestText,
  type ParseResult,
  type RawObject,
} from '../parse/index.ts';
import { loadInputs, loadProfile } from '../sources/files.ts';
import { loadInputsAtRef } from '../sources/git.ts';
import { readLive, type LiveState } from './_live.ts';
import { keyOfObject } from '../analysis/diff/index.ts';

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

/** Parse results by text, with the file they were read from. */
export type ParseCache = Map<string, { readonly file: string; readonly result: ParseResult }>;

/**
 * `parseManifests(texts)`, file by file through `cache`: parsing reads each file on its own (objects, positions
 * and diagnostics name that file only), so the results of the files, in order, are the result of the whole list.
 * A text the other side holds byte for byte is not parsed again: under the same name its objects are reused;
 * under another (`--base git:REF` names files `REF:path`, `--base DIR` another folder) they are the same bodies
 * with every position naming this side's file — only when that file read without a diagnostic, whose message
 * may name the file. Nobody mutates raw objects, so both sides may hold them.
 */
export function parseThrough(texts: readonly ManifestText[], cache: ParseCache = new Map()): ParseResult {
  const objects: RawObject[] = [];
  const diagnostics: ParseResult['diagnostics'] = [];
  for (const t of texts) {
    const hit = cache.get(t.text);
    let got: ParseResult;
    if (hit?.file === t.file) got = hit.result;
    else if (hit && !hit.result.diagnostics.length)
      got = { objects: hit.result.objects.map((o) => renamedRaw(o, hit.file, t.file)), diagnostics: [] };
    else {
      got = parseManifests([t]);
      if (!hit) cache.set(t.text, { file: t.file, result: got });
    }
    objects.push(...got.objects);
    diagnostics.push(...got.diagnostics);
  }
  return { objects, diagnostics };
}

export interface LoadedSide {
  readonly cluster: Cluster;
  readonly objects: readonly RawObject[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Reads one side's inputs and builds its cluster; the raw objects come back for the object-level diff. */
export async function loadSide(spec: SideSpec, opts: SideOptions): Promise<LoadedSide> {
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
  const diagnostics = [...extra, ...built.diagnostics];
  return { cluster: { model, diagnostics }, objects, diagnostics };
}
