import { Command, CommanderError } from 'commander';
import { commandFactories } from './commands.ts';
import { exitCodes } from './_common.ts';
import type { Io } from './io.ts';
import { printableText } from '../render/printable.ts';

import { version } from './version.ts';

export { version };

/** Builds the CLI; every command is registered here, explicitly. */
export function buildProgram(io: Io): Command {
  const program = new Command('kubetwin')
    .description('A digital twin of Kubernetes cluster networking, built from your manifests.')
    .version(version)
    .showHelpAfterError()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  for (const make of commandFactories) {
    const cmd = make(io);
    cmd.configureOutput({ writeOut: io.stdout, writeErr: io.stderr }).exitOverride().showHelpAfterError();
    program.addCommand(cmd);
  }
  return program;
}

/**
 * Runs argv; resolves with the exit code (0 ok, 1 findings, 2 input or usage error). Everything printed passes
 * through printableText, so no control character from the input reaches the terminal raw, whatever the renderer.
 */
export async function run(argv: readonly string[], io: Omit<Io, 'exit'>): Promise<number> {
  let code: number | undefined;
  const program = buildProgram({
    ...io,
    stdout: (s) => io.stdout(printableText(s)),
    stderr: (s) => io.stderr(printableText(s)),
    exit: (c) => (code = c),
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : exitCodes.input;
    throw err;
  }
  return code ?? 0;
}
