/**
 * The built-model cache (`--cache DIR`): the cluster built from a set of inputs, stored under the hash of
 * everything that decides it — kubetwin's build, the options that change the build, and each input's name and
 * bytes — so a second run over the same inputs skips parsing and building. Values are written with V8's
 * structured serialisation (the model is plain data: maps, arrays, strings, once `withLocatedWords` has located
 * the container words; it round-trips deep-equal) to a temporary file renamed into place, so a reader never sees
 * half a file. Anything wrong with a cached file
 * (unreadable, truncated, from another build) is a miss, never an error: the cache can always be deleted.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { Cluster, ManifestText } from '../api/index.ts';
import { withLocatedWords } from '../cluster/index.ts';

/** What, besides the inputs, changes the cluster built from them. */
export interface CacheKeyParts {
  readonly version: string;
  readonly texts: readonly ManifestText[];
  readonly profile?: ManifestText;
  readonly options: Readonly<Record<string, string | number | undefined>>;
}

/** Bumped when the stored shape changes. */
const format = 'kubetwin-model-cache/1';

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

/** The cluster stored under `key`, or undefined (no file, or one that cannot be read back). */
export async function readCachedCluster(dir: string, key: string): Promise<Cluster | undefined> {
  try {
    const value = deserialize(await readFile(pathOf(dir, key))) as { format?: string; cluster?: Cluster };
    return value.format === format && value.cluster ? value.cluster : undefined;
  } catch {
    return undefined;
  }
}

/** Stores `cluster` under `key`; returns the problem as text when the directory cannot be written. */
export async function writeCachedCluster(
  dir: string,
  key: string,
  cluster: Cluster,
): Promise<string | undefined> {
  try {
    await mkdir(dir, { recursive: true });
    const tmp = `${pathOf(dir, key)}.${process.pid}.tmp`;
    await writeFile(
      tmp,
      serialize({ format, cluster: { ...cluster, model: withLocatedWords(cluster.model) } }),
    );
    await rename(tmp, pathOf(dir, key));
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
