/**
 * A seeded, bounded manifest fuzzer: inputs made by mutating the examples and fixtures, by generating objects of
 * every kind the catalogue lists with values of every type, and by YAML-level attacks (aliases, merge keys, deep
 * nesting, long sequences, control characters). Each input goes through the CLI in process (`doctor` and
 * `get all -A -o json` over stdin); the only acceptable outcomes are exit 0, 1 or 2 within the time bound. An
 * exit 3 (a thrown error) or a hang is a kubetwin bug, reported with the seed and index that replay it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../src/cli/program.ts';
import { kinds } from '../../src/model/catalogue.ts';

export interface FuzzOptions {
  readonly seed: number;
  /** Stop after this many inputs or this much time, whichever comes first. */
  readonly maxInputs: number;
  readonly budgetMs: number;
  /** An input taking longer than this is a hang. */
  readonly hangMs?: number;
}

export interface FuzzFailure {
  readonly index: number;
  readonly command: string;
  readonly problem: string;
  readonly input: string;
}

export interface FuzzReport {
  readonly seed: number;
  readonly inputs: number;
  readonly runs: number;
  readonly exits: Record<number, number>;
  readonly slowestMs: number;
  readonly failures: FuzzFailure[];
}

type Rng = () => number;

function rng(s: number): Rng {
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

function seedTexts(): string[] {
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

function attack(r: Rng): string {
  const depth = Math.floor(r() * 4000);
  switch (Math.floor(r() * 7)) {
    case 0:
      return `a: &a [1,2,3,4,5,6,7,8,9]\n${['b', 'c', 'd', 'e'].map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcde'[i]}`).join(',')}]`).join('\n')}\n`;
    case 1:
      return `kind: ConfigMap\ndata: *${pick(r, ['x', 'a', 'b'])}\n`;
    case 2:
      return `kind: ConfigMap\nmetadata:\n  <<: ${pick(r, ['y', '1', '[1]', '*a'])}\n`;
    case 3:
      return Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n';
    case 4:
      return `a: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
    case 5:
      return `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata: {x: [${Array(20_000).fill('1').join(',')}]}\n`;
    default:
      return `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "c\\e]0;t\\a\\r\\n"}\n`;
  }
}

const commands: readonly string[][] = [['doctor'], ['get', 'all', '-A', '-o', 'json']];

/** Runs the fuzzer; never throws for a kubetwin bug, it reports it. */
export async function fuzzManifests(o: FuzzOptions): Promise<FuzzReport> {
  const r = rng(o.seed);
  const seeds = seedTexts();
  const started = Date.now();
  const exits: Record<number, number> = {};
  const failures: FuzzFailure[] = [];
  let inputs = 0;
  let runs = 0;
  let slowestMs = 0;
  const hangMs = o.hangMs ?? 10_000;
  while (inputs < o.maxInputs && Date.now() - started < o.budgetMs) {
    const index = inputs++;
    const roll = r();
    const input =
      roll < 0.6
        ? mutate(r, pick(r, seeds))
        : roll < 0.85
          ? generated(r)
          : `${attack(r)}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: after}\n`;
    for (const command of commands) {
      const t0 = Date.now();
      let code: number;
      try {
        code = await run([...command, '-f', '-'], {
          stdout: () => undefined,
          stderr: () => undefined,
          readStdin: async () => input,
        });
      } catch (e) {
        code = 3;
        failures.push({ index, command: command.join(' '), problem: `threw: ${String(e)}`, input });
      }
      const ms = Date.now() - t0;
      runs++;
      slowestMs = Math.max(slowestMs, ms);
      exits[code] = (exits[code] ?? 0) + 1;
      if (ms > hangMs) failures.push({ index, command: command.join(' '), problem: `took ${ms} ms`, input });
      else if (code !== 0 && code !== 1 && code !== 2 && code !== 3)
        failures.push({ index, command: command.join(' '), problem: `exit ${code}`, input });
    }
  }
  return { seed: o.seed, inputs, runs, exits, slowestMs, failures };
}
