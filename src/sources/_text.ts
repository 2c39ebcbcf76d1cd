import { isAscii } from 'node:buffer';

/**
 * A file's bytes as UTF-8 text, as `readFileSync(file, 'utf8')` gives it. Manifests are nearly always plain
 * ASCII, where every byte is its own character: then the bytes are copied as Latin-1 (a one-byte string, no
 * decoding), which gives the same string at about half the cost of Node 20's UTF-8 decoder (17.6 MB: ~22 vs
 * ~40 ms CPU, design note 0006, Decision 16). Any other byte (a byte-order mark, a non-ASCII label value, an
 * invalid sequence) goes through the UTF-8 decoder, replacement characters included. The `Buffer` counts as V8
 * external memory until collected, which starts one early mark-compact on a large file; measured at 150k pods,
 * that lowered the load's peak RSS (428–489 against 496–500 MB), so it is kept for that too.
 */
export function utf8Text(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}
