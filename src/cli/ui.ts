/**
 * `kubetwin ui -f … [--base DIR|FILE|git:REF …] [--flows FILE] [--watch] [--listen 127.0.0.1:0] [--open]`: the
 * twin to look at — a local web page (graph, Ask, matrix, findings) over the same pipeline as `report`, served on
 * loopback by default. With --base, both inputs are read as `kubetwin diff` reads them and the Diff view shows
 * `diffClusters`' answer over a graph with the changed edges marked. With --watch the input is re-read when a
 * file changes (the watcher of `serve dns --watch`), or re-analysed after each batch of a live cluster's watch
 * events (--kubeconfig / --context), and the page updates over Server-Sent Events.
 */
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { readFile, realpath } from 'node:fs/promises';
import { resolve as resolvePath, sep } from 'node:path';
import { spawn } from 'node:child_process';
import { analyseCluster } from '../pipeline/index.ts';
import type { Flow } from '../analysis/flows/index.ts';
import { parseTlsSecrets } from '../sources/x509.ts';
import type { Snapshot } from '../http/index.ts';
import { watchPaths } from '../servers/dns-server/index.ts';
import { exitCodes, loadCluster, withInputOptions, type InputOptions } from './_common.ts';
import { liveOptionsOf, watchLiveCluster, type LiveState } from './_live.ts';
import { coalesce, onceEach } from './_reload.ts';
import { loadFlows } from './trace.ts';
import { loadWebAssets } from './_web-assets.ts';
import { BuildMemo } from '../cluster/index.ts';
import { loadSide, type SideSpec } from './_diff-load.ts';
import { diffClusters } from '../analysis/diff/index.ts';
import type { Io } from './io.ts';

export interface UiOptions extends InputOptions {
  /** The before side for the Diff view: paths, or one `git:REF` (the -f paths at that ref). */
  base?: string[];
  flows?: string;
  watch?: boolean;
  listen: string;
  open?: boolean;
  at?: string;
}

export interface RunningUi {
  readonly url: string;
  /** Reads the input again now (what a watched change does). */
  reload(): Promise<void>;
  close(): Promise<void>;
}

function hostPort(text: string): { host: string; port: number } | undefined {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  return m && port >= 0 && port < 65536 ? { host: m[1].replace(/^\[|\]$/g, ''), port } : undefined;
}

/** Loads and analyses the input, serves the page; undefined (after printing why) when the input cannot be read. */
export async function startUi(opts: UiOptions, io: Io): Promise<RunningUi | number> {
  const where = hostPort(opts.listen);
  if (!where) {
    io.stderr(`error: --listen "${opts.listen}" is not HOST:PORT\n`);
    return exitCodes.input;
  }
  const quiet = onceEach(io);
  const baseSpec = baseSpecOf(opts);
  if (typeof baseSpec === 'string') {
    io.stderr(`error: ${baseSpec}\n`);
    return exitCodes.input;
  }
  let version = 0;
  // --watch on a live cluster: the watch keeps the object set; each batch of events re-analyses it (as
  // `serve gateway --watch` does).
  const live = opts.watch && !baseSpec ? liveOptionsOf(opts) : undefined;
  let liveState: LiveState | undefined;
  let onLiveChange: () => void = () => undefined;
  const mirror = live
    ? await watchLiveCluster(live, (next) => {
        liveState = next;
        onLiveChange();
      })
    : undefined;
  liveState = mirror?.initial;
  const analyse = async (): Promise<Snapshot | number> => {
    let flows: Flow[] = [];
    if (opts.flows) {
      const read = await loadFlows(opts.flows, quiet);
      if (read.errors) return exitCodes.input;
      flows = read.flows;
    }
    const title = (opts.file ?? []).join(', ') || 'live cluster';
    const now = opts.at ? new Date(opts.at).toISOString() : new Date().toISOString();
    const analyseOne = (cluster: Parameters<typeof analyseCluster>[0]) =>
      analyseCluster(cluster, { flows, certificates: parseTlsSecrets(cluster.model.routing), now, title });
    if (baseSpec) return diffSnapshot(baseSpec, ++version, title, analyseOne);
    const loaded = await loadCluster(opts, quiet, liveState);
    if (typeof loaded === 'number') return loaded;
    const analysed = analyseOne(loaded.cluster);
    return { version: ++version, title, analysed, diagnostics: loaded.cluster.diagnostics.length };
  };
  /** Both sides read and compared as `kubetwin diff` does (the same loader and `diffClusters`). */
  const diffSnapshot = async (
    spec: SideSpec,
    v: number,
    title: string,
    analyseOne: (c: Parameters<typeof analyseCluster>[0]) => ReturnType<typeof analyseCluster>,
  ): Promise<Snapshot | number> => {
    const sideOpts = {
      namespace: opts.namespace ?? 'default',
      profile: opts.profile,
      readStdin: io.readStdin,
      memo: new BuildMemo(),
    };
    const before = await loadSide(spec, sideOpts);
    const after = await loadSide({ kind: 'files', paths: opts.file ?? [] }, sideOpts);
    for (const [side, s] of [
      ['base', before],
      ['head', after],
    ] as const) {
      const errors = s.diagnostics.filter((d) => d.severity === 'error').length;
      if (errors && !opts.keepGoing) {
        quiet.stderr(
          `error: the ${side} input has ${errors} error diagnostic(s); --keep-going compares anyway\n`,
        );
        return exitCodes.input;
      }
    }
    const a = analyseOne(before.cluster);
    const b = analyseOne(after.cluster);
    const result = diffClusters(
      { analysed: a, objects: before.objects },
      { analysed: b, objects: after.objects },
      { defaultNamespace: sideOpts.namespace },
    );
    const base = spec.kind === 'git' ? `git:${spec.ref}` : (opts.base ?? []).join(', ');
    return {
      version: v,
      title,
      analysed: b,
      diagnostics: before.diagnostics.length + after.diagnostics.length,
      diff: { base, before: a, result },
    };
  };
  const first = await analyse();
  if (typeof first === 'number') {
    mirror?.stop();
    return first;
  }
  let current = first;
  const listeners = new Set<(s: Snapshot) => void>();
  const reload = async () => {
    const next = await analyse();
    // A change that breaks the input keeps the last good state on screen; the diagnostics are printed.
    if (typeof next === 'number') return;
    current = next;
    for (const l of listeners) l(next);
  };
  const roots = await Promise.all(
    (opts.file ?? [])
      .filter((f) => f !== '-')
      .map((f) => realpath(resolvePath(f)).catch(() => resolvePath(f))),
  );
  // Loaded here, not at start: other commands need neither the HTTP API nor the layout engine.
  const { createApp } = await import('../http/index.ts');
  const { listen } = await import('../http/node-server.ts');
  const app = createApp({
    snapshot: () => current,
    subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
    assets: await loadWebAssets(),
    // Only the input files (or files under the input directories) are shown, nothing else on the disk.
    readSource: async (file) => {
      const path = await realpath(resolvePath(file)).catch(() => undefined);
      if (!path || !roots.some((r) => path === r || path.startsWith(r + sep))) return undefined;
      return readFile(path, 'utf8').catch(() => undefined);
    },
  });
  // Lay the default graph out before the URL is printed: ELK's first run pays for compiling its code, and the
  // layout is cached per version, so the page's first load finds it ready.
  await app.request('/api/graph');
  const server = await listen(app.fetch, where);
  const onChange = coalesce(reload);
  const watched = [...(opts.file ?? []), ...(baseSpec?.kind === 'files' ? baseSpec.paths : [])];
  const watcher = opts.watch && watched.length ? watchPaths(watched, onChange) : undefined;
  onLiveChange = onChange;
  if (mirror && liveState !== mirror.initial) onChange(); // events that came while the page was being set up
  return {
    url: server.url,
    reload,
    close: async () => {
      watcher?.close();
      mirror?.stop();
      await server.close();
    },
  };
}

export function uiCommand(io: Io): Command {
  const cmd = new Command('ui')
    .description('a local web page: the graph of the cluster, click to trace, matrix and findings')
    .option(
      '--flows <file>',
      'declared flows to trace and draw (ClientIntents in the manifests are read too)',
    )
    .option(
      '--base <path>',
      'a before side for the Diff view: manifest file or directory (repeatable), or git:REF (the -f paths at REF)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option(
      '--watch',
      "re-read the input when a file changes, or follow the live cluster's watch events; the page updates without reload",
    )
    .option('--listen <host:port>', 'address to serve on (port 0 picks a free one)', '127.0.0.1:0')
    .option('--open', 'open the page in a browser (xdg-open), or print that it would')
    .option('--at <time>', 'judge certificates at this ISO time instead of now');
  withInputOptions(cmd).action(async (opts: UiOptions) => {
    const ui = await startUi(opts, io);
    if (typeof ui === 'number') return io.exit(ui);
    io.stdout(`kubetwin ui: ${ui.url}${opts.watch ? ' (watching the input)' : ''} — Ctrl-C to stop\n`);
    if (opts.open) openBrowser(ui.url, io);
    await new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    await ui.close();
    io.exit(exitCodes.ok);
  });
  return cmd;
}

/** The --base side as `kubetwin diff` reads it; a string says why it cannot be used. */
function baseSpecOf(opts: UiOptions): SideSpec | undefined | string {
  const base = opts.base ?? [];
  if (!base.length) return undefined;
  if (!opts.file?.length) return '--base compares against the -f input: give -f too';
  const refs = base.filter((b) => b.startsWith('git:'));
  if (refs.length && base.length > 1) return '--base git:REF stands alone (it reads the -f paths at REF)';
  return refs.length
    ? { kind: 'git', ref: refs[0].slice(4), paths: opts.file }
    : { kind: 'files', paths: base };
}

function openBrowser(url: string, io: Io): void {
  const opener = ['/usr/bin/xdg-open', '/usr/local/bin/xdg-open'].find((p) => existsSync(p));
  if (!opener || !process.env.DISPLAY) {
    io.stderr(`--open: no browser to open here (no xdg-open or no display); open ${url}\n`);
    return;
  }
  spawn(opener, [url], { stdio: 'ignore', detached: true }).unref();
}
