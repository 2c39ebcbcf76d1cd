/**
 * The library facade: manifest texts in, cluster model and diagnostics out. Pure; reading files is the
 * caller's job (see `src/sources`).
 *
 * @example
 * const { model, diagnostics } = buildFromTexts([{ file: 'app.yaml', text }]);
 */
import { parseManifests, type ManifestText, type ParseResult, type RawObject } from '../parse/index.ts';
import { buildCluster, inferProfile, isProfileObject, type BuildMemo } from '../cluster/index.ts';
import { sortDiagnostics, type Diagnostic } from '../model/diagnostic.ts';
import type { ClusterModel } from '../model/types.ts';
import { kubetwinFileNote } from './_kubetwin-files.ts';
import { overlay } from './_overlay.ts';

export type { ClusterModel } from '../model/types.ts';
export type { Diagnostic, Severity, SourceRef } from '../model/diagnostic.ts';
export type { ManifestText } from '../parse/index.ts';

export interface BuildFromTextsOptions {
  /** Namespace for objects that name none (`-n`). */
  readonly namespace?: string;
  /** A profile file given explicitly (`--profile`); it wins over profiles found among the manifests. */
  readonly profile?: ManifestText;
  /** The most pods kubetwin expands (`--max-pods`, default 500,000); workloads past it are refused. */
  readonly maxPods?: number;
  /** Objects read from a live cluster (src/sources/live); a manifest object of the same kind/namespace/name replaces one. */
  readonly live?: readonly RawObject[];
  /** `parseManifests(texts)` when the caller already holds it (`diff` reads its objects too): not parsed again. */
  readonly parsed?: ParseResult;
  /** Shared by the builds of similar inputs (the two sides of a diff): see `BuildMemo`. */
  readonly memo?: BuildMemo;
}

export interface Cluster {
  readonly model: ClusterModel;
  readonly diagnostics: Diagnostic[];
  /** With `live`: how many live objects the manifests replaced. */
  readonly overlay?: { readonly live: number; readonly manifests: number; readonly replaced: number };
}

/**
 * Parses manifests, finds the cluster profile among them (or takes `options.profile`), fills what it leaves
 * unset from the observed objects (`inferProfile`), builds the model.
 */
export function buildFromTexts(texts: readonly ManifestText[], options: BuildFromTextsOptions = {}): Cluster {
  return buildFromParsed(options.parsed ?? parseManifests(texts), options);
}

/** `buildFromTexts` from manifests already parsed (the fuzz campaign checks the parsed objects against the model). */
export function buildFromParsed(parsed: ParseResult, options: BuildFromTextsOptions = {}): Cluster {
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const objects = parsed.objects.filter((o) => {
    const note = kubetwinFileNote(o);
    if (note) diagnostics.push(note);
    return !note;
  });
  const profiles = objects.filter(isProfileObject);
  const manifests = objects.filter((o) => !isProfileObject(o));
  let profileObject: RawObject | undefined;
  if (options.profile) {
    const p = parseManifests([options.profile]);
    diagnostics.push(...p.diagnostics);
    profileObject = p.objects.find(isProfileObject);
    if (!profileObject && !p.diagnostics.length)
      diagnostics.push({
        code: 'invalid-profile',
        severity: 'error',
        message: `${options.profile.file} holds no ClusterProfile (apiVersion kubetwin.dev/v1alpha1, kind ClusterProfile)`,
        source: { file: options.profile.file, doc: 0, line: 1, column: 1 },
      });
  } else {
    profileObject = profiles[0];
    for (const extra of profiles.slice(1))
      diagnostics.push({
        code: 'duplicate-profile',
        severity: 'error',
        message: `a second ClusterProfile is ignored; the one at ${profiles[0].source.file}:${profiles[0].source.line} is used`,
        source: extra.source,
        hint: 'Keep one kubetwin.yaml, or pass --profile.',
      });
  }
  // Fields the profile leaves unset are inferred from the objects (a dump, a live cluster), then defaulted.
  const profile = inferProfile(manifests, { given: profileObject });
  diagnostics.push(...profile.diagnostics);
  const over = options.live ? overlay(options.live, manifests, options.namespace ?? 'default') : undefined;
  const built = buildCluster(over?.objects ?? manifests, {
    profile: profile.profile,
    defaultNamespace: options.namespace,
    maxPods: options.maxPods,
    memo: options.memo,
  });
  return {
    model: built.model,
    diagnostics: sortDiagnostics([...diagnostics, ...built.diagnostics]),
    ...(over && options.live
      ? { overlay: { live: options.live.length, manifests: manifests.length, replaced: over.replaced } }
      : {}),
  };
}
