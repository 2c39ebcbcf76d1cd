/**
 * Lists every kind kubetwin models from the API server, page by page (`limit` and `continue`, as
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#retrieving-large-results-sets-in-chunks says),
 * and turns failures into diagnostics that name the resource and the verb. One kind failing does not stop the
 * others; an API server that does not answer at all is one diagnostic, not one per kind.
 */
import type { Diagnostic } from '../../model/diagnostic.ts';
import type { RawObject } from '../../parse/index.ts';
import type { Connection } from './_client.ts';
import { apiVersionOf, collectionPath, liveKinds, resourceName, type LiveKind } from './_kinds.ts';
import { liveObject } from './_raw.ts';

/** Page size: the API server's own chunking default for kubectl (500). */
export const pageSize = 500;

/** A kind listed: its items as raw objects, the version served and the resourceVersion to watch from. */
export interface Listed {
  readonly kind: LiveKind;
  readonly version: string;
  readonly resourceVersion: string;
  readonly objects: RawObject[];
}

export type ListOutcome =
  | { readonly ok: true; readonly listed: Listed }
  | {
      readonly ok: false;
      readonly diagnostic: Diagnostic & { readonly kind: LiveKind };
      /** The last failure; `status` is absent when no HTTP answer came (the server is unreachable). */
      readonly failure: { readonly status?: number; readonly message: string };
    };

/** Lists one kind, trying its versions in order while the server answers 404. */
export async function listKind(conn: Connection, kind: LiveKind): Promise<ListOutcome> {
  let last: { status?: number; message: string } = { message: '' };
  for (const version of kind.versions) {
    const objects: RawObject[] = [];
    const apiVersion = apiVersionOf(kind.group, version);
    let token = '';
    let resourceVersion = '';
    for (;;) {
      const page = await conn.get(collectionPath(kind, version), {
        limit: String(pageSize),
        ...(token ? { continue: token } : {}),
      });
      if (!page.ok) {
        last = page;
        break;
      }
      const meta = (page.body.metadata ?? {}) as { resourceVersion?: string; continue?: string };
      for (const item of (page.body.items ?? []) as Record<string, unknown>[])
        objects.push(liveObject(item, kind.kind, apiVersion));
      resourceVersion = meta.resourceVersion ?? resourceVersion;
      token = meta.continue ?? '';
      if (!token) return { ok: true, listed: { kind, version, resourceVersion, objects } };
    }
    if (last.status !== 404) break;
  }
  return { ok: false, diagnostic: { ...listFailure(conn, kind, 'list', last), kind }, failure: last };
}

/** The diagnostic for a failed request on a kind. */
export function listFailure(
  conn: Connection,
  kind: LiveKind,
  verb: 'list' | 'watch',
  failure: { status?: number; message: string },
): Diagnostic {
  const resource = resourceName(kind);
  const source = { file: `live:${conn.context}`, doc: 0, line: 0, column: 0 };
  const scope = kind.namespace ? ` in namespace ${kind.namespace}` : '';
  if (failure.status === 404) return notServedNote(conn, [kind]);
  if (failure.status === 401 || failure.status === 403)
    return {
      code: 'live-forbidden',
      severity: 'error',
      message: `cannot ${verb} ${resource}${scope}: ${failure.message}; answers that depend on ${kind.kind} objects are not reliable`,
      source,
      hint: `Grant list and watch on ${resource}${scope} (docs/live.md has the ClusterRole).`,
    };
  return {
    code: 'live-list-failed',
    severity: 'error',
    message: `cannot ${verb} ${resource}${scope}: ${failure.message}; answers that depend on ${kind.kind} objects are not reliable`,
    source,
  };
}

/** One note for every kind the cluster does not serve (its CRD is not installed): there are none to read. */
function notServedNote(conn: Connection, kinds: readonly LiveKind[]): Diagnostic {
  return {
    code: 'live-kind-not-served',
    severity: 'info',
    message: `not served by this cluster, so none are read: ${kinds.map((k) => `${k.kind} (${resourceName(k)} ${k.versions.join('|')})`).join(', ')}`,
    source: { file: `live:${conn.context}`, doc: 0, line: 0, column: 0 },
    hint: 'Nothing to do unless one of these CRDs is installed at another version.',
  };
}

/** Lists every kind (a few at a time); stops after the first kind when the API server cannot be reached. */
export async function listAll(
  conn: Connection,
  kinds: readonly LiveKind[] = liveKinds,
): Promise<{ listed: Listed[]; diagnostics: Diagnostic[]; unread: string[] }> {
  const listed: Listed[] = [];
  const diagnostics: Diagnostic[] = [];
  const all = kinds.map((k) => k.kind);
  const [first, ...rest] = kinds;
  if (!first) return { listed, diagnostics, unread: [] };
  const head = await listKind(conn, first);
  if (!head.ok && head.failure.status === undefined) {
    diagnostics.push({
      code: 'live-unreachable',
      severity: 'error',
      message: `cannot reach the API server ${conn.server} (context ${conn.context}): ${head.failure.message}; nothing was read from it`,
      source: head.diagnostic.source,
      hint: 'Check the kubeconfig, the network and the API server (kubectl get ns tells the same).',
    });
    return { listed, diagnostics, unread: all };
  }
  if (!head.ok && head.failure.status === 401) {
    diagnostics.push({
      code: 'live-unauthorized',
      severity: 'error',
      message: `the API server ${conn.server} refused the credentials of context ${conn.context} (${head.failure.message}); nothing was read from it`,
      source: head.diagnostic.source,
      hint: 'Log in again or fix the kubeconfig user (kubectl get ns tells the same).',
    });
    return { listed, diagnostics, unread: all };
  }
  const outcomes: ListOutcome[] = [head];
  const queue = [...rest];
  const worker = async () => {
    for (let k = queue.shift(); k; k = queue.shift()) outcomes.push(await listKind(conn, k));
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const notServed: LiveKind[] = [];
  const unread: string[] = [];
  for (const o of outcomes)
    if (o.ok) listed.push(o.listed);
    else if (o.failure.status === 404) notServed.push(o.diagnostic.kind);
    else {
      diagnostics.push(o.diagnostic);
      unread.push(o.diagnostic.kind.kind);
    }
  const order = (k: LiveKind) => kinds.indexOf(k);
  notServed.sort((a, b) => order(a) - order(b));
  if (notServed.length) diagnostics.push(notServedNote(conn, notServed));
  listed.sort((a, b) => order(a.kind) - order(b.kind));
  return { listed, diagnostics, unread: unread.sort((a, b) => all.indexOf(a) - all.indexOf(b)) };
}
