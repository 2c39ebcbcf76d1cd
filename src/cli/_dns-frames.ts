/**
 * The serving process's input: on its standard input, one line per load, the path of a file holding the
 * v8-serialized `ServingData` the builder wrote (see _dns-loader.ts). The file is read in one piece (one
 * allocation of its exact size, given back whole when the data is replaced) and removed once read. Kept apart so
 * the serving process loads nothing of the builder.
 */
import { readFileSync, rmSync } from 'node:fs';
import { deserialize } from 'node:v8';
import type { DnsData } from '../analysis/dns/index.ts';

/** What the serving process receives: the DNS data and the zone's answers compiled (`AnswerTable.toBytes`). */
export interface ServingData {
  readonly data: DnsData;
  readonly table: Uint8Array;
}

/**
 * Reads load lines from `input` (the serving process's standard input) and calls `onData` with each file's data; a
 * file that cannot be read or does not decode is reported through `onError` and skipped.
 */
export function readServingData(
  input: NodeJS.ReadableStream,
  onData: (d: ServingData) => void,
  onError: (why: string) => void,
): void {
  let text = '';
  input.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    let nl: number;
    while ((nl = text.indexOf('\n')) >= 0) {
      const file = text.slice(0, nl);
      text = text.slice(nl + 1);
      if (!file) continue;
      let d: ServingData;
      try {
        d = deserialize(readFileSync(file)) as ServingData;
      } catch (err) {
        onError(err instanceof Error ? err.message : String(err));
        continue;
      } finally {
        rmSync(file, { force: true });
      }
      onData(d);
    }
  });
}
