import { editDistance } from '../model/schema.ts';
import { formatPath, type PathSegment } from '../parse/index.ts';
import { FieldReader } from './_fields.ts';

/**
 * A FieldReader that remembers every path it was asked for, so that what nothing read can be named afterwards:
 * a kubetwin-own object (the ClusterProfile) has no API schema to check against, and its reader is the schema.
 */
export class ReadTrackingFieldReader extends FieldReader {
  /** Paths read whole (a value, or a map taken as it is): everything under them counts as read. */
  private readonly read: (readonly PathSegment[])[] = [];
  /** Lists read for their items: only the items' own reads count. */
  private readonly lists: (readonly PathSegment[])[] = [];

  override get(path: readonly PathSegment[]): unknown {
    this.read.push(path);
    return super.get(path);
  }

  override list(path: readonly PathSegment[]): unknown[] {
    const items = super.list(path);
    this.read.splice(this.read.lastIndexOf(path), 1);
    this.lists.push(path);
    return items;
  }

  /**
   * The topmost fields of the object that no read reached (neither the field, an ancestor of it, nor a
   * descendant), each with the read sibling it resembles (case or two edits apart), in document order.
   * `skip` names top-level keys that are read elsewhere (apiVersion, kind, metadata).
   */
  unread(skip: readonly string[]): { path: PathSegment[]; near?: string }[] {
    const out: { path: PathSegment[]; near?: string }[] = [];
    const walk = (value: unknown, path: PathSegment[]) => {
      if (value === null || typeof value !== 'object') return;
      const keys: PathSegment[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
      for (const key of keys) {
        const here = [...path, key];
        if (path.length === 0 && skip.includes(String(key))) continue;
        if (this.read.some((r) => startsWith(here, r))) continue;
        if (this.read.some((r) => startsWith(r, here)) || this.lists.some((r) => startsWith(r, here))) {
          walk((value as Record<string | number, unknown>)[key as string], here);
          continue;
        }
        out.push({ path: here, near: this.nearSibling(here) });
      }
    };
    walk(this.raw.body, []);
    return out;
  }

  private nearSibling(path: readonly PathSegment[]): string | undefined {
    const key = String(path[path.length - 1]).toLowerCase();
    const parent = path.slice(0, -1);
    const siblings = new Set(
      this.read
        .filter((r) => r.length === path.length && startsWith(r, parent))
        .map((r) => String(r[r.length - 1])),
    );
    return [...siblings]
      .filter((s) => editDistance(s.toLowerCase(), key) <= 2)
      .sort(
        (a, b) => editDistance(a.toLowerCase(), key) - editDistance(b.toLowerCase(), key) || (a < b ? -1 : 1),
      )
      .map((s) => formatPath([...parent, s]))[0];
  }
}

/** Does `path` start with `prefix` (segment by segment; list indexes compare as numbers)? */
function startsWith(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  if (prefix.length > path.length) return false;
  for (let i = 0; i < prefix.length; i++) if (path[i] !== prefix[i]) return false;
  return true;
}
