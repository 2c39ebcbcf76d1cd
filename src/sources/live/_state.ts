import type { Diagnostic } from '../../model/diagnostic.ts';
import type { RawObject } from '../../parse/index.ts';
import { liveKinds } from './_kinds.ts';
import { liveKey } from './_raw.ts';

/** What the live source read: raw objects (as the file source gives) and the problems met reading them. */
export interface LiveState {
  readonly objects: RawObject[];
  readonly diagnostics: Diagnostic[];
  /** Kinds that could not be read (forbidden, failed, or the whole cluster unreachable): answers may miss them. */
  readonly unread: readonly string[];
}

const kindOrder = new Map(liveKinds.map((k, i) => [k.kind, i]));

/** Catalogue kind order, then `kind/namespace/name`: the same cluster gives the same order, whatever the events. */
export function sortLive(objects: RawObject[]): RawObject[] {
  const rank = (o: RawObject) => kindOrder.get(String(o.body.kind)) ?? kindOrder.size;
  return objects
    .map((o) => ({ o, r: rank(o), k: liveKey(o) }))
    .sort((a, b) => a.r - b.r || (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .map((x) => x.o);
}
