/** The process edges a command may touch, so tests can run commands without a real process. */
export interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
  exit(code: number): void;
  /** All of standard input, for `-f -`. */
  readStdin(): Promise<string>;
}
