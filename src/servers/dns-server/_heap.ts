/**
 * Gives the memory of a finished load back before serving: a full garbage collection, so the long-running server
 * holds only what it serves (V8 otherwise keeps the load's garbage resident until its own reducer runs). Uses
 * `gc` when node runs with --expose-gc (the serving process does); otherwise exposes it for a moment, which costs a
 * new V8 context.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

export function compactHeap(): void {
  try {
    if (!gc) {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as (() => void) | undefined;
    }
    gc?.();
    gc?.();
  } catch {
    // Not essential: the heap shrinks later anyway.
  }
}
