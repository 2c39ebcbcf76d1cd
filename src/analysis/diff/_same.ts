/**
 * Whether two values built from manifests are the same data, positions aside: plain objects and arrays compared
 * member by member (an object's keys in any order, a key whose value is undefined as absent, as JSON writes them),
 * a `source` holding a position (`SourceRef`: file, document, line, column, Helm origin, field path) skipped on
 * both sides — where a policy was read decides no verdict. Anything else that is not plain data (a Map, a class
 * instance) is the same only as the same object or the same JSON text: never equal where JSON would differ.
 * Walks the two values once instead of writing both out as text (`dirtyState` compares every NetworkPolicy).
 */
export function sameWithoutPositions(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null)
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameWithoutPositions(a[i], b[i])) return false;
    return true;
  }
  if (!plain(a) || !plain(b)) return JSON.stringify(a) === JSON.stringify(b);
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const k in x) if (!sameMember(k, x[k], y[k])) return false;
  for (const k in y) if (!(k in x) && !sameMember(k, undefined, y[k])) return false;
  return true;
}

function sameMember(key: string, v: unknown, w: unknown): boolean {
  if (key === 'source' && positionOrNone(v) && positionOrNone(w)) return true;
  if (v === undefined || w === undefined) return v === w;
  return sameWithoutPositions(v, w);
}

const plain = (o: object) => {
  const p = Object.getPrototypeOf(o);
  return p === Object.prototype || p === null;
};

const positionKeys = new Set(['file', 'doc', 'line', 'column', 'origin', 'path']);

/** Absent, or a `SourceRef` and nothing else. */
function positionOrNone(v: unknown): boolean {
  if (v === undefined) return true;
  if (typeof v !== 'object' || v === null || !plain(v)) return false;
  const r = v as Record<string, unknown>;
  for (const k in r) if (!positionKeys.has(k)) return false;
  return (
    typeof r.file === 'string' &&
    typeof r.doc === 'number' &&
    typeof r.line === 'number' &&
    typeof r.column === 'number'
  );
}
