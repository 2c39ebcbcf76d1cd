import type { Diagnostic } from '../../model/diagnostic.ts';
import type { ClusterModel } from '../../model/types.ts';
import type { RawObject } from '../../parse/index.ts';
import type { HostNetworkMode } from '../policy/index.ts';
import {
  isProblem,
  type AssertContext,
  type AssertReport,
  type AssertResult,
  type EntryHandler,
} from './types.ts';

export interface RunOptions {
  readonly handlers: readonly EntryHandler[];
  /** Entry keys that are part of the contract but have no handler yet, with what to say about them. */
  readonly planned: Readonly<Record<string, string>>;
  /** hostNetwork pods as their node (default) or as pods, as `reach --host-network`. */
  readonly hostNetwork?: HostNetworkMode;
}

/**
 * Reads every `tests:` entry of the assertion documents and evaluates it. A malformed entry is a diagnostic
 * (`invalid-test`, with file:line:col) and an `invalid` result, never evaluated, and the run is an input error, so a
 * typo never passes for a result; the well-formed entries beside it are still evaluated and reported.
 */
export function runAssertions(
  model: ClusterModel,
  docs: readonly RawObject[],
  options: RunOptions,
): AssertReport {
  const problems: Diagnostic[] = [];
  const invalid: { name: string; key: string; message: string; doc: RawObject; i: number }[] = [];
  const planned: { name: string; key: string; doc: RawObject; i: number }[] = [];
  const work: { name: string; handler: EntryHandler; query: unknown; doc: RawObject; i: number }[] = [];
  const names = new Set<string>();
  const bad = (doc: RawObject, path: (string | number)[], message: string) =>
    problems.push({ code: 'invalid-test', severity: 'error', message, source: doc.locate(path) });
  for (const doc of docs) {
    const tests = doc.body.tests;
    if (!Array.isArray(tests)) {
      bad(
        doc,
        ['tests'],
        'an assertion file needs `tests:`, a list of {name, reach|resolve|route: {...}, expect}',
      );
      continue;
    }
    tests.forEach((entry, i) => {
      const before = problems.length;
      const name = readEntry(entry, i, doc);
      if (problems.length === before) return;
      const message = problems[before].message;
      const own = name === undefined ? '' : `test "${name}": `;
      const kinds = entryKeys(entry);
      invalid.push({
        name: name ?? `tests[${i}]`,
        key: kinds.length === 1 ? kinds[0] : 'invalid',
        message: message.startsWith(own) ? message.slice(own.length) : message,
        doc,
        i,
      });
    });
  }

  /** One entry: queued for evaluation (or as planned), or its problems recorded; its name when it has one. */
  function readEntry(entry: unknown, i: number, doc: RawObject): string | undefined {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      return void bad(doc, ['tests', i], `tests[${i}] must be a map`);
    const e = entry as Record<string, unknown>;
    const name = typeof e.name === 'string' && e.name ? e.name : undefined;
    if (!name) return void bad(doc, ['tests', i], `tests[${i}] needs a name`);
    const duplicate = names.has(name);
    if (duplicate) bad(doc, ['tests', i, 'name'], `test name "${name}" is used twice`);
    names.add(name);
    const keys = entryKeys(e);
    if (keys.length !== 1) {
      bad(
        doc,
        ['tests', i],
        `test "${name}" must have exactly one of ${[...options.handlers.map((h) => h.key), ...Object.keys(options.planned)].join(', ')} (found: ${keys.join(', ') || 'none'})`,
      );
      return name;
    }
    const key = keys[0];
    const handler = options.handlers.find((h) => h.key === key);
    if (!handler) {
      if (!(key in options.planned))
        bad(
          doc,
          ['tests', i, key],
          `test "${name}": unknown entry "${key}" (known: ${[...options.handlers.map((h) => h.key), ...Object.keys(options.planned)].join(', ')})`,
        );
      else if (!duplicate) planned.push({ name, key, doc, i });
      return name;
    }
    if (!('expect' in e)) {
      bad(doc, ['tests', i], `test "${name}" needs expect`);
      return name;
    }
    const query = handler.parse(e[key], e.expect);
    if (isProblem(query)) bad(doc, ['tests', i, ...query.path], `test "${name}": ${query.error}`);
    else if (!duplicate) work.push({ name, handler, query, doc, i });
    return name;
  }
  const ctx = assertContext(model, options.hostNetwork);
  const results: AssertResult[] = [];
  for (const w of work) {
    const o = w.handler.evaluate(w.query, ctx);
    results.push({
      name: w.name,
      key: w.handler.key,
      status: o.passed ? 'passed' : 'failed',
      actual: o.actual,
      message: o.message,
      details: o.details ?? [],
      source: w.doc.locate(['tests', w.i]),
      ...(o.unknown ? { unknown: true } : {}),
    });
  }
  for (const p of planned)
    results.push({
      name: p.name,
      key: p.key,
      status: 'unsupported',
      actual: null,
      message: `not supported yet: ${options.planned[p.key]}`,
      details: [],
      source: p.doc.locate(['tests', p.i]),
    });
  for (const x of invalid)
    results.push({
      name: x.name,
      key: x.key,
      status: 'invalid',
      actual: null,
      message: `not run: ${x.message}`,
      details: [],
      source: x.doc.locate(['tests', x.i]),
    });
  // Results in file order: each entry's document, then its index (a name may be shared by an invalid entry).
  const order = new Map<AssertResult, number>();
  const places = [...work, ...planned, ...invalid].map((x) => docs.indexOf(x.doc) * 1e6 + x.i);
  results.forEach((r, k) => order.set(r, places[k]));
  results.sort((a, b) => order.get(a)! - order.get(b)!);
  const count = (s: AssertResult['status']) => results.filter((r) => r.status === s).length;
  return {
    results,
    passed: count('passed'),
    failed: count('failed'),
    unsupported: count('unsupported'),
    unknown: results.filter((r) => r.unknown).length,
    invalid: count('invalid'),
    problems,
  };
}

/** An entry's kind keys (`reach`, `resolve`, …): every key but its name, expect and description. */
function entryKeys(entry: unknown): string[] {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return [];
  return Object.keys(entry).filter((k) => k !== 'name' && k !== 'expect' && k !== 'description');
}

/** The context every entry of one run reads: the model, the hostNetwork mode, one memo for the handlers. */
export function assertContext(model: ClusterModel, hostNetwork: HostNetworkMode = 'node'): AssertContext {
  const memo = new Map<string, unknown>();
  return {
    model,
    hostNetwork,
    memo: <T>(key: string, make: () => T) =>
      memo.has(key) ? (memo.get(key) as T) : (memo.set(key, make()), memo.get(key) as T),
  };
}
