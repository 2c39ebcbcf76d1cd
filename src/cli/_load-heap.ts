/**
 * A larger V8 heap growing factor while a large input is parsed, so the parse's old generation grows in one step
 * instead of being marked and compacted on the way (design note 0006, Decision 19).
 *
 * V8 sets the old generation's next limit after each mark-compact as the live size times a growing factor
 * (`--heap-growing-percent`: factor 1 + percent / 100; 0, the default, lets V8 pick from its GC and mutator speeds,
 * at most 4). A first load starts on a heap of a few MB, so the parse of a 17.6 MB file (realistic 150k pods) ran
 * two mark-compacts on a young, growing heap and the build one more. With the flag at 1500 during the parse, the
 * limit set at the parse's first mark-compact (~20 MB live) is ~300 MB, past the parse and into the build: one
 * mark-compact fewer. The flag is put back to its default when the parse ends, so the build, the analyses and any
 * server afterwards grow the heap as V8 chooses. Only inputs of 4–24 MB of text: a small one has no mark-compact
 * to save, and a huge one could set a limit of a GB or more from a large live size.
 * V8's flag: `node --v8-options` (Node 20.20, V8 11.3) lists `--heap-growing-percent`.
 */
import { setFlagsFromString } from 'node:v8';

/** Inputs (total characters of text) whose parse runs with the larger factor. */
export const parseHeapRange = { min: 4_000_000, max: 24_000_000 } as const;

/** The factor during the parse: 1 + 1500 / 100 = 16. */
export const parseHeapGrowingPercent = 1500;

export interface ParseHeapOptions {
  /** node's own arguments: when they set the flag, the user chose it and it is left alone. */
  readonly execArgv?: readonly string[];
  /** Sets V8 flags (tests pass a recorder). */
  readonly setFlags?: (flags: string) => void;
}

/** Runs `parse` with V8's heap growing factor raised when the input is `chars` long within `parseHeapRange`. */
export function withParseHeap<T>(chars: number, parse: () => T, options: ParseHeapOptions = {}): T {
  const execArgv = options.execArgv ?? process.execArgv;
  const setFlags = options.setFlags ?? setFlagsFromString;
  const chosen = execArgv.some((a) => /^--heap[-_]growing[-_]percent\b/.test(a));
  if (chosen || chars < parseHeapRange.min || chars > parseHeapRange.max) return parse();
  setFlags(`--heap-growing-percent=${parseHeapGrowingPercent}`);
  try {
    return parse();
  } finally {
    setFlags('--heap-growing-percent=0');
  }
}
