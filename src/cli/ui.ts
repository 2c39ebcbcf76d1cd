/**
 * `kubetwin ui -f … [--flows FILE] [--watch] [--listen 127.0.0.1:0] [--open]`: the twin to look at — a local web
 * page (graph, Ask, matrix, findings) over the same pipeline as `report`, served on loopback by default. With
 * --watch the input is re-read when a file changes (the watcher of `serve dns --watch`) and the page updates
 * over Server-Sent Events.
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
import { coalesce, onceEach } from './_reload.ts';
import { loadFlows } from './trace.ts';
import { loadWebAssets } from './_web-assets.ts';
import type { Io } from './io.ts';

export interface UiOptions extends InputOptions {
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
  let version = 0;
  const analyse = async (): Promise<Snapshot | number> => {
    const loaded = await loadCluster(opts, quiet);
    if (typeof loaded === 'number') return loaded;
    let flows: Flow[] = [];
    if (opts.flows) {
      const read = await loadFlows(opts.flows, quiet);
      if (read.errors) return exitCodes.input;
      flows = read.flows;
    }
    const title = (opts.file ?? []).join(', ') || 'live cluster';
    const analysed = analyseCluster(loaded.cluster, {
      flows,
      certificates: parseTlsSecrets(loaded.cluster.model.routing),
      now: opts.at ? new Date(opts.at).toISOString() : new Date().toISOString(),
      title,
    });
    return { version: ++version, title, analysed, diagnostics: loaded.cluster.diagnostics.length };
  };
  const first = await analyse();
  if (typeof first === 'number') return first;
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
  const watcher = opts.watch && opts.file?.length ? watchPaths(opts.file, onChange) : undefined;
  return {
    url: server.url,
    reload,
    close: async () => {
      watcher?.close();
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
    .option('--watch', 're-read the input when a file changes; the page updates without reload')
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

function openBrowser(url: string, io: Io): void {
  const opener = ['/usr/bin/xdg-open', '/usr/local/bin/xdg-open'].find((p) => existsSync(p));
  if (!opener || !process.env.DISPLAY) {
    io.stderr(`--open: no browser to open here (no xdg-open or no display); open ${url}\n`);
    return;
  }
  spawn(opener, [url], { stdio: 'ignore', detached: true }).unref();
}
