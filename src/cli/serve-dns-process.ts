/**
 * The serving process of `kubetwin serve dns` (bundled alone as dist/kubetwin-dns.cjs): it holds only the DNS
 * index, the compiled answers, the reply cache and the socket code. `serve dns` (the launcher) starts it with V8
 * flags for a small resident set (see `servingFlags` in serve-dns.ts), passes its settings as one JSON argument and
 * the data's file on its standard input, again on every reload (_dns-frames.ts); the model is built by a third, short-lived process
 * (`serve dns --emit-data`), so the build's memory peak never lands here. The process ends on SIGINT or SIGTERM, or
 * when the launcher goes away (its standard input closes).
 */
import { createDnsFromData } from '../analysis/dns/index.ts';
import type { DnsServerConfig } from '../analysis/corefile/index.ts';
import {
  AnswerTable,
  applyZoneDelta,
  compactHeap,
  startDnsServer,
  type RunningDnsServer,
} from '../servers/dns-server/index.ts';
import { readServingData, type ServingData } from './_dns-frames.ts';

/** What `serve dns` hands the serving process (an internal contract between the two files). */
export interface ServingSettings {
  readonly host: string;
  readonly port: number;
  readonly watch: boolean;
}

/** The `cache` plugin of the server block that serves the cluster zone (the one with `kubernetes`). */
const cacheOf = (config: DnsServerConfig) =>
  (config.servers.find((s) => s.kubernetes) ?? config.servers[0])?.cache;

/** The serving parts of `d`: its answerer and compiled table (and the data, which deltas update in place). */
function servingParts(d: ServingData) {
  const dns = createDnsFromData(d.data);
  const table = AnswerTable.fromBytes(d.table);
  return { data: d.data, dns, cache: cacheOf(dns.config), ...(table ? { table } : {}) };
}

/** After a load: collect the old data now, and once more when the frame's buffer has been released. */
function settle(): void {
  compactHeap();
  setTimeout(compactHeap, 500).unref();
}

async function main(settings: ServingSettings): Promise<number> {
  let server: RunningDnsServer | undefined;
  let current: ReturnType<typeof servingParts> | undefined;
  let deltas = 0;
  let reloads = 0;
  const debug = /(^|,)watch(,|$)/.test(process.env.KUBETWIN_DEBUG ?? '');
  // KUBETWIN_DEBUG=memory: SIGUSR2 prints the process's memory and the TCP side's state (bench/dns-abuse.ts).
  if (/(^|,)memory(,|$)/.test(process.env.KUBETWIN_DEBUG ?? ''))
    process.on('SIGUSR2', () => {
      const m = process.memoryUsage();
      const mb = (n: number) => (n / 1048576).toFixed(1);
      process.stderr.write(
        `memory: rss ${mb(m.rss)} MB, V8 heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} MB, external ${mb(m.external)} MB, array buffers ${mb(m.arrayBuffers)} MB; tcp ${JSON.stringify(server?.tcpStats ?? {})}\n`,
      );
    });
  let failed = false;
  const done = new Promise<void>((resolve) => {
    // `on`, not `once`: Ctrl-C reaches this process twice (from the terminal and forwarded by `serve dns`).
    process.on('SIGINT', () => resolve());
    process.on('SIGTERM', () => resolve());
    process.stdin.on('end', () => resolve());
    let starting: Promise<void> | undefined;
    readServingData(
      process.stdin,
      (d) => {
        const parts = servingParts(d);
        current = parts;
        if (starting) {
          void starting.then(() => {
            server?.setAnswerer(parts.dns, parts.cache, parts.table);
            reloads++;
            settle();
            process.stderr.write('reloaded the manifests\n');
          });
          return;
        }
        starting = startDnsServer({
          host: settings.host,
          port: settings.port,
          answerer: parts.dns,
          cache: parts.cache,
          ...(parts.table ? { table: parts.table } : {}),
        }).then(
          (s) => {
            server = s;
            settle();
            const zones = parts.dns.config.servers.flatMap((x) => x.kubernetes?.zones ?? []).join(' ');
            process.stderr.write(
              `serving DNS for ${zones || '(no kubernetes zones)'} on ${settings.host}:${s.port} (UDP and TCP)${settings.watch ? ', watching the manifests' : ''}\n`,
            );
          },
          (err: unknown) => {
            process.stderr.write(
              `error: cannot listen on ${settings.host}:${settings.port}: ${err instanceof Error ? err.message : String(err)}\n`,
            );
            failed = true;
            resolve();
          },
        );
      },
      (why) => {
        process.stderr.write(
          `kubetwin serve dns: could not read the DNS data (${why})${starting ? '; still serving the previous model' : ''}\n`,
        );
        if (starting) return;
        failed = true;
        resolve();
      },
      // --watch: one change applied to the zone in place (index and compiled answers), the reply cache flushed.
      (delta) => {
        const parts = current;
        if (!parts) return;
        applyZoneDelta(parts.data, delta, parts.table);
        server?.setAnswerer(parts.dns, parts.cache, parts.table);
        deltas++;
        if (debug) process.stderr.write(`zone updated in place: ${delta.answers.length} name(s)\n`);
      },
    );
  });
  await done;
  if (failed || !server) return 2;
  await server.close();
  const s = server.stats;
  process.stderr.write(
    `stopped: ${s.queries} queries, ${s.answered} answered (${s.tableHits} from the compiled zone, ${s.cacheHits} from the cache), ${s.malformed} malformed dropped, ${s.truncated} truncated, ${s.refused} refused${settings.watch ? `; ${deltas} zone update(s) in place, ${reloads} whole reload(s)` : ''}\n`,
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
