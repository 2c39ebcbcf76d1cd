/**
 * The serving process's input: on its standard input, one line per load, the path of a file the builder wrote
 * (see _dns-loader.ts), or with `--watch` a `delta:` line (`encodeDelta`) that updates the zone in place: a 4-octet length, the v8-serialized DNS data, then the compiled zone (`AnswerTable.toBytes`).
 * The two parts are read into two allocations of their exact sizes — the zone's is kept as it is, the data's is
 * given back once decoded — and the file is removed once read. Kept apart so the serving process loads nothing of
 * the builder.
 */
import { closeSync, openSync, readSync, fstatSync, rmSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import type { DnsData } from '../analysis/dns/index.ts';
import type { ZoneDelta } from '../servers/dns-server/_zone-update.ts';

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
  onDelta?: (delta: ZoneDelta) => void,
): void {
  let text = '';
  input.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    let nl: number;
    while ((nl = text.indexOf('\n')) >= 0) {
      const file = text.slice(0, nl);
      text = text.slice(nl + 1);
      if (!file) continue;
      if (file.startsWith(deltaPrefix)) {
        let delta: ZoneDelta;
        try {
          delta = decodeDelta(file);
        } catch (err) {
          onError(err instanceof Error ? err.message : String(err));
          continue;
        }
        onDelta?.(delta);
        continue;
      }
      let d: ServingData;
      try {
        d = readServingFile(file);
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

const deltaPrefix = 'delta:';

/**
 * One update of the zone in place (`--watch`, servers/dns-server/_zone-update.ts) as a line: `delta:` and the
 * v8-serialized `ZoneDelta` in base64 (no newline inside). Paths never start with `delta:` (the launcher writes
 * them under a temporary directory).
 */
export function encodeDelta(delta: ZoneDelta): string {
  return `${deltaPrefix}${serialize(delta).toString('base64')}\n`;
}

function decodeDelta(line: string): ZoneDelta {
  return deserialize(Buffer.from(line.slice(deltaPrefix.length), 'base64')) as ZoneDelta;
}

/** The file's parts, in order: the data's length, the serialized data, the compiled zone. */
export function servingFileParts(data: Uint8Array, table: Uint8Array): Uint8Array[] {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.byteLength, 0);
  return [length, data, table];
}

function readServingFile(file: string): ServingData {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const read = (length: number, position: number) => {
      const b = Buffer.allocUnsafeSlow(length);
      for (let at = 0; at < length;) {
        const n = readSync(fd, b, at, length - at, position + at);
        if (n === 0) throw new Error(`${file} is shorter than it says`);
        at += n;
      }
      return b;
    };
    const dataLength = read(4, 0).readUInt32BE(0);
    if (4 + dataLength > size) throw new Error(`${file} is shorter than it says`);
    const data = deserialize(read(dataLength, 4)) as DnsData;
    return { data, table: read(size - 4 - dataLength, 4 + dataLength) };
  } finally {
    closeSync(fd);
  }
}
