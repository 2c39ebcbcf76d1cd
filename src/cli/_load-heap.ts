/**
 * A larger V8 heap growing factor while a large input is parsed, so the parse's old generation grows in one step
 * instead of being marked and compacted on the way (design note 0006, Decision 19).
 *
 * V8 sets the old generation's next limit after each mark-compact as the live size times a growing factor
 * (`--heap-growing-percent`: factor 1 + percent / 100; 0, the default, lets V8 pick from its GC and mutator speeds,
 * at most 4). A first load starts on a heap of a few MB, and the 17.6 MB text of realistic 150k pods alone passes
 * the initial limit: the parse marked and compacted at ~18 MB and ~58 MB, the build at ~250 MB. With the flag at
 * 2000 during the parse, the limit set at the parse's first mark-compact (~17 MB live) is ~360 MB, past the parse
 * and the build (peak ~320 MB): that one is the load's only mark-compact. The flag is put back to its default when
 * the parse ends, so every later limit is V8's own. Only inputs of 4–24 MB of text: a small one has little to
 * save, and a huge one would set a limit of a GB or more from a large live size (a 24 MB input: ~25 MB live at the
 * first mark-compact, a limit of ~525 MB).
 * V8's flag: `node --v8-options` (Node 20.20, V8 11.3) lists `--heap-growing-percent`.
 */
import { setFlagsFromString } from 'node:v8';

/** Inputs (total characters of text) whose parse runs with the larger factor. */
export const parseHeapRange = { min: 4_000_000, max: 24_000_000 } as const;

/** The factor during the parse: 1 + 2000 / 100 = 21. */
export const parseHeapGrowingPercent = 2000;

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
