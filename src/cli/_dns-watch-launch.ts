/**
 * The launcher's side of `serve dns --watch` when it keeps the model in place (_dns-watch.ts): the first zone is
 * built here (not by a builder process), then every change is applied here and handed to the serving process as
 * `delta:` lines, or as a whole zone file after a full rebuild. Used for manifest files alone and for a live
 * cluster alone; manifests over a live cluster, and `-f -`, keep the whole rebuild of `serve dns`.
 */
import { join } from 'node:path';
import { DnsWatch, type DnsUpdate } from './_dns-watch.ts';
import { encodeDelta } from './_dns-frames.ts';
import { coalesce, onceEach } from './_reload.ts';
import { liveOptionsOf, watchLiveCluster } from './_live.ts';
import { watchPaths } from '../servers/dns-server/index.ts';
import type { LiveEvent, Mirror } from '../sources/live/index.ts';
import type { InputOptions } from './_common.ts';
import type { Io } from './io.ts';

/** Whether these inputs are watched in place. */
export const watchesInPlace = (opts: InputOptions & { watch?: boolean }): boolean =>
  !!opts.watch && !opts.file?.includes('-') && !(liveOptionsOf(opts) && opts.file?.length);

export interface InPlaceWatch {
  /** The first zone's file. */
  readonly first: string;
  readonly inputExit: () => number;
  /** Starts passing changes to the serving process (`write` takes whole lines). */
  start(write: (line: string) => void): void;
  stop(): void;
}

/** Builds the first zone into `dir` and prepares the watch; a number is an exit code. */
export async function startInPlaceWatch(
  opts: InputOptions,
  io: Pick<Io, 'stderr' | 'readStdin'>,
  dir: string,
): Promise<InPlaceWatch | number> {
  let files = 0;
  const nextFile = () => join(dir, `zone-${++files}.bin`);
  const quiet = onceEach(io);
  const debug = /(^|,)watch(,|$)/.test(process.env.KUBETWIN_DEBUG ?? '');
  let write: ((line: string) => void) | undefined;
  const queued: LiveEvent[] = [];
  const held: { watch?: DnsWatch } = {};
  const send = (u: DnsUpdate | undefined, what: string) => {
    if (!u) return io.stderr('reload failed; still serving the previous model\n');
    if ('file' in u) write?.(`${u.file}\n`);
    else for (const d of u.deltas) write?.(encodeDelta(d));
    if (debug)
      io.stderr(
        'file' in u
          ? `watch: ${what}: model rebuilt, whole zone sent\n`
          : `watch: ${what}: applied in place, ${u.deltas.length} zone delta(s) sent\n`,
      );
  };
  const onEvent = (e: LiveEvent) => {
    if (!held.watch || !write) return void queued.push(e);
    send(held.watch.apply([e], nextFile), `${e.type} ${String(e.object.body.kind)}`);
  };
  const live = liveOptionsOf(opts);
  let mirror: Mirror | undefined;
  if (live) {
    mirror = await watchLiveCluster(
      live,
      (state) => held.watch && send(held.watch.relisted(state, nextFile), 'listed again'),
      onEvent,
    );
  }
  const started = await DnsWatch.start(opts, quiet, mirror?.initial);
  if (typeof started === 'number') {
    mirror?.stop();
    return started;
  }
  const watch = started;
  held.watch = watch;
  const first = watch.writeZone(nextFile());
  let watcher: { close(): void } | undefined;
  return {
    first,
    inputExit: () => watch.inputExit,
    start(w) {
      write = w;
      for (const e of queued.splice(0)) onEvent(e);
      if (!live && opts.file?.length) {
        const changed = coalesce(async () => send(await watch.filesChanged(nextFile), 'files changed'));
        watcher = watchPaths(opts.file, changed, 20);
      }
    },
    stop() {
      watcher?.close();
      mirror?.stop();
    },
  };
}
