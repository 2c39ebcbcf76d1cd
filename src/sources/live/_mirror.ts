/**
 * `--watch` on a live cluster: lists every kind, then keeps a copy current from watch events
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes): ADDED and
 * MODIFIED replace an object, DELETED removes it, BOOKMARK moves the resourceVersion on, and an ERROR event
 * (410 Gone: the resourceVersion is too old) or a closed stream lists the kind again. Changes are batched: the
 * listener gets the whole object set once per quiet period (`debounceMs`). With `onEvent`, each watch event is
 * passed on alone as it comes (one object added or changed, or deleted) and the whole set only after a kind is
 * listed again or its watch refused (`onChange`), for consumers that keep their model current in place.
 */
import type { Diagnostic } from '../../model/diagnostic.ts';
import type { RawObject } from '../../parse/index.ts';
import type { Connection, WatchEvent } from './_client.ts';
import { apiVersionOf, collectionPath, liveKinds, type LiveKind } from './_kinds.ts';
import { listAll, listFailure, listKind } from './_list.ts';
import { liveKey, liveObject } from './_raw.ts';
import { readTlsSecrets } from './_secrets.ts';
import type { LiveState } from './_state.ts';
import { sortLive } from './_state.ts';

interface Tracked {
  readonly kind: LiveKind;
  version: string;
  resourceVersion: string;
  readonly objects: Map<string, RawObject>;
  stop?: () => void;
  /** The last list of this kind failed. */
  failure?: Diagnostic;
  /** Watching this kind is refused (401/403): it is listed again every `pollMs` instead. */
  watchFailure?: Diagnostic;
}

/** How often a kind that may be listed but not watched is listed again. */
const pollMs = 30_000;

export interface Mirror {
  /** The first listing; the listener is called after each later batch of changes. */
  readonly initial: LiveState;
  stop(): void;
}

/** One watch event, as `IncrementalCluster.apply` takes it. */
export interface LiveEvent {
  readonly type: 'upsert' | 'delete';
  readonly object: RawObject;
}

export async function startMirror(
  conn: Connection,
  opts: {
    readonly readTlsSecrets?: boolean;
    readonly debounceMs?: number;
    readonly onEvent?: (event: LiveEvent) => void;
  },
  onChange: (state: LiveState) => void,
): Promise<Mirror> {
  const first = await listAll(conn, liveKinds);
  const listDiagnostics = first.diagnostics;
  const listUnread = first.unread;
  const tracked = first.listed.map<Tracked>((l) => ({
    kind: l.kind,
    version: l.version,
    resourceVersion: l.resourceVersion,
    objects: new Map(l.objects.map((o) => [liveKey(o), o])),
  }));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const snapshot = async (): Promise<LiveState> => {
    const objects = tracked.flatMap((t) => [...t.objects.values()]);
    const secrets = await readTlsSecrets(conn, objects, !!opts.readTlsSecrets);
    const diagnostics = [
      ...listDiagnostics,
      ...tracked.flatMap((t) => [t.failure, t.watchFailure].filter((d): d is Diagnostic => !!d)),
      ...secrets.diagnostics,
    ];
    return { objects: sortLive([...objects, ...secrets.objects]), diagnostics, unread: listUnread };
  };
  const changed = () => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void snapshot().then((s) => stopped || onChange(s)), opts.debounceMs ?? 20);
  };
  const relist = async (t: Tracked) => {
    const again = await listKind(conn, t.kind);
    if (stopped) return;
    if (!again.ok) {
      t.failure = again.diagnostic;
      setTimeout(() => void relist(t), 5000).unref();
      return;
    }
    t.failure = undefined;
    t.version = again.listed.version;
    t.resourceVersion = again.listed.resourceVersion;
    t.objects.clear();
    for (const o of again.listed.objects) t.objects.set(liveKey(o), o);
    changed();
    void watch(t);
  };
  const watch = async (t: Tracked) => {
    const apiVersion = apiVersionOf(t.kind.group, t.version);
    const onEvent = (e: WatchEvent) => {
      const rv = (e.object.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
      if (e.type === 'ERROR') return; // the stream ends next; `done` lists the kind again
      if (rv) t.resourceVersion = rv;
      if (e.type === 'BOOKMARK') return;
      const o = liveObject(e.object, t.kind.kind, apiVersion);
      if (e.type === 'DELETED') t.objects.delete(liveKey(o));
      else t.objects.set(liveKey(o), o);
      if (opts.onEvent && !stopped)
        opts.onEvent({ type: e.type === 'DELETED' ? 'delete' : 'upsert', object: o });
      else changed();
    };
    const w = await conn.watch(
      collectionPath(t.kind, t.version),
      { resourceVersion: t.resourceVersion, allowWatchBookmarks: 'true' },
      onEvent,
      (err) => {
        if (stopped) return;
        const refused = !!err && /Unauthorized|Forbidden/.test(err);
        if (refused && !t.watchFailure) {
          const status = /Unauthorized/.test(err) ? 401 : 403;
          t.watchFailure = listFailure(conn, t.kind, 'watch', { status, message: `${status} ${err}` });
          changed();
        }
        setTimeout(() => void relist(t), refused ? pollMs : err ? 1000 : 0).unref();
      },
    );
    t.stop = w.stop;
  };
  for (const t of tracked) await watch(t);
  return {
    initial: await snapshot(),
    stop() {
      stopped = true;
      clearTimeout(timer);
      for (const t of tracked) t.stop?.();
    },
  };
}
