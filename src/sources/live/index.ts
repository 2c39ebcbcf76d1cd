/**
 * The live source: reads a running cluster, read-only, through `@kubernetes/client-node` (kubeconfig, auth
 * plugins, TLS). It lists (and with `--watch`, watches) the kinds of the support catalogue and gives the same raw
 * objects as the file source, each with a `live:KIND/namespace/name` source. Nothing is ever written; Secrets are
 * never listed (see _secrets.ts). docs/live.md is the user's page.
 */
import type { Diagnostic } from '../../model/diagnostic.ts';
import { connect, type ConnectOptions } from './_client.ts';
import { liveKinds } from './_kinds.ts';
import { listAll } from './_list.ts';
import { startMirror, type LiveEvent, type Mirror } from './_mirror.ts';
import { readTlsSecrets } from './_secrets.ts';
import { sortLive, type LiveState } from './_state.ts';

export type { LiveState } from './_state.ts';
export type { LiveEvent, Mirror } from './_mirror.ts';
export { liveKinds, resourceName, unmappedKinds, type LiveKind } from './_kinds.ts';
export { pageSize } from './_list.ts';

export interface LiveOptions extends ConnectOptions {
  /** Read the certificate (never the key) of the `kubernetes.io/tls` Secrets routes reference. */
  readonly readTlsSecrets?: boolean;
}

const allKinds = liveKinds.map((k) => k.kind);

function unreadable(message: string): Diagnostic {
  return {
    code: 'live-kubeconfig',
    severity: 'error',
    message,
    source: { file: 'live', doc: 0, line: 0, column: 0 },
    hint: 'Pass --kubeconfig FILE and/or --context NAME (kubectl config get-contexts lists them).',
  };
}

/** Lists the cluster once. Problems (unreachable, forbidden, not installed) are diagnostics; the rest is read. */
export async function loadLive(opts: LiveOptions): Promise<LiveState> {
  const conn = await connect(opts);
  if (typeof conn === 'string') return { objects: [], diagnostics: [unreadable(conn)], unread: allKinds };
  const { listed, diagnostics, unread } = await listAll(conn);
  const objects = listed.flatMap((l) => l.objects);
  const secrets = await readTlsSecrets(conn, objects, !!opts.readTlsSecrets);
  return {
    objects: sortLive([...objects, ...secrets.objects]),
    diagnostics: [...diagnostics, ...secrets.diagnostics],
    unread,
  };
}

/**
 * Lists the cluster, then keeps the object set current from watch events; `onChange` gets the whole set after
 * each batch of events (quiet for `debounceMs`, default 20 ms). A kubeconfig that cannot be read gives a mirror
 * with that diagnostic and no watch.
 */
export async function watchLive(
  opts: LiveOptions & { readonly debounceMs?: number; readonly onEvent?: (event: LiveEvent) => void },
  onChange: (state: LiveState) => void,
): Promise<Mirror> {
  const conn = await connect(opts);
  if (typeof conn === 'string')
    return { initial: { objects: [], diagnostics: [unreadable(conn)], unread: allKinds }, stop() {} };
  return startMirror(conn, opts, onChange);
}
