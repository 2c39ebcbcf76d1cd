/**
 * A compact, lossless encoding of plain data (the built model) for the model cache: one string table, one table
 * of object shapes (key lists) and one `Int32Array` of tokens, instead of V8's structured serialisation, which
 * writes every string occurrence and every key of every object again (123 MB for the 150k-pod model, read back in
 * ~1.6 s CPU; design note 0006, Decision 10).
 *
 * A token is `payload << 4 | tag`. Objects and arrays met more than once are written once and referenced after,
 * so values the model shares (a workload's labels, its pods' ports) stay shared when read back, as they do with
 * structured cloning. Key order, `undefined` values, `-0`, `NaN` and the infinities round-trip. Anything else
 * (functions, Maps, class instances, symbols, bigints, sparse arrays) is refused with an error naming its path:
 * the caller stores nothing rather than a different model.
 */

const enum Tag {
  Undefined = 0,
  Null = 1,
  False = 2,
  True = 3,
  /** An integer that fits the payload (28 bits, signed). */
  Int = 4,
  /** `doubles[payload]`: a finite number that is not a small integer (or is -0: `Special`). */
  Double = 5,
  String = 6,
  /** An array of `payload` items, which follow. */
  Array = 7,
  /** An object of shape `payload`, its values following in the shape's key order. */
  Object = 8,
  /** The shared object or array numbered `payload` (in order of appearance), met before. */
  Ref = 9,
  /** `specials[payload]`. */
  Special = 10,
  /** As `Array`, for an array met more than once: numbered, for the `Ref`s to it that follow. */
  SharedArray = 11,
  /** As `Object`, for an object met more than once: numbered, for the `Ref`s to it that follow. */
  SharedObject = 12,
}

const specials = [-0, NaN, Infinity, -Infinity];
const maxPayload = 2 ** 27 - 1;
const minPayload = -(2 ** 27);

/** What `encodeValue` makes: the tables are JSON-able, the tokens a typed array. */
export interface EncodedValue {
  readonly strings: string[];
  readonly shapes: string[][];
  readonly doubles: number[];
  readonly tokens: Int32Array;
}

class Tokens {
  buf = new Int32Array(1 << 16);
  length = 0;
  push(tag: Tag, payload: number): void {
    if (payload > maxPayload)
      throw new Error(`model cache: ${payload} entries are more than the format holds`);
    if (this.length === this.buf.length) {
      const grown = new Int32Array(this.buf.length * 2);
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf[this.length++] = (payload << 4) | tag;
  }
}

/** An object made by a literal: read back as one (class instances and null-prototype objects would not be). */
const isPlainObject = (v: object) => Object.getPrototypeOf(v) === Object.prototype;

/**
 * An enumerable symbol-keyed property is data the tables cannot hold. A non-enumerable one is left out, as
 * `Object.keys` leaves out non-enumerable string keys: it is bookkeeping a reader keeps on the model, such as the
 * policy engine's class mark on each pod (src/analysis/policy/_pod-slots.ts), which the model cache may store
 * after a command has built an engine over it (design note 0006, Decision 12).
 */
const hasEnumerableSymbol = (v: object) =>
  Object.getOwnPropertySymbols(v).some((s) => Object.prototype.propertyIsEnumerable.call(v, s));

/** Shape ids by key list, through a trie of keys (no string made per object). */
class ShapeTable {
  readonly shapes: string[][] = [];
  private readonly root: ShapeNode = { next: new Map() };
  id(keys: string[]): number {
    let node = this.root;
    for (const k of keys) {
      let child = node.next.get(k);
      if (!child) node.next.set(k, (child = { next: new Map() }));
      node = child;
    }
    return (node.id ??= this.shapes.push(keys) - 1);
  }
}
interface ShapeNode {
  readonly next: Map<string, ShapeNode>;
  id?: number;
}

/**
 * The objects and arrays met more than once walking `root` (one met again is not walked again). Only these are
 * numbered: the reader then keeps a table of the shared values alone, not of every object it makes (design note
 * 0006, Decision 12).
 */
function sharedValues(root: unknown): Set<object> {
  const met = new Set<object>();
  const shared = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (met.has(v)) {
      shared.add(v);
      continue;
    }
    met.add(v);
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) stack.push(v[i]);
    else for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
  }
  return shared;
}

/**
 * Encodes `root` (plain objects, arrays, strings, numbers, booleans, null, undefined): every object and array met
 * more than once is numbered as it is first met, and met again it is written as a reference to that number.
 */
export function encodeValue(root: unknown): EncodedValue {
  const shared = sharedValues(root);
  const strings: string[] = [];
  const stringIds = new Map<string, number>();
  const shapes = new ShapeTable();
  const doubles: number[] = [];
  // Each object's number; while its own values are written, the number's complement: met then, it is a cycle,
  // which reading back could not rebuild.
  const ids = new Map<object, number>();
  const out = new Tokens();
  const path: (string | number)[] = [];
  const refuse = (what: string): never => {
    const at = path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');
    throw new Error(`model cache: $${at} ${what}`);
  };
  const stringId = (s: string) => {
    let id = stringIds.get(s);
    if (id === undefined) stringIds.set(s, (id = strings.push(s) - 1));
    return id;
  };
  const number = (n: number) => {
    if (Number.isInteger(n) && n >= minPayload && n <= maxPayload && !Object.is(n, -0))
      return out.push(Tag.Int, n);
    const special = specials.findIndex((s) => Object.is(s, n));
    if (special >= 0) out.push(Tag.Special, special);
    else out.push(Tag.Double, doubles.push(n) - 1);
  };
  const write = (v: unknown): void => {
    if (v === undefined) return out.push(Tag.Undefined, 0);
    if (v === null) return out.push(Tag.Null, 0);
    if (typeof v === 'string') return out.push(Tag.String, stringId(v));
    if (typeof v === 'number') return number(v);
    if (typeof v === 'boolean') return out.push(v ? Tag.True : Tag.False, 0);
    if (typeof v !== 'object') return refuse(`is a ${typeof v}`);
    const id = ids.get(v);
    if (id !== undefined) return id < 0 ? refuse('holds itself') : out.push(Tag.Ref, id);
    // A value met twice is shared, a cycle included: `~mine` marks it as being written.
    const numbered = shared.has(v);
    const mine = ids.size;
    if (numbered) ids.set(v, ~mine);
    if (Array.isArray(v)) {
      out.push(numbered ? Tag.SharedArray : Tag.Array, v.length);
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        if (!(i in v)) refuse('is a hole');
        write(v[i]);
        path.pop();
      }
    } else {
      if (!isPlainObject(v) || hasEnumerableSymbol(v)) refuse('is not plain data');
      const keys = Object.keys(v);
      out.push(numbered ? Tag.SharedObject : Tag.Object, shapes.id(keys));
      for (const k of keys) {
        path.push(k);
        write((v as Record<string, unknown>)[k]);
        path.pop();
      }
    }
    if (numbered) ids.set(v, mine);
  };
  write(root);
  return { strings, shapes: shapes.shapes, doubles, tokens: out.buf.subarray(0, out.length) };
}

/**
 * Makes an object of one shape from the values `next` reads in key order: an object literal per shape, so each
 * object is made at its final size with its final hidden class (adding keys one by one to `{}` costs ~3× the
 * time and leaves objects larger). Keys are written as JSON string literals, `__proto__` as a computed key (a
 * literal `"__proto__":` would set the prototype instead of an own property).
 */
function shapeFactory(keys: readonly string[]): (next: () => unknown) => Record<string, unknown> {
  const fields = keys.map(
    (k) => `${k === '__proto__' ? `[${JSON.stringify(k)}]` : JSON.stringify(k)}: next()`,
  );
  return new Function('next', `return { ${fields.join(', ')} };`) as (
    next: () => unknown,
  ) => Record<string, unknown>;
}

/** The value `encodeValue` encoded; throws on tokens it did not write. */
export function decodeValue(encoded: EncodedValue): unknown {
  const { strings, shapes, doubles, tokens } = encoded;
  const factories = shapes.map(shapeFactory);
  // Every shared object and array in order of appearance; `placeholder` until its values are read.
  const refs: object[] = [];
  const placeholder = {};
  let at = 0;
  const inRange = (i: number, list: { length: number }) => {
    if (i < 0 || i >= list.length) throw new Error(`model cache: index ${i} out of range`);
    return i;
  };
  const read = (): unknown => {
    if (at >= tokens.length) throw new Error('model cache: truncated');
    const token = tokens[at++];
    const payload = token >> 4;
    switch ((token & 15) as Tag) {
      case Tag.Undefined:
        return undefined;
      case Tag.Null:
        return null;
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.Int:
        return payload;
      case Tag.Double:
        return doubles[inRange(payload, doubles)];
      case Tag.Special:
        return specials[inRange(payload, specials)];
      case Tag.String:
        return strings[inRange(payload, strings)];
      case Tag.Ref: {
        const ref = refs[inRange(payload, refs)];
        if (ref === placeholder) throw new Error('model cache: a value holds itself');
        return ref;
      }
      case Tag.Array:
        return readArray(payload);
      case Tag.Object:
        return factories[inRange(payload, factories)](read);
      case Tag.SharedArray: {
        // Numbered before its items, as the encoder numbers it before writing them.
        const slot = refs.push(placeholder) - 1;
        return (refs[slot] = readArray(payload));
      }
      case Tag.SharedObject: {
        const make = factories[inRange(payload, factories)];
        const slot = refs.push(placeholder) - 1;
        return (refs[slot] = make(read));
      }
      default:
        throw new Error(`model cache: unknown token ${token}`);
    }
  };
  // Sized once: `[]` grown by `push` reserves 17 slots for the first item (most of the model's arrays hold one).
  const readArray = (length: number) => {
    if (length > tokens.length - at) throw new Error('model cache: truncated');
    const a = new Array<unknown>(length);
    for (let i = 0; i < length; i++) a[i] = read();
    return a;
  };
  const value = read();
  if (at !== tokens.length) throw new Error('model cache: tokens left over');
  return value;
}
