/**
 * A larger V8 heap growing factor while a large input is parsed, so the parse's old generation grows in one step
 * instead of being marked and compacted on the way (design note 0006, Decision 19).
 *
 * V8 sets the old generation's next limit after each mark-compact as the live size times a growing factor
 * (`--heap-growing-percent`: factor 1 + percent / 100; 0, the default, lets V8 pick from its GC and mutator speeds,
 * at most 4). A first load starts on a heap of a few MB, and the parse of the 17.6 MB text of realistic 150k pods
 * passes the initial limits early (the text and the position table are external memory): V8 marked and compacted at
 * ~18 MB and ~58 MB during the parse and at ~250 MB in the build. With the factor raised for the parse, the limit set
 * at the parse's first mark-compact is past the parse and the build, so that one is the load's only mark-compact.
 * The factor is chosen for a limit of ~24 bytes of heap a character of input (the load of realistic 150k peaks at
 * ~18: ~320 MB) from the heap in use when the parse starts (10–25 MB: it depends on what the process loaded
 * before), within 2× to 51×. The flag is put back to its default when the parse ends, so every later limit is V8's
 * own. Only inputs of 4–24 MB of text: a small one has little to save, and a huge one would aim past 576 MB.
 * V8's flag: `node --v8-options` (Node 20.20, V8 11.3) lists `--heap-growing-percent`.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';

/** Inputs (total characters of text) whose parse runs with the larger factor. */
export const parseHeapRange = { min: 4_000_000, max: 24_000_000 } as const;

/** The heap limit the parse aims its first mark-compact at, in bytes a character of input. */
export const parseHeapBytesPerChar = 24;

/** The `--heap-growing-percent` for the parse of `chars` characters with `heapUsed` bytes in use: 100–5000. */
export function parseHeapPercent(chars: number, heapUsed: number): number {
  const factor = (parseHeapBytesPerChar * chars) / Math.max(heapUsed, 1);
  return Math.min(5000, Math.max(100, Math.round((factor - 1) * 100)));
}

export interface ParseHeapOptions {
  /** node's own arguments: when they set the flag, the user chose it and it is left alone. */
  readonly execArgv?: readonly string[];
  /** Sets V8 flags (tests pass a recorder). */
  readonly setFlags?: (flags: string) => void;
  /** The heap in use, in bytes (tests pass a constant). */
  readonly heapUsed?: () => number;
}

/** Runs `parse` with V8's heap growing factor raised when the input is `chars` long within `parseHeapRange`. */
export function withParseHeap<T>(chars: number, parse: () => T, options: ParseHeapOptions = {}): T {
  const execArgv = options.execArgv ?? process.execArgv;
  const setFlags = options.setFlags ?? setFlagsFromString;
  const chosen = execArgv.some((a) => /^--heap[-_]growing[-_]percent\b/.test(a));
  if (chosen || chars < parseHeapRange.min || chars > parseHeapRange.max) return parse();
  const heapUsed = options.heapUsed ?? (() => getHeapStatistics().used_heap_size);
  setFlags(`--heap-growing-percent=${parseHeapPercent(chars, heapUsed())}`);
  try {
    return parse();
  } finally {
    setFlags('--heap-growing-percent=0');
  }
}
