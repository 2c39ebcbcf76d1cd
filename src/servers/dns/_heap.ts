/**
 * Gives the memory of a finished model build back before serving: a full garbage collection, so the long-running
 * server holds only the DNS index (V8 otherwise keeps the build's garbage resident until its own reducer runs).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export function compactHeap(): void {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as (() => void) | undefined;
    gc?.();
    gc?.();
  } catch {
    // Not essential: the heap shrinks later anyway.
  }
}
