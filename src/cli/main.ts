import { run } from './program.ts';
import { readAllStdin } from '../sources/files.ts';

// The Node adapter: real stdout/stderr and exit code. Bugs still print a short message, not a bare stack.
// A reader that stops early (`kubetwin matrix … | head`) closes the pipe: stop writing, as other CLIs do.
// Any other write error (a full disk, ENOBUFS) is said in one line, not as a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.stderr.write(`kubetwin: cannot write the answer to standard output: ${err.message}\n`);
  process.exit(3);
});
run(process.argv.slice(2), {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  readStdin: readAllStdin,
  stdoutRoom: () =>
    process.stdout.writableNeedDrain
      ? new Promise<void>((room) => process.stdout.once('drain', room))
      : undefined,
  // The callback of an empty write runs once everything written before it is handed to the OS.
  flushed: () => new Promise<void>((done) => process.stdout.write('', () => done())),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `kubetwin: internal error (a bug, please report it): ${err instanceof Error ? err.message : String(err)}\n`,
    );
    if (process.env.KUBETWIN_DEBUG) process.stderr.write(`${err instanceof Error ? err.stack : ''}\n`);
    process.exitCode = 3;
  },
);
