/** The process edges a command may touch, so tests can run commands without a real process. */
export interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
  exit(code: number): void;
  /** All of standard input, for `-f -`. */
  readStdin(): Promise<string>;
  /**
   * Work a one-shot command leaves until it has answered: run once its output is written, before the process
   * exits (the model cache's store, `--cache`). Absent where there is no such moment — servers and watches, which
   * answer for as long as they run (`onceEach` drops it) — and then the work is done at once.
   */
  afterAnswer?(task: () => Promise<void>): void;
  /**
   * A promise that resolves once standard output has room again, or undefined when it has room (or never
   * buffers, as in tests). Without it a command that streams a large answer (`matrix` by pod or workload on a big
   * cluster) would queue all of it in the process before the first byte left: 2 GB at 30k pods, then ENOBUFS.
   */
  stdoutRoom?(): Promise<void> | undefined;
}

/**
 * Writes an answer chunk by chunk, waiting for standard output to have room between chunks, so the chunks are
 * computed only as fast as the reader takes them (a pipe to `head`, `jq` or a file).
 */
export async function writeStream(
  io: Pick<Io, 'stdout' | 'stdoutRoom'>,
  chunks: Iterable<string>,
): Promise<void> {
  for (const chunk of chunks) {
    io.stdout(chunk);
    const room = io.stdoutRoom?.();
    if (room) await room;
  }
}
