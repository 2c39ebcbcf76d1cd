import fc from 'fast-check';
import { parseManifests, type ManifestText, type PathSegment, type RawObject } from './index.ts';
import { parseManifestsWithPackage } from './yaml.ts';
import { readFast } from './_fast-yaml.ts';
import { documentChunks } from './_yaml-limits.ts';

// Helpers of the fast readers' equivalence tests (fast-yaml.test.ts, fast-json.test.ts): the fast path and the
// yaml package must give the same objects, positions and diagnostics.

/** Every path to a value in `body` (and one segment past each leaf, which must fall back to the leaf). */
function pathsOf(value: unknown, prefix: PathSegment[] = [], out: PathSegment[][] = []): PathSegment[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  else out.push([...prefix, 'missing']);
  return out;
}

const located = (o: RawObject) => pathsOf(o.body).map((p) => o.locate(p));

/** What both readers must agree on: diagnostics, and per object its body, source and every field's position. */
function projection(inputs: ManifestText[], read: typeof parseManifests) {
  const { objects, diagnostics } = read(inputs);
  return { diagnostics, objects: objects.map((o) => ({ body: o.body, source: o.source, at: located(o) })) };
}

/** The fast path's and the yaml package's reading of `inputs`, to be compared with deepStrictEqual. */
export function readBoth(inputs: ManifestText[]) {
  return { fast: projection(inputs, parseManifests), full: projection(inputs, parseManifestsWithPackage) };
}

/** Whether the fast path (block or JSON reader) reads every document of `text`. */
export const readsAll = (text: string): boolean =>
  documentChunks(text).every((c) => readFast(text, c.start, c.end) !== undefined);

/** Strings chosen to hit YAML's scalar and indicator rules. */
export const tricky = [
  'yes',
  'on',
  'off',
  'y',
  'n',
  'true',
  'null',
  '~',
  '',
  ' ',
  '0755',
  '0x1F',
  '0b11',
  '1e3',
  '.5',
  '.inf',
  '-1',
  '+2',
  '1_000',
  '12:30',
  '2001-12-14',
  'a: b',
  'a:b',
  'a #b',
  'a#b',
  '#x',
  '-x',
  '- x',
  '?x',
  ':x',
  'x:',
  ' lead',
  'trail ',
  '"q"',
  "'s'",
  "it's",
  'x\\y',
  '&a',
  '*a',
  '!t',
  '[a]',
  '{a}',
  'a,b',
  '<<',
  'a\tb',
  'line\nbreak',
  '%x',
  '@x',
  '`x',
  '|',
  '>',
  'app',
  'kubernetes.io/name',
  'http://x:80/p',
  '8080',
  'é',
  '---',
  '...',
];
export const key = fc.oneof(
  fc.constantFrom(...tricky.filter((t) => t !== '<<')),
  fc.string({ maxLength: 5 }),
  fc.string({ maxLength: 3, unit: 'binary' }),
);
