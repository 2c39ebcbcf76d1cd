import { Command, Option } from 'commander';
import { PolicyEngine } from '../analysis/policy/index.ts';
import { reach } from '../analysis/reach/index.ts';
import type { Protocol } from '../model/types.ts';
import { reachJson, renderReach } from '../report/reach-text.ts';
import { exitCodes, loadCluster, withInputOptions, type InputOptions } from './_common.ts';
import type { Io } from './io.ts';

interface ReachOptions extends InputOptions {
  from: string;
  to: string;
  port: string;
  protocol: Protocol;
  output: 'text' | 'json';
  hostNetwork: 'node' | 'pod';
}

/**
 * `kubetwin reach -f … --from REF --to REF --port P`: exit 0 allowed, 1 denied, partly allowed or unknown (objects
 * kubetwin does not model may change the answer), 2 bad input.
 */
export function reachCommand(io: Io): Command {
  const cmd = new Command('reach')
    .description(
      'can REF talk to REF on a port, and which NetworkPolicy rule decided (REF: ns/pod, ns/WORKLOAD, service:ns/NAME, ip:ADDR, internet)',
    )
    .requiredOption('--from <ref>', 'source')
    .requiredOption('--to <ref>', 'destination (for service:ns/NAME the port is the Service port)')
    .requiredOption('--port <port>', 'destination port')
    .addOption(new Option('--protocol <protocol>', 'protocol').choices(['TCP', 'UDP', 'SCTP']).default('TCP'))
    .addOption(
      new Option('--host-network <mode>', 'treat hostNetwork pods as their node or as pods')
        .choices(['node', 'pod'])
        .default('node'),
    )
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'),
    );
  withInputOptions(cmd).action(async (opts: ReachOptions) => {
    const port = Number(opts.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      return fail(io, `--port "${opts.port}" is not a port number (1-65535)`);
    const loaded = await loadCluster(opts, io);
    if (typeof loaded === 'number') return io.exit(loaded);
    const engine = new PolicyEngine(loaded.cluster.model, { hostNetwork: opts.hostNetwork });
    const result = reach(engine, { from: opts.from, to: opts.to, port, protocol: opts.protocol });
    if (typeof result === 'string') return fail(io, result);
    io.stdout(
      opts.output === 'json' ? JSON.stringify(reachJson(result), null, 2) + '\n' : renderReach(result),
    );
    // An unknown is not a pass: exit 1, as for a denial.
    io.exit(loaded.inputExit || (result.verdict === 'allowed' ? exitCodes.ok : exitCodes.findings));
  });
  return cmd;
}

function fail(io: Io, message: string): void {
  io.stderr(`error: ${message}\n`);
  io.exit(exitCodes.input);
}
