import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { buildServingData, buildServingDataFrom, encodeDnsData } from './_dns-loader.ts';
import { liveOptionsOf, watchLiveCluster, type LiveState } from './_live.ts';
import { coalesce, onceEach } from './_reload.ts';
import { startInPlaceWatch, watchesInPlace } from './_dns-watch-launch.ts';
import { watchPaths } from '../servers/dns-server/index.ts';
import { renderDiagnostics } from '../render/diagnostics.ts';
import { exitCodes, loadCluster, withInputOptions, type InputOptions } from './_common.ts';
import type { ServingSettings } from './serve-dns-process.ts';
import type { Io } from './io.ts';

interface ServeDnsOptions extends InputOptions {
  listen: string;
  watch?: boolean;
  emitData?: string;
}

function hostPort(text: string): { host: string; port: number } | undefined {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  return m && port >= 0 && port < 65536 ? { host: m[1].replace(/^\[|\]$/g, ''), port } : undefined;
}

/**
 * V8 flags of the serving process, for a resident set near the size of the DNS data (measured in
 * bench/results/dns.md):
 * - `--max-semi-space-size=1`: the young generation stays at 1 MB per semi-space. Under load V8 otherwise grows it
 *   to 16 MB per semi-space (about 40 MB of RSS); the replies' garbage dies young, so small scavenges stay cheap.
 * - `--optimize-for-size`: the old generation grows in small steps and gives pages back after a full collection
 *   (measured: 3.5 MB less after a run at 10k names, the same queries per second).
 * - `--single-threaded`: no compiler or GC helper threads. The server answers on one core, where helper threads
 *   only compete with it, and their malloc arenas stay resident (measured: 1.2 MB less, the same queries per second).
 * - `--expose-gc`: `compactHeap` runs a full collection after each load, so the load's garbage is not kept.
 * No `--max-old-space-size`: the old generation holds the data, whose size the server cannot bound ahead of time;
 * a limit below it would crash the server instead of slowing it. `--lite-mode` (no optimizing compiler) saves
 * 4 MB of node's own code pages but answers 31k queries per second instead of 130k, below the target.
 */
export const servingFlags: readonly string[] = [
  '--max-semi-space-size=1',
  '--optimize-for-size',
  '--single-threaded',
  '--expose-gc',
];

/** The serving process's script: dist/kubetwin-dns.cjs next to the bundled CLI, or the source under tsx. */
function servingScript(): string {
  const here = import.meta.url;
  return fileURLToPath(new URL(here.endsWith('.ts') ? './serve-dns-process.ts' : './kubetwin-dns.cjs', here));
}

/** Starts the serving process (serve-dns-process.ts) with its settings; its standard input takes load lines. */
function spawnServing(settings: ServingSettings) {
  const child = spawn(
    process.execPath,
    [...servingFlags, ...process.execArgv, servingScript(), JSON.stringify(settings)],
    // glibc keeps one malloc arena per thread that ever allocated (V8's compiler and GC threads); two arenas keep
    // what they free from staying resident (measured: about 7 MB less at 10k names).
    { stdio: ['pipe', 'inherit', 'inherit'], env: { MALLOC_ARENA_MAX: '2', ...process.env } },
  );
  child.stdin.on('error', () => undefined);
  return child;
}

/** Passes SIGINT and SIGTERM on to `child` and resolves with its exit code. */
async function untilExit(child: ReturnType<typeof spawnServing>): Promise<number> {
  const pass = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onInt = pass('SIGINT');
  const onTerm = pass('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const code = await new Promise<number>((resolve) => {
    child.once('error', () => resolve(exitCodes.input));
    child.once('exit', (c) => resolve(c ?? exitCodes.ok));
  });
  process.off('SIGINT', onInt);
  process.off('SIGTERM', onTerm);
  return code;
}

/**
 * `--watch` with the model kept in place (_dns-watch-launch.ts): the first zone is built here, each change goes to
 * the serving process as `delta:` lines, or a whole zone file after a full rebuild.
 */
async function serveInPlace(
  opts: ServeDnsOptions,
  listen: { host: string; port: number },
  io: Io,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'kubetwin-dns-'));
  const watch = await startInPlaceWatch(opts, io, dir);
  if (typeof watch === 'number') {
    rmSync(dir, { recursive: true, force: true });
    return watch;
  }
  const child = spawnServing({ host: listen.host, port: listen.port, watch: true });
  child.stdin.write(`${watch.first}\n`);
  watch.start((line) => child.stdin.write(line));
  const code = await untilExit(child);
  watch.stop();
  rmSync(dir, { recursive: true, force: true });
  return code || watch.inputExit();
}

/**
 * `kubetwin serve dns -f … [--listen 127.0.0.1:5353] [--watch]`: a real DNS server (UDP and TCP) answering as the
 * cluster's CoreDNS would, from the model; `--watch` rebuilds the model when the manifests change. This process is
 * the launcher: it runs the builder (`--emit-data`, see _dns-loader.ts) at start and on each change, starts the
 * serving process (serve-dns-process.ts), hands it each build and passes signals on (docs/design/0005).
 */
export function dnsSubcommand(io: Io): Command {
  const cmd = new Command('dns')
    .description('run a real DNS server (UDP + TCP) answering as the cluster DNS would, from the manifests')
    .option(
      '--listen <host:port>',
      'address to listen on (UDP and TCP); port 0 picks a free one',
      '127.0.0.1:5353',
    )
    .option(
      '--watch',
      'reload when the manifests change, or on watch events of the live cluster (queries keep being answered meanwhile)',
    )
    .addOption(
      new Option('--emit-data <file>', 'internal: build the DNS data, write it to FILE and exit').hideHelp(),
    );
  withInputOptions(cmd).action(async (opts: ServeDnsOptions) => {
    const listen = hostPort(opts.listen);
    if (!listen) {
      io.stderr(`error: --listen "${opts.listen}" is not host:port\n`);
      return io.exit(exitCodes.input);
    }
    if (opts.emitData) {
      const loaded = await loadCluster(opts, io);
      if (typeof loaded === 'number') return io.exit(loaded);
      const { bytes, data } = encodeDnsData(loaded.cluster.model);
      const shown = renderDiagnostics([...data.diagnostics], opts.quiet ? 'error' : 'info');
      if (shown) io.stderr(shown);
      writeFileSync(opts.emitData, Buffer.concat(bytes));
      return io.exit(loaded.inputExit);
    }
    if (watchesInPlace(opts)) return io.exit(await serveInPlace(opts, listen, io));
    const cli = { execArgv: process.execArgv, script: process.argv[1] };
    const serving: { send?: (file: string) => void } = {};
    let pending = false;
    const rebuild = coalesce(async () => {
      const next = await build();
      if (next) serving.send?.(next);
      else io.stderr('reload failed; still serving the previous model\n');
    });
    // Changes before the serving process runs are built once it does.
    const reload = () => (serving.send ? rebuild() : (pending = true));
    // Each build writes a new file here; the serving process reads and removes it.
    const dir = mkdtempSync(join(tmpdir(), 'kubetwin-dns-'));
    let builds = 0;
    // As every command does: invalid objects are left out and the rest is served; the exit status is 2 when the
    // model last served had input errors (unless --keep-going).
    let inputExit: number = exitCodes.ok;
    // --watch on a live cluster: the watch keeps the object set here and each change is built in this process.
    const live = opts.watch ? liveOptionsOf(opts) : undefined;
    let state: LiveState | undefined;
    const mirror = live
      ? await watchLiveCluster(live, (next) => {
          state = next;
          reload();
        })
      : undefined;
    state = mirror?.initial;
    const quietRepeats = onceEach(io);
    const build = async () => {
      const file = join(dir, `data-${++builds}.bin`);
      const code = state
        ? await buildServingDataFrom(opts, quietRepeats, state, file)
        : await buildServingData(opts, cli, file);
      if (code === undefined) return undefined;
      inputExit = code;
      return file;
    };
    const first = await build();
    if (!first) {
      mirror?.stop();
      rmSync(dir, { recursive: true, force: true });
      return io.exit(exitCodes.input);
    }
    const child = spawnServing({ host: listen.host, port: listen.port, watch: !!opts.watch });
    child.stdin.write(`${first}\n`);
    serving.send = (file) => child.stdin.write(`${file}\n`);
    if (pending) rebuild();
    // --watch: each change is built (by a new builder, or here for a live cluster) and handed over as a new file;
    // the server swaps it in. Changes that come during a build are built together by the next one.
    const watcher = opts.watch && opts.file?.length ? watchPaths(opts.file, reload) : undefined;
    const code = await untilExit(child);
    watcher?.close();
    mirror?.stop();
    rmSync(dir, { recursive: true, force: true });
    io.exit(code || inputExit);
  });
  return cmd;
}
