import { run } from './program.ts';

/** Runs the CLI in process, as tests do: what it printed on each stream and its exit code. */
export async function runCli(
  argv: readonly string[],
  stdin = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    readStdin: async () => stdin,
  });
  return { code, stdout, stderr };
}
