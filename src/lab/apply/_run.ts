import { execFile, spawn } from 'node:child_process';

/** Runs one program without a shell; rejects with its stderr on a non-zero exit. */
export function run(argv: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(argv[0], argv.slice(1), { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${argv.slice(0, 6).join(' ')}…: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** Like `run`, but resolves to undefined instead of rejecting (teardown, probing for tools). */
export async function tryRun(argv: readonly string[], input?: string): Promise<string | undefined> {
  try {
    return await run(argv, input);
  } catch {
    return undefined;
  }
}

/**
 * Runs a plan's `ip` commands: each run of consecutive commands for one namespace goes to one
 * `ip -n NS -batch -` (the plan orders them by namespace); `ip netns exec` commands run alone.
 */
export async function runCommands(commands: readonly (readonly string[])[]): Promise<void> {
  let i = 0;
  while (i < commands.length) {
    const c = commands[i];
    if (c[1] !== '-n') {
      await run(c);
      i++;
      continue;
    }
    const ns = c[2];
    const lines: string[] = [];
    while (i < commands.length && commands[i][1] === '-n' && commands[i][2] === ns)
      lines.push(commands[i++].slice(3).join(' '));
    await run(['ip', '-n', ns, '-batch', '-'], lines.join('\n') + '\n');
  }
}

/** Runs async jobs with at most `limit` at a time, results in input order. */
export async function pool<T, R>(
  items: readonly T[],
  limit: number,
  job: (t: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const k = next++;
      out[k] = await job(items[k]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Starts a detached process that outlives this one (the responder daemon). */
export function spawnDetached(argv: readonly string[], logFile: number): number {
  const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: ['ignore', logFile, logFile] });
  child.unref();
  return child.pid!;
}
