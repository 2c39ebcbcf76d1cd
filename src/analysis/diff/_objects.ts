import { formatSource } from '../../model/diagnostic.ts';
import { kinds, kindSupport } from '../../model/catalogue.ts';
import { byString, objectKey } from '../../model/keys.ts';
import { formatPath, type PathSegment, type RawObject } from '../../parse/index.ts';
import type { FieldChange, ObjectChange } from './types.ts';
import { listGaps } from './_list-align.ts';

const range = (from: number, n: number) => Array.from({ length: n }, (_, k) => from + k);

/** Bookkeeping fields the API server writes: a change in them changes nothing in the network. */
const ignoredMeta = new Set(['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp']);
const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

interface Keyed {
  readonly key: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly raw: RawObject;
}

/**
 * The canonical key the builder gives a raw object (`src/cluster/_envelope.ts`): namespaced kinds default to
 * `defaultNamespace`; kinds kubetwin does not list are keyed with their group, as kubectl names them.
 */
export function keyOf(raw: RawObject, defaultNamespace: string): Keyed | undefined {
  const b = raw.body;
  const meta = (b.metadata ?? {}) as Record<string, unknown>;
  if (typeof b.kind !== 'string' || typeof meta.name !== 'string') return undefined;
  const apiVersion = typeof b.apiVersion === 'string' ? b.apiVersion : '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const support = kindSupport(b.kind, group);
  const namespaced = support ? support.namespaced : typeof meta.namespace === 'string';
  const namespace = namespaced
    ? typeof meta.namespace === 'string' && meta.namespace
      ? meta.namespace
      : defaultNamespace
    : undefined;
  const listed = kinds.some((k) => k.kind === b.kind && k.group === group);
  // kubetwin's own ClusterProfile keeps its plain kind: the layers name it so.
  const kind = listed || !group || group === 'kubetwin.dev' ? b.kind : `${b.kind}.${group}`;
  return { key: objectKey(kind, namespace, meta.name), kind, namespace, name: meta.name, raw };
}

function index(raws: readonly RawObject[], ns: string): Map<string, Keyed> {
  const out = new Map<string, Keyed>();
  // A later declaration of the same key replaces an earlier one, as the builder does.
  for (const r of raws) {
    const k = keyOf(r, ns);
    if (k) out.set(k.key, k);
  }
  return out;
}

const at = (r: RawObject, path: readonly PathSegment[]) => formatSource(r.locate(path));
const json = (v: unknown) => JSON.stringify(v);

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The deepest paths where two values part: a map key present on one side only stops the walk; lists are aligned
 * first (`listGaps`), so an element removed or added is one change at its index and the rest stay matched.
 */
function walk(
  a: unknown,
  b: unknown,
  path: PathSegment[],
  ra: RawObject,
  rb: RawObject,
  out: FieldChange[],
): void {
  // The same value (an unchanged body shared by both sides) needs no writing out.
  if (a === b || json(a) === json(b)) return;
  const skip = (k: string) =>
    (path.length === 1 && path[0] === 'metadata' && ignoredMeta.has(k)) ||
    (path.length === 2 && path[1] === 'annotations' && k === lastApplied);
  if (isPlain(a) && isPlain(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !skip(k)).sort(byString);
    for (const k of keys) walk(a[k], b[k], [...path, k], ra, rb, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (const gap of listGaps(a, b)) {
      // An element changed in place (as many out as in, at the same index on both sides): its own fields.
      if (gap.removed === gap.added && gap.before === gap.after) {
        for (let i = gap.before; i < gap.before + gap.removed; i++)
          walk(a[i], b[i], [...path, i], ra, rb, out);
        continue;
      }
      // Otherwise whole elements left or came: each at its own index, ordered by index then value on both sides.
      const ends = [
        ...range(gap.before, gap.removed).map((i) => ({ i, before: a[i], after: undefined as unknown })),
        ...range(gap.after, gap.added).map((i) => ({ i, before: undefined as unknown, after: b[i] })),
      ].sort((x, y) => x.i - y.i || byString(json(x.before ?? x.after), json(y.before ?? y.after)));
      for (const e of ends) walk(e.before, e.after, [...path, e.i], ra, rb, out);
    }
    return;
  }
  const p = formatPath(path);
  out.push({
    path: p,
    ...(a === undefined ? {} : { before: json(a), beforeAt: at(ra, path) }),
    ...(b === undefined ? {} : { after: json(b), afterAt: at(rb, path) }),
  });
}

/**
 * A Secret's values never leave the process (a diff is posted as a pull-request comment, and the UI serves it):
 * a change under `data` or `stringData` says where, not what.
 */
function redacted(f: FieldChange): FieldChange {
  if (!/^(data|stringData)(\.|\[|$)/.test(f.path)) return f;
  return {
    ...f,
    ...(f.before === undefined ? {} : { before: '(redacted)' }),
    ...(f.after === undefined ? {} : { after: '(redacted)' }),
  };
}

/** `status` is what a cluster reports, not what a pull request changes — except for the kinds built from it. */
const statusKinds = new Set(['Pod', 'Node', 'EndpointSlice', 'Service']);

/**
 * Object-level diff of the raw objects of two inputs, by canonical key, with each changed field located on both
 * sides. Sorted by key; fields by path.
 */
export function diffObjects(
  before: readonly RawObject[],
  after: readonly RawObject[],
  defaultNamespace = 'default',
): ObjectChange[] {
  const a = index(before, defaultNamespace);
  const b = index(after, defaultNamespace);
  const out: ObjectChange[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort(byString)) {
    const x = a.get(key);
    const y = b.get(key);
    const base = (x ?? y)!;
    const head = { key, kind: base.kind, namespace: base.namespace, name: base.name };
    if (!x) out.push({ ...head, change: 'added', fields: [], afterAt: formatSource(y!.raw.source) });
    else if (!y) out.push({ ...head, change: 'removed', fields: [], beforeAt: formatSource(x.raw.source) });
    // One body on both sides (a file the other side holds byte for byte is parsed once): nothing can differ.
    else if (x.raw.body === y.raw.body) continue;
    else {
      const fields: FieldChange[] = [];
      const strip = (body: Record<string, unknown>) =>
        statusKinds.has(base.kind) ? body : { ...body, status: undefined };
      walk(strip(x.raw.body), strip(y.raw.body), [], x.raw, y.raw, fields);
      if (fields.length)
        out.push({
          ...head,
          change: 'modified',
          fields: base.kind === 'Secret' ? fields.map(redacted) : fields,
          beforeAt: formatSource(x.raw.source),
          afterAt: formatSource(y.raw.source),
        });
    }
  }
  return out;
}
