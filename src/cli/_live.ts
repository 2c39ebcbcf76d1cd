/** The live-cluster inputs shared by every command that takes `-f` (docs/live.md). */
import type { Command } from 'commander';
import type { LiveEvent, LiveOptions, LiveState, Mirror } from '../sources/live/index.ts';
import type { Cluster, Diagnostic } from '../api/index.ts';

export type { LiveState } from '../sources/live/index.ts';

export interface LiveInputOptions {
  kubeconfig?: string;
  context?: string;
  readTlsSecrets?: boolean;
}

/** Adds `--kubeconfig`, `--context` and `--read-tls-secrets`. */
export function withLiveOptions(cmd: Command): Command {
  return cmd
    .option('--kubeconfig <file>', 'read a live cluster (read-only: list and watch); -f manifests overlay it')
    .option(
      '--context <name>',
      'kubeconfig context of the live cluster (alone: $KUBECONFIG or ~/.kube/config)',
    )
    .option(
      '--read-tls-secrets',
      'with a live cluster: read the certificates (never the keys) of TLS Secrets routes reference',
    );
}

/** The live source's options when the command reads a cluster (`--kubeconfig` or `--context` given). */
export function liveOptionsOf(opts: LiveInputOptions): LiveOptions | undefined {
  if (!opts.kubeconfig && !opts.context) return undefined;
  return { kubeconfig: opts.kubeconfig, context: opts.context, readTlsSecrets: opts.readTlsSecrets };
}

/** Lists the cluster once. The client library is loaded only when a command reads a cluster. */
export async function readLive(opts: LiveOptions): Promise<LiveState> {
  const { loadLive } = await import('../sources/live/index.ts');
  return loadLive(opts);
}

/**
 * Lists the cluster and keeps it current from watch events (`--watch`); `onChange` gets the whole object set after
 * each batch of events — or, with `onEvent`, each event alone and the whole set only after a kind is listed again
 * (`serve dns --watch` keeps its model current in place: src/cli/_dns-watch.ts).
 */
export async function watchLiveCluster(
  opts: LiveOptions,
  onChange: (state: LiveState) => void,
  onEvent?: (event: LiveEvent) => void,
): Promise<Mirror> {
  const { watchLive } = await import('../sources/live/index.ts');
  return watchLive({ ...opts, debounceMs: 2, ...(onEvent ? { onEvent } : {}) }, onChange);
}

/** Command-line arguments that make a child process read the same cluster. */
export function liveArgs(opts: LiveInputOptions): string[] {
  return [
    ...(opts.kubeconfig ? ['--kubeconfig', opts.kubeconfig] : []),
    ...(opts.context ? ['--context', opts.context] : []),
    ...(opts.readTlsSecrets ? ['--read-tls-secrets'] : []),
  ];
}

/** With manifests over a live cluster: one note saying what they replaced and what they added. */
export function overlayNote(overlay: Cluster['overlay']): Diagnostic[] {
  if (!overlay?.manifests) return [];
  const { live, manifests, replaced } = overlay;
  return [
    {
      code: 'live-overlay',
      severity: 'info',
      message: `the manifests replace ${replaced} live object(s) and add ${manifests - replaced} new one(s) over ${live} read from the cluster`,
    },
  ];
}
