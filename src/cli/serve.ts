import { Command } from 'commander';
import { dnsSubcommand } from './serve-dns.ts';
import { gatewaySubcommand } from './serve-gateway.ts';
import type { Io } from './io.ts';

/** Runtime servers answering from the model, one subcommand per file: `serve dns`, `serve gateway`. */
const subcommands: readonly ((io: Io) => Command)[] = [dnsSubcommand, (io) => gatewaySubcommand(io)];

/** `kubetwin serve <server>`: real network servers that behave as the modeled cluster does. */
export function serveCommand(io: Io): Command {
  const cmd = new Command('serve').description(
    'run a real server that answers as the modeled cluster does (dns, gateway)',
  );
  for (const make of subcommands)
    cmd.addCommand(
      make(io)
        .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
        .exitOverride()
        .showHelpAfterError(),
    );
  return cmd;
}
