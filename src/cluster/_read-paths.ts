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
    // The read paths as a trie, built once: a walk step is one lookup, not a scan of every read (a profile that
    // lists 1,500 nodes was read through ~9,000 paths, and scanning them per field took 0.4 s).
    const root = readTrie();
    for (const r of this.read) nodeAt(root, r).whole = true;
    for (const r of this.lists) nodeAt(root, r);
    const walk = (value: unknown, path: PathSegment[], node: ReadTrie) => {
      if (value === null || typeof value !== 'object') return;
      const keys: PathSegment[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
      for (const key of keys) {
        const here = [...path, key];
        if (path.length === 0 && skip.includes(String(key))) continue;
        const child = node.children.get(key);
        // Read whole (this field or, through `node`, an ancestor): everything under it counts as read.
        if (child?.whole) continue;
        // A descendant was read, or the field is a list read for its items: its own fields are checked.
        if (child) {
          walk((value as Record<string | number, unknown>)[key as string], here, child);
          continue;
        }
        out.push({ path: here, near: this.nearSibling(here) });
      }
    };
    if (!root.whole) walk(this.raw.body, [], root);
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

/** Read paths by segment; `whole` marks a path read as a value (everything under it counts as read). */
interface ReadTrie {
  whole: boolean;
  readonly children: Map<PathSegment, ReadTrie>;
}

const readTrie = (): ReadTrie => ({ whole: false, children: new Map() });

/** The node of `path` under `root`, made where missing. */
function nodeAt(root: ReadTrie, path: readonly PathSegment[]): ReadTrie {
  let node = root;
  for (const seg of path) {
    let next = node.children.get(seg);
    if (!next) node.children.set(seg, (next = readTrie()));
    node = next;
  }
  return node;
}
