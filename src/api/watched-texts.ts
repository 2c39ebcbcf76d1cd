/**
 * Watched manifest files as single-object events: `watchTexts` reads the texts as `buildFromTexts` does (each
 * file parsed alone, kubetwin's own files noted and skipped, the profile found) into a `WatchedCluster`;
 * `changedTexts` turns a new reading of the files into per-object events — the objects of each changed file
 * diffed by kind, namespace and name against its previous reading (a body or position that changed is an
 * upsert, a key that went is a delete) — or says that the change needs a full reload (a parse problem, a
 * ClusterProfile or kubetwin file touched, an object key declared twice: `buildFromTexts` reports those).
 */
import { parseManifests, type ManifestText, type RawObject } from '../parse/index.ts';
import { isProfileObject } from '../cluster/index.ts';
import type { Diagnostic } from '../model/diagnostic.ts';
import { kubetwinFileNote } from './_kubetwin-files.ts';
import { WatchedCluster, type ObjectEvent } from './watched.ts';

/** One file's reading: its text and its objects. */
interface FileReading {
  readonly text: string;
  readonly objects: readonly RawObject[];
  readonly clean: boolean;
}

export interface WatchedTexts {
  readonly cluster: WatchedCluster;
  /** Parse and profile diagnostics (the builder's are `cluster.diagnostics`). */
  readonly diagnostics: Diagnostic[];
  files: ReadonlyMap<string, FileReading>;
}

export interface WatchTextsOptions {
  readonly namespace?: string;
  readonly profile?: ManifestText;
  readonly maxPods?: number;
}

function readFile(t: ManifestText, diagnostics: Diagnostic[]): FileReading {
  const parsed = parseManifests([t]);
  diagnostics.push(...parsed.diagnostics);
  let clean = !parsed.diagnostics.length;
  const objects = parsed.objects.filter((o) => {
    const note = kubetwinFileNote(o);
    if (note) diagnostics.push(note);
    if (note || isProfileObject(o)) clean = false;
    return !note;
  });
  return { text: t.text, objects, clean };
}

/** `buildFromTexts(texts, options)` as a `WatchedCluster` (no live objects). */
export function watchTexts(texts: readonly ManifestText[], options: WatchTextsOptions = {}): WatchedTexts {
  const diagnostics: Diagnostic[] = [];
  const files = new Map<string, FileReading>();
  for (const t of texts) files.set(t.file, readFile(t, diagnostics));
  const objects = [...files.values()].flatMap((f) => f.objects);
  const profiles = objects.filter(isProfileObject);
  let profileObject: RawObject | undefined = profiles[0];
  if (options.profile) {
    const p = parseManifests([options.profile]);
    diagnostics.push(...p.diagnostics);
    profileObject = p.objects.find(isProfileObject);
  }
  // Anything past one plain profile (a second one, an unreadable --profile) is for buildFromTexts to report.
  if (profiles.length > 1 || (options.profile && !profileObject))
    throw new Error('watchTexts: reload these inputs through buildFromTexts');
  const cluster = new WatchedCluster(
    objects.filter((o) => !isProfileObject(o)),
    { profileObject, namespace: options.namespace, maxPods: options.maxPods, inferFromObjects: true },
  );
  return { cluster, diagnostics, files };
}

const keyOf = (o: RawObject) => {
  const m = (o.body.metadata ?? {}) as { namespace?: unknown; name?: unknown };
  return `${String(o.body.apiVersion)}|${String(o.body.kind)}|${String(m.namespace ?? '')}|${String(m.name)}`;
};
const versionOf = (o: RawObject) =>
  `${o.source.line}:${o.source.column}:${o.source.doc}|${JSON.stringify(o.body)}`;

/**
 * The events that take `previous` (a reading) to `texts` (a new reading of the same inputs), or undefined when
 * the change needs a full reload. `previous.files` is updated to the new reading when events are returned.
 */
export function changedTexts(
  previous: WatchedTexts,
  texts: readonly ManifestText[],
): { events: ObjectEvent[]; files: Map<string, FileReading>; ordered: () => RawObject[] } | undefined {
  const files = new Map<string, FileReading>();
  const deletes: ObjectEvent[] = [];
  const upserts: ObjectEvent[] = [];
  const names = new Set(texts.map((t) => t.file));
  // The order of the files decides which of two declarations wins: a file added or removed reloads.
  if (names.size !== previous.files.size || [...names].some((n) => !previous.files.has(n))) return undefined;
  const seen = new Set<string>();
  for (const t of texts) {
    const before = previous.files.get(t.file)!;
    const now = before.text === t.text ? before : readFile(t, []);
    if (!now.clean || !before.clean) return undefined;
    files.set(t.file, now);
    for (const o of now.objects) {
      const k = keyOf(o);
      if (seen.has(k)) return undefined;
      seen.add(k);
    }
    if (now === before) continue;
    const old = new Map(before.objects.map((o) => [keyOf(o), o]));
    const next = new Map(now.objects.map((o) => [keyOf(o), o]));
    for (const [k, o] of old) if (!next.has(k)) deletes.push({ type: 'delete', object: o });
    for (const [k, o] of next) {
      const was = old.get(k);
      if (!was || versionOf(was) !== versionOf(o)) upserts.push({ type: 'upsert', object: o });
    }
  }
  // Deletes first: an object moved from one file to another is deleted, then added.
  const ordered = () => [...files.values()].flatMap((f) => f.objects);
  return { events: [...deletes, ...upserts], files, ordered };
}
