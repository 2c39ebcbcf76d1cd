/**
 * Values built from raw objects, moved to other file names: every position (`SourceRef`: a plain object with a
 * string `file` and a numeric `line`) whose file `files` renames is copied with the new name; everything else is
 * kept, and a value holding no moved position is returned as it is (so shared parts stay shared).
 */
export type FileRenames = ReadonlyMap<string, string>;

export function moved<T>(value: T, files: FileRenames, seen = new Map<object, unknown>()): T {
  if (![...files].some(([from, to]) => from !== to)) return value;
  return walk(value, files, seen) as T;
}

function walk(v: unknown, files: FileRenames, seen: Map<object, unknown>): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const done = seen.get(v);
  if (done !== undefined) return done;
  let out: unknown = v;
  if (Array.isArray(v)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const w = walk(v[i], files, seen);
      if (w !== v[i]) (copy ??= v.slice())[i] = w;
    }
    out = copy ?? v;
  } else if (isPlain(v)) {
    const r = v as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    const to = typeof r.file === 'string' && typeof r.line === 'number' ? files.get(r.file) : undefined;
    if (to !== undefined && to !== r.file) copy = { ...r, file: to };
    for (const k in r) {
      if (k === 'file') continue;
      const w = walk(r[k], files, seen);
      if (w !== r[k]) (copy ??= { ...r })[k] = w;
    }
    out = copy ?? v;
  }
  // Maps, sets and class instances are kept as they are: the builder puts no position in them.
  seen.set(v, out);
  return out;
}

/**
 * Whether `b` is `a` with files renamed consistently with `files` (extended with the renamings found): equal
 * plain data, except that the `file` of a position may be another name, the same other name wherever it appears.
 */
export function alikeUpToFiles(a: unknown, b: unknown, files: Map<string, string>): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null)
    return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => alikeUpToFiles(x, b[i], files));
  }
  if (!isPlain(a) || !isPlain(b)) return false; // a Map or a class instance: alike only as the same object
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const kx = Object.keys(x);
  if (kx.length !== Object.keys(y).length) return false;
  if (typeof x.file === 'string' && typeof y.file === 'string' && typeof x.line === 'number') {
    const to = files.get(x.file);
    if (to === undefined) files.set(x.file, y.file);
    else if (to !== y.file) return false;
  } else if (x.file !== y.file) return false;
  return kx.every((k) => k === 'file' || (k in y && alikeUpToFiles(x[k], y[k], files)));
}

function isPlain(o: object): boolean {
  const p = Object.getPrototypeOf(o);
  return p === Object.prototype || p === null;
}
