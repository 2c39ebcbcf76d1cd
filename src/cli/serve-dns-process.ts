/**
 * The serving process of `kubetwin serve dns` (bundled alone as dist/kubetwin-dns.mjs): it holds only the DNS
 * index, the reply cache and the socket code. `serve dns` starts it with V8 flags for a small resident set (see
 * `servingFlags` in serve-dns.ts) and passes its settings as one JSON argument; the model is built by a third,
 * short-lived process (`serve dns --emit-data`), so the build's memory peak never lands here.
 */
import { createDnsFromData, type Dns } from '../analysis/dns/index.ts';
import { compactHeap, startDnsServer, watchPaths } from '../servers/dns/index.ts';
import { loadDnsDataInChild } from './_dns-loader.ts';
import type { InputOptions } from './_common.ts';

/** What `serve dns` hands the serving process (an internal contract between the two files). */
export interface ServingSettings {
  readonly host: string;
  readonly port: number;
  readonly watch: boolean;
  readonly input: InputOptions;
  /** How to run the full CLI for `--emit-data`: node arguments before the script, and the script. */
  readonly cli: { readonly execArgv: readonly string[]; readonly script: string };
}

/** The `cache` plugin of the server block that serves the cluster zone (the one with `kubernetes`). */
const cacheOf = (dns: Dns) => (dns.config.servers.find((s) => s.kubernetes) ?? dns.config.servers[0])?.cache;

async function main(settings: ServingSettings): Promise<number> {
  const build = async (): Promise<Dns | undefined> => {
    const data = await loadDnsDataInChild(settings.input, settings.cli);
    return data ? createDnsFromData(data) : undefined;
  };
  const first = await build();
  if (!first) return 2;
  compactHeap();
  // The buffer the data came in is released a tick later: collect again once it is.
  setTimeout(compactHeap, 500).unref();
  let server;
  try {
    server = await startDnsServer({
      host: settings.host,
      port: settings.port,
      answerer: first,
      cache: cacheOf(first),
    });
  } catch (err) {
    process.stderr.write(
      `error: cannot listen on ${settings.host}:${settings.port}: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return 2;
  }
  const zones = first.config.servers.flatMap((s) => s.kubernetes?.zones ?? []).join(' ');
  process.stderr.write(
    `serving DNS for ${zones || '(no kubernetes zones)'} on ${settings.host}:${server.port} (UDP and TCP)${settings.watch ? ', watching the manifests' : ''}\n`,
  );
  let reloading = Promise.resolve();
  const watcher = settings.watch
    ? watchPaths(settings.input.file ?? [], () => {
        reloading = reloading.then(async () => {
          const next = await build();
          if (next) {
            server.setAnswerer(next, cacheOf(next));
            compactHeap();
            setTimeout(compactHeap, 500).unref();
            process.stderr.write('reloaded the manifests\n');
          } else process.stderr.write('reload failed; still serving the previous model\n');
        });
      })
    : undefined;
  await new Promise<void>((resolve) => {
    // `on`, not `once`: Ctrl-C reaches this process twice (from the terminal and forwarded by `serve dns`).
    process.on('SIGINT', () => resolve());
    process.on('SIGTERM', () => resolve());
  });
  watcher?.close();
  await server.close();
  const s = server.stats;
  process.stderr.write(
    `stopped: ${s.queries} queries, ${s.answered} answered, ${s.malformed} malformed dropped, ${s.truncated} truncated, ${s.refused} refused\n`,
  );
  return 0;
}

main(JSON.parse(process.argv[2] ?? '{}') as ServingSettings).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `kubetwin serve dns: internal error (a bug, please report it): ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(3);
  },
);
