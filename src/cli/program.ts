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

/** The process edges `run` is given; `flushed` resolves once what was written to stdout has left the process. */
export type RunIo = Omit<Io, 'exit' | 'afterAnswer'> & { flushed?(): Promise<void> };

/**
 * Runs argv; resolves with the exit code (0 ok, 1 findings, 2 input or usage error). Everything printed passes
 * through printableText, so no control character from the input reaches the terminal raw, whatever the renderer.
 * Work the command left for after its answer (`Io.afterAnswer`) runs once the answer is written, before this
 * resolves.
 */
export async function run(argv: readonly string[], io: RunIo): Promise<number> {
  let code: number | undefined;
  const later: (() => Promise<void>)[] = [];
  const program = buildProgram({
    ...io,
    stdout: (s) => io.stdout(printableText(s)),
    stderr: (s) => io.stderr(printableText(s)),
    exit: (c) => (code = c),
    afterAnswer: (task) => void later.push(task),
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : exitCodes.input;
    throw err;
  }
  if (later.length) await io.flushed?.();
  for (const task of later) await task();
  return code ?? 0;
}
