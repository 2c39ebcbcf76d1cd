/** Watches manifest files and directories and calls `onChange` once per burst of changes (debounced). */
import { watch, type FSWatcher } from 'node:fs';

export function watchPaths(
  paths: readonly string[],
  onChange: () => void,
  debounceMs = 150,
): { close(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const fire = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  };
  const watchers: FSWatcher[] = [];
  for (const p of paths) {
    if (p === '-') continue;
    try {
      watchers.push(watch(p, { recursive: true }, fire));
    } catch {
      try {
        watchers.push(watch(p, fire));
      } catch {
        // A path that cannot be watched is skipped; the server keeps serving the last model.
      }
    }
  }
  return {
    close() {
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
