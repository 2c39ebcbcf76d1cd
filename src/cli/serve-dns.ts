import { Command, Option } from 'commander';
import { createDns, createDnsFromData, type Dns } from '../analysis/dns/index.ts';
import { encodeDnsData, loadDnsDataInChild } from './_dns-loader.ts';
import { compactHeap, startDnsServer, watchPaths } from '../servers/dns/index.ts';
import { renderDiagnostics } from '../report/diagnostics.ts';
import { exitCodes, loadCluster, withInputOptions, type InputOptions } from './_common.ts';
import type { Io } from './io.ts';

interface ServeDnsOptions extends InputOptions {
  listen: string;
  watch?: boolean;
  emitData?: boolean;
}

function hostPort(text: string): { host: string; port: number } | undefined {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  return m && port >= 0 && port < 65536 ? { host: m[1].replace(/^\[|\]$/g, ''), port } : undefined;
}

/**
 * `kubetwin serve dns -f … [--listen 127.0.0.1:5353] [--watch]`: a real DNS server (UDP and TCP) answering as the
 * cluster's CoreDNS would, from the model; `--watch` rebuilds the model when the manifests change.
 */
export function dnsSubcommand(io: Io): Command {
  const cmd = new Command('dns')
    .description('run a real DNS server (UDP + TCP) answering as the cluster DNS would, from the manifests')
    .option(
      '--listen <host:port>',
      'address to listen on (UDP and TCP); port 0 picks a free one',
      '127.0.0.1:5353',
    )
    .option('--watch', 'reload when the manifests change (queries keep being answered meanwhile)')
    .addOption(new Option('--emit-data', 'internal: build and print the DNS data, then exit').hideHelp());
  withInputOptions(cmd).action(async (opts: ServeDnsOptions) => {
    const listen = hostPort(opts.listen);
    if (!listen) {
      io.stderr(`error: --listen "${opts.listen}" is not host:port\n`);
      return io.exit(exitCodes.input);
    }
    const report = (dns: Pick<Dns, 'diagnostics'>) => {
      const shown = renderDiagnostics([...dns.diagnostics], opts.quiet ? 'error' : 'info');
      if (shown) io.stderr(shown);
    };
    if (opts.emitData) {
      const loaded = await loadCluster(opts, io);
      if (typeof loaded === 'number') return io.exit(loaded);
      const { text, data } = encodeDnsData(loaded.cluster.model);
      report(data);
      io.stdout(text);
      return io.exit(exitCodes.ok);
    }
    // The model is built in a child process (its memory peak ends with it); stdin input is read here instead.
    const build = async (): Promise<Dns | undefined> => {
      if (!opts.file?.includes('-')) {
        const data = await loadDnsDataInChild(opts);
        return data ? createDnsFromData(data) : undefined;
      }
      const loaded = await loadCluster(opts, io);
      if (typeof loaded === 'number') return undefined;
      const dns = createDns(loaded.cluster.model);
      report(dns);
      return dns;
    };
    const first = await build();
    if (!first) return io.exit(exitCodes.input);
    compactHeap();
    let server;
    try {
      server = await startDnsServer({ host: listen.host, port: listen.port, answerer: first });
    } catch (err) {
      io.stderr(
        `error: cannot listen on ${opts.listen}: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      return io.exit(exitCodes.input);
    }
    const zones = first.config.servers.flatMap((s) => s.kubernetes?.zones ?? []).join(' ');
    io.stderr(
      `serving DNS for ${zones || '(no kubernetes zones)'} on ${listen.host}:${server.port} (UDP and TCP)${opts.watch ? ', watching the manifests' : ''}\n`,
    );
    let reloading = Promise.resolve();
    const watcher = opts.watch
      ? watchPaths(opts.file ?? [], () => {
          reloading = reloading.then(async () => {
            const next = await build();
            if (next) {
              server.setAnswerer(next);
              compactHeap();
              io.stderr('reloaded the manifests\n');
            } else io.stderr('reload failed; still serving the previous model\n');
          });
        })
      : undefined;
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    watcher?.close();
    await server.close();
    const s = server.stats;
    io.stderr(
      `stopped: ${s.queries} queries, ${s.answered} answered, ${s.malformed} malformed dropped, ${s.truncated} truncated, ${s.refused} refused\n`,
    );
    io.exit(exitCodes.ok);
  });
  return cmd;
}
