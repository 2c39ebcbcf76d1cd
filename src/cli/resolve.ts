import { Command, Option } from 'commander';
import { createDns, findPod, reverseName, unknownResolution, type Libc } from '../analysis/dns/index.ts';
import { createTraceContext, queriesBlocked } from '../analysis/trace/index.ts';
import {
  dnsResponseJson,
  podResolveJson,
  renderPodResolve,
  renderQueriesBlocked,
  renderResolve,
} from '../render/dig.ts';
import { renderDiagnostics } from '../render/diagnostics.ts';
import { canonicalIP } from '../lib/ip.ts';
import { exitCodes, loadCluster, withInputOptions, type InputOptions } from './_common.ts';
import type { Io } from './io.ts';

interface ResolveOptions extends InputOptions {
  from?: string;
  type: string;
  output: 'text' | 'json';
  libc?: Libc;
}

const types = ['A', 'AAAA', 'SRV', 'PTR', 'CNAME', 'TXT', 'NS', 'SOA'];

/**
 * `kubetwin resolve -f … [--from ns/pod] NAME [--type T] [-o text|json]`: what cluster DNS answers, dig style; with
 * `--from`, the pod's resolv.conf and every query of its search-list walk. Exit 0 when the name resolves, 1 when it
 * does not (NXDOMAIN, no data, SERVFAIL, REFUSED) or the answer is UNKNOWN (a name CoreDNS forwards upstream that
 * the profile's externalHosts does not list), 2 on bad input.
 */
export function resolveCommand(io: Io): Command {
  const cmd = new Command('resolve')
    .description(
      'what cluster DNS (CoreDNS as the Corefile configures it) answers for a name, optionally from a pod through its search list',
    )
    .argument('<name>', 'the name to look up (an IP address with --type PTR is turned into its reverse name)')
    .option(
      '--from <pod>',
      'resolve as this pod does (namespace/pod, or namespace/workload for its first pod)',
    )
    .addOption(
      new Option('-t, --type <type>', 'record type')
        .choices([...types, ...types.map((t) => t.toLowerCase())])
        .default('A'),
    )
    .addOption(
      new Option(
        '--libc <libc>',
        "the pod resolver's C library (default: pod annotation kubetwin.dev/libc, the profile's resolverLibc, else glibc)",
      ).choices(['glibc', 'musl']),
    )
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'),
    );
  withInputOptions(cmd).action(async (nameArg: string, opts: ResolveOptions) => {
    const type = opts.type.toUpperCase();
    const ip = canonicalIP(nameArg);
    const name = type === 'PTR' && ip ? reverseName(ip)! : nameArg;
    if (
      !/^[A-Za-z0-9_.*-]+$/.test(name) ||
      name.length > 253 ||
      name.split('.').some((l, i, all) => l.length > 63 || (l === '' && i < all.length - 1))
    ) {
      io.stderr(`error: "${nameArg}" is not a DNS name\n`);
      return io.exit(exitCodes.input);
    }
    const loaded = await loadCluster(opts, io);
    if (typeof loaded === 'number') return io.exit(loaded);
    const model = loaded.cluster.model;
    const dns = createDns(model);
    const shown = renderDiagnostics([...dns.diagnostics], opts.quiet ? 'error' : 'info');
    if (shown) io.stderr(shown);
    let resolved: boolean;
    if (opts.from) {
      const pod = findPod(model, opts.from);
      if (!pod) {
        io.stderr(`error: --from ${opts.from}: no pod or workload of that name (use namespace/name)\n`);
        return io.exit(exitCodes.input);
      }
      const res = dns.resolveFrom(pod, { name, type }, { libc: opts.libc });
      // The queries are traffic: an egress policy that drops 53/UDP to the DNS pods leaves the pod without a reply.
      const blocked = queriesBlocked(createTraceContext(model), res);
      io.stdout(
        opts.output === 'json'
          ? JSON.stringify(
              { ...podResolveJson(res), ...(blocked ? { queriesBlocked: blocked } : {}) },
              null,
              2,
            ) + '\n'
          : renderPodResolve(res, name, type) + (blocked ? renderQueriesBlocked(blocked) : ''),
      );
      resolved = res.walk.resolvedName !== undefined && !blocked && !unknownResolution(res);
    } else {
      const r = dns.answer({ name, type });
      io.stdout(
        opts.output === 'json'
          ? JSON.stringify(dnsResponseJson(r), null, 2) + '\n'
          : renderResolve(r, model.profile.dnsServiceIP),
      );
      resolved = r.rcode === 'NOERROR' && r.answer.length > 0 && r.unknown === undefined;
    }
    io.exit(loaded.inputExit || (resolved ? exitCodes.ok : exitCodes.findings));
  });
  return cmd;
}
