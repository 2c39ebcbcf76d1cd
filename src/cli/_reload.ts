/**
 * `--watch` plumbing shared by the serving commands: a reload that never runs twice at once, where changes that
 * come during a reload are taken by one more reload after it (so a burst of watch events costs two rebuilds, not
 * one per event), and a stderr that prints each distinct block of diagnostics once.
 */
import type { Io } from './io.ts';

/** Wraps `run`; call the result on every change. */
export function coalesce(run: () => Promise<void>): () => void {
  let dirty = false;
  let running = false;
  const loop = async () => {
    running = true;
    while (dirty) {
      dirty = false;
      await run();
    }
    running = false;
  };
  return () => {
    dirty = true;
    if (!running) void loop();
  };
}

/**
 * An io whose stderr prints each distinct text once: rebuilds repeat the same diagnostics. Long-running commands
 * use it; it drops `afterAnswer`, which would hold their work (and each rebuilt model) until they stop.
 */
export function onceEach<T extends Pick<Io, 'stderr'>>(io: T): T {
  const printed = new Set<string>();
  return {
    ...io,
    afterAnswer: undefined,
    stderr: (text: string) => (printed.has(text) ? undefined : (printed.add(text), io.stderr(text))),
  };
}
