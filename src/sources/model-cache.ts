/**
 * The built-model cache (`--cache DIR`): the cluster built from a set of inputs, stored under the hash of
 * everything that decides it — kubetwin's build, the options that change the build, and each input's name and
 * bytes — so a second run over the same inputs skips parsing and building. The model is plain data (objects,
 * arrays, strings, once `withLocatedWords` has located the container words), written in the compact form of
 * `_model-codec.ts` — a header (format, build, byte order, string and shape tables as JSON) and the tokens as
 * 32-bit integers — to a temporary file renamed into place, so a reader never sees half a file. Anything wrong
 * with a cached file (unreadable, truncated, from another build or format) is a miss, never an error: the cache
 * can always be deleted.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { endianness } from 'node:os';
import type { Cluster, ManifestText } from '../api/index.ts';
import { withLocatedWords } from '../cluster/index.ts';
import { decodeValue, encodeValue } from './_model-codec.ts';

/** What, besides the inputs, changes the cluster built from them. */
export interface CacheKeyParts {
  readonly version: string;
  readonly texts: readonly ManifestText[];
  readonly profile?: ManifestText;
  readonly options: Readonly<Record<string, string | number | undefined>>;
}

/** Bumped when the stored shape changes. */
const format = 'kubetwin-model-cache/3';

/**
 * The running build's identity: the content hash of the bundle when kubetwin runs from `dist/kubetwin.mjs`, so a
 * rebuilt kubetwin never reads a model another build wrote; from sources, the version alone.
 */
function buildId(version: string): string {
  const main = process.argv[1] ?? '';
  if (!main.endsWith('.mjs')) return version;
  try {
    return `${version}+${createHash('sha256').update(readFileSync(main)).digest('hex').slice(0, 16)}`;
  } catch {
    return version;
  }
}

/** The hex key of a set of inputs: the same inputs, options and build give the same key. */
export function cacheKey(parts: CacheKeyParts): string {
  const h = createHash('sha256');
  const field = (s: string) => h.update(`${s.length}:`).update(s);
  field(format);
  field(buildId(parts.version));
  for (const [k, v] of Object.entries(parts.options).sort(([a], [b]) => a.localeCompare(b)))
    field(`${k}=${v ?? ''}`);
  for (const t of [...(parts.profile ? [parts.profile] : []), ...parts.texts]) {
    field(t.file);
    field(t.text);
  }
  return h.digest('hex');
}

const pathOf = (dir: string, key: string) => join(dir, `${key}.model`);

interface Header {
  readonly format: string;
  /** The key the file was stored under (it hashes the build, the options and the inputs). */
  readonly key: string;
  readonly endianness: string;
  readonly strings: string[];
  readonly shapes: string[][];
  readonly doubles: number[];
  readonly tokens: number;
}

/** The cluster stored under `key`, or undefined (no file, or one that cannot be read back). */
export async function readCachedCluster(dir: string, key: string): Promise<Cluster | undefined> {
  try {
    const bytes = await readFile(pathOf(dir, key));
    const headerLength = bytes.readUInt32LE(0);
    const header = JSON.parse(bytes.toString('utf8', 4, 4 + headerLength)) as Header;
    if (header.format !== format || header.key !== key || header.endianness !== endianness())
      return undefined;
    const start = tokensAt(headerLength);
    if (bytes.length !== start + header.tokens * 4) return undefined;
    const tokens =
      (bytes.byteOffset + start) % 4 === 0
        ? new Int32Array(bytes.buffer, bytes.byteOffset + start, header.tokens)
        : new Int32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length));
    return decodeValue({ ...header, tokens }) as Cluster;
  } catch {
    return undefined;
  }
}

/** The tokens start after the 4-byte length and the header, at a multiple of 4. */
const tokensAt = (headerLength: number) => 4 + Math.ceil(headerLength / 4) * 4;

/** Makes the cache directory; returns the problem as text when it cannot be made. */
export async function makeCacheDir(dir: string): Promise<string | undefined> {
  try {
    await mkdir(dir, { recursive: true });
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * Stores `cluster` under `key`; returns the problem as text when it cannot be stored. The file is written under a
 * temporary name and renamed into place, so a run stopped while storing leaves no file that reads as a hit.
 */
export async function writeCachedCluster(
  dir: string,
  key: string,
  cluster: Cluster,
): Promise<string | undefined> {
  const tmp = `${pathOf(dir, key)}.${process.pid}.tmp`;
  try {
    const encoded = encodeValue({ ...cluster, model: withLocatedWords(cluster.model) });
    const header: Header = {
      format,
      key,
      endianness: endianness(),
      strings: encoded.strings,
      shapes: encoded.shapes,
      doubles: encoded.doubles,
      tokens: encoded.tokens.length,
    };
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const head = Buffer.alloc(tokensAt(json.length));
    head.writeUInt32LE(json.length, 0);
    json.copy(head, 4);
    const body = Buffer.from(encoded.tokens.buffer, encoded.tokens.byteOffset, encoded.tokens.byteLength);
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, Buffer.concat([head, body]));
    await rename(tmp, pathOf(dir, key));
    return undefined;
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    return e instanceof Error ? e.message : String(e);
  }
}
