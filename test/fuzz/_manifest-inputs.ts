/**
 * The manifest fuzzer's inputs, seeded and deterministic: mutations of the examples and fixtures, objects of every
 * kind the catalogue lists with values of every type, and YAML-level attacks (aliases, merge keys, deep nesting,
 * long sequences, control characters, collection and null keys, unknown tags and directives). `nextInput` draws one input from the generator's state; the same seed
 * always yields the same sequence.
 *
 * Attacks come in two sizes. Light ones sit at and around each limit (block nesting 499-600 levels as compact
 * sequences `- - - 1`, flow nesting up to 1,200, sequences up to 500 items): every attack input is one of these
 * unless drawn heavy. Heavy ones (block nesting up to 4,000 levels, that
 * is megabytes of indentation, and a 20,000-item sequence) cost hundreds of times more to read and are drawn for
 * one attack input in `heavyEvery`, so a long campaign still holds thousands of them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { kinds } from '../../src/model/catalogue.ts';

export type Rng = () => number;

export function rng(s: number): Rng {
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

/** Scalars that YAML, kubectl and the API server read differently, and hostile strings. */
const nasty = [
  'y',
  'no',
  'on',
  '0755',
  '0x1F',
  '-1',
  '0',
  '1e10',
  '2147483648',
  '.inf',
  '.nan',
  '~',
  'null',
  '""',
  "''",
  '{}',
  '[]',
  '[1, 2]',
  '{a: 1}',
  '*missing',
  '&a x',
  '!!binary aGk=',
  '!!str 5',
  '2001-12-14',
  '12:30',
  '"\\e[31mred\\e[0m"',
  '"a\\nb"',
  '"\\u202egnp"',
  'UPPER.Example.COM',
  '-',
  '"*.x"',
  '65536',
  '-80',
  JSON.stringify('x'.repeat(300)),
  '"web\\ttab"',
];

export function seedTexts(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      // A fixture may be a dangling symlink on purpose (testdata/invalid/input-symlink): not a seed.
      const info = statSync(path, { throwIfNoEntry: false });
      if (!info) continue;
      if (info.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(name) && info.size < 64 * 1024) out.push(readFileSync(path, 'utf8'));
    }
  };
  for (const dir of ['examples', 'testdata']) walk(dir);
  return out;
}

/** Documents per mutated input, at most: a window of consecutive documents of the seed file. */
export const windowDocs = 3;

/**
 * Up to `windowDocs` consecutive documents of a seed file (split where a line starts with `---`), so a mutated
 * input stays the size of a few objects: a 25 kB fixture mutated whole costs as much as a hundred small inputs,
 * most of it the YAML reader's error recovery, and exercises the same paths.
 */
function window(r: Rng, text: string): string {
  const docs = text.split(/^(?=---)/m);
  if (docs.length <= windowDocs) return text;
  const start = Math.floor(r() * (docs.length - windowDocs + 1));
  return docs.slice(start, start + windowDocs).join('');
}

function mutate(r: Rng, text: string): string {
  const lines = text.split('\n');
  for (let n = 1 + Math.floor(r() * 4); n > 0; n--) {
    const i = Math.floor(r() * lines.length);
    const line = lines[i] ?? '';
    switch (Math.floor(r() * 8)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, line);
        break;
      case 2: {
        // Replace a value with a nasty scalar.
        const colon = line.indexOf(': ');
        lines[i] = colon > 0 ? `${line.slice(0, colon)}: ${pick(r, nasty)}` : `${line} ${pick(r, nasty)}`;
        break;
      }
      case 3:
        lines[i] = (r() < 0.5 ? ' ' : '') + line.replace(/^ /, r() < 0.5 ? '' : '  ');
        break;
      case 4:
        lines.splice(i, 0, '---');
        break;
      case 5:
        lines[i] = line.slice(0, Math.floor(r() * line.length));
        break;
      case 6:
        lines[i] = line + String.fromCharCode(Math.floor(r() * 32), Math.floor(r() * 0x250));
        break;
      default:
        lines[i] = line.replace(/[a-z]/, (c) => c.toUpperCase());
    }
  }
  return lines.join('\n');
}

function generated(r: Rng): string {
  const k = pick(r, kinds);
  const v = () => pick(r, nasty);
  const apiVersion = k.group ? `${k.group}/${pick(r, ['v1', 'v1beta1', 'v2', 'v1alpha2'])}` : 'v1';
  return [
    `apiVersion: ${apiVersion}`,
    `kind: ${r() < 0.9 ? k.kind : k.kind.toLowerCase()}`,
    `metadata: {name: ${r() < 0.7 ? 'a' : v()}, namespace: ${r() < 0.7 ? 'default' : v()}, labels: {app: ${r() < 0.7 ? 'a' : v()}}}`,
    'spec:',
    `  replicas: ${r() < 0.5 ? 2 : v()}`,
    `  selector: ${r() < 0.5 ? '{matchLabels: {app: a}}' : v()}`,
    `  ports: ${r() < 0.5 ? '[{port: 80, targetPort: 8080}]' : `[{port: ${v()}, targetPort: ${v()}, protocol: ${v()}}]`}`,
    `  endpoints: ${v()}`,
    `  rules: ${r() < 0.5 ? '[{host: A.Example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: a, port: {number: 80}}}}]}}]' : v()}`,
    `  podSelector: ${v()}`,
    `  ingress: ${r() < 0.5 ? '[{from: [{podSelector: {}}]}]' : v()}`,
    '  template:',
    '    metadata: {labels: {app: a}}',
    `    spec: {containers: [{name: c, image: x, ports: [{containerPort: ${v()}}]}]}`,
  ].join('\n');
}

/** One attack in `heavyEvery` is drawn heavy. */
export const heavyEvery = 100;
/** Nesting depths at and around the reader's limit (500) and the old crash points (~800 flow, ~1,900 block). */
const lightDepths = [1, 2, 64, 499, 500, 501, 502, 600];

/**
 * Terminal escapes in a value, then what the yaml package would have warned about on stderr by itself: a
 * mapping and a null as keys, unknown tags and an unknown directive.
 */
const yamlOddities = [
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "c\\e]0;t\\a\\r\\n"}\n`,
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: k}\ndata:\n  ? {a: [1]}\n  : v\n  ~: n\n`,
  `%FOO bar\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: !x t, labels: !!map [a]}\n`,
];

function attack(r: Rng, heavy: boolean): string {
  const depth = heavy ? Math.floor(r() * 4000) : pick(r, lightDepths);
  switch (Math.floor(r() * 7)) {
    case 0:
      return `a: &a [1,2,3,4,5,6,7,8,9]\n${['b', 'c', 'd', 'e'].map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcde'[i]}`).join(',')}]`).join('\n')}\n`;
    case 1:
      return `kind: ConfigMap\ndata: *${pick(r, ['x', 'a', 'b'])}\n`;
    case 2:
      return `kind: ConfigMap\nmetadata:\n  <<: ${pick(r, ['y', '1', '[1]', '*a'])}\n`;
    case 3:
      // Heavy: one indented mapping per level (quadratic text); light: compact block sequences, `- - - 1`.
      return heavy
        ? Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n'
        : `a:\n${'- '.repeat(depth)}1\n`;
    case 4:
      return `a: ${'['.repeat(heavy ? depth : depth * 2)}${']'.repeat(heavy ? depth : depth * 2)}\n`;
    case 5: {
      const items = heavy ? 20_000 : 1 + Math.floor(r() * 500);
      return `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata: {x: [${Array(items).fill('1').join(',')}]}\n`;
    }
    default:
      // Chosen by the depth already drawn, so adding variants left every other attack's draw unchanged.
      return yamlOddities[depth % yamlOddities.length];
  }
}

export type InputKind = 'mutated' | 'generated' | 'attack' | 'heavy-attack';

export interface FuzzInput {
  readonly kind: InputKind;
  readonly text: string;
}

/** The next input from `r`: 60 % mutated seed windows, 25 % generated objects, 15 % attacks (1 in `heavyEvery` heavy). */
export function nextInput(r: Rng, seeds: readonly string[]): FuzzInput {
  const roll = r();
  if (roll < 0.6) return { kind: 'mutated', text: mutate(r, window(r, pick(r, seeds))) };
  if (roll < 0.85) return { kind: 'generated', text: generated(r) };
  const heavy = r() < 1 / heavyEvery;
  const text = `${attack(r, heavy)}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: after}\n`;
  return { kind: heavy ? 'heavy-attack' : 'attack', text };
}
