import { Command, Option } from 'commander';
import { PolicyEngine, type HttpRequest } from '../analysis/policy/index.ts';
import { reach } from '../analysis/reach/index.ts';
import type { Protocol } from '../model/types.ts';
import { reachJson, renderReach } from '../render/reach-text.ts';
import { exitCodes, loadCluster, withInputOptions, type InputOptions } from './_common.ts';
import type { Io } from './io.ts';

interface ReachOptions extends InputOptions {
  from?: string;
  to?: string;
  port: string;
  protocol: Protocol;
  output: 'text' | 'json';
  hostNetwork: 'node' | 'pod';
  httpMethod?: string;
  httpPath?: string;
  httpHeader: string[];
}

/**
 * `kubetwin reach -f … --from REF --to REF --port P`: exit 0 allowed, 1 denied, partly allowed or unknown (objects
 * kubetwin does not model may change the answer), 2 bad input.
 */
export function reachCommand(io: Io): Command {
  const cmd = new Command('reach')
    .description(
      'can REF talk to REF on a port, and which NetworkPolicy (or Cilium policy) rule decided (REF: ns/pod, ns/WORKLOAD, service:ns/NAME, ip:ADDR, fqdn:NAME, internet)',
    )
    .argument('[from]', 'source REF (or --from)')
    .argument('[to]', 'destination REF (or --to)')
    .option('--from <ref>', 'source')
    .option('--to <ref>', 'destination (for service:ns/NAME the port is the Service port)')
    .requiredOption('--port <port>', 'destination port')
    .addOption(new Option('--protocol <protocol>', 'protocol').choices(['TCP', 'UDP', 'SCTP']).default('TCP'))
    .addOption(
      new Option('--host-network <mode>', 'treat hostNetwork pods as their node or as pods')
        .choices(['node', 'pod'])
        .default('node'),
    )
    .option('--http-method <method>', 'judge one HTTP request by Cilium L7 rules: its method (default GET)')
    .option('--http-path <path>', 'the HTTP request path (default /)')
    .option(
      '--http-header <header>',
      'an HTTP request header "Name: value" (repeatable)',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'),
    );
  withInputOptions(cmd).action(
    async (fromArg: string | undefined, toArg: string | undefined, given: ReachOptions) => {
      const from = given.from ?? fromArg;
      const to = given.to ?? (given.from === undefined ? toArg : fromArg);
      if (from === undefined || to === undefined)
        return fail(io, 'give the two ends: kubetwin reach FROM TO --port P (or --from FROM --to TO)');
      const opts = { ...given, from, to };
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535)
        return fail(io, `--port "${opts.port}" is not a port number (1-65535)`);
      const loaded = await loadCluster(opts, io);
      if (typeof loaded === 'number') return io.exit(loaded);
      // One pair: the rule table (read by all-pairs readers only) is not laid out.
      const engine = new PolicyEngine(loaded.cluster.model, {
        hostNetwork: opts.hostNetwork,
        ruleTable: 'on-demand',
      });
      const http = httpRequest(opts);
      if (typeof http === 'string') return fail(io, http);
      const result = reach(engine, {
        from: opts.from,
        to: opts.to,
        port,
        protocol: opts.protocol,
        ...(http ? { http } : {}),
      });
      if (typeof result === 'string') return fail(io, result);
      io.stdout(
        opts.output === 'json' ? JSON.stringify(reachJson(result), null, 2) + '\n' : renderReach(result),
      );
      // An unknown is not a pass: exit 1, as for a denial.
      io.exit(loaded.inputExit || (result.verdict === 'allowed' ? exitCodes.ok : exitCodes.findings));
    },
  );
  return cmd;
}

/** The request of `--http-method/--http-path/--http-header`, undefined when none is given. */
function httpRequest(opts: ReachOptions): HttpRequest | string | undefined {
  if (opts.httpMethod === undefined && opts.httpPath === undefined && !opts.httpHeader.length)
    return undefined;
  const headers: Record<string, string> = {};
  for (const h of opts.httpHeader) {
    const colon = h.indexOf(':');
    if (colon <= 0) return `--http-header "${h}" must be "Name: value"`;
    headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
  }
  const path = opts.httpPath ?? '/';
  if (!path.startsWith('/')) return `--http-path "${path}" must start with /`;
  return { method: (opts.httpMethod ?? 'GET').toUpperCase(), path, headers };
}

function fail(io: Io, message: string): void {
  io.stderr(`error: ${message}\n`);
  io.exit(exitCodes.input);
}
