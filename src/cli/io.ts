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
}
