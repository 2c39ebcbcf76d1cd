/**
 * Watches manifest files and directories and calls `onChange` once per burst of changes (debounced). A file is
 * watched through its directory, filtered by its name: editors and `sed -i` save by writing a new file and renaming it
 * over the old one, and a watch on the old file's inode reports that first rename and then nothing more (inotify
 * follows the inode, not the name; https://nodejs.org/api/fs.html#inodes), so later edits would go unseen.
 */
import { statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

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
  const add = (make: () => FSWatcher) => {
    try {
      watchers.push(make());
      return true;
    } catch {
      return false;
    }
  };
  for (const p of paths) {
    if (p === '-') continue;
    let isFile = false;
    try {
      isFile = statSync(p).isFile();
    } catch {
      isFile = false;
    }
    if (isFile) {
      const name = basename(p);
      // The directory's events name the entry that changed (null when the platform cannot say: then any counts).
      if (add(() => watch(dirname(p), (_event, f) => (f === null || f === name ? fire() : undefined))))
        continue;
    }
    // A path that cannot be watched is skipped; the server keeps serving the last model.
    if (!add(() => watch(p, { recursive: true }, fire))) add(() => watch(p, fire));
  }
  return {
    close() {
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
