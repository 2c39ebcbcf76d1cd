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
 * Reads every `tests:` entry of the assertion documents and evaluates it. Malformed entries are diagnostics
 * (`invalid-test`, with file:line:col) and nothing is evaluated, so a typo never passes for a result.
 */
export function runAssertions(
  model: ClusterModel,
  docs: readonly RawObject[],
  options: RunOptions,
): AssertReport | Diagnostic[] {
  const problems: Diagnostic[] = [];
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
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
        return bad(doc, ['tests', i], `tests[${i}] must be a map`);
      const e = entry as Record<string, unknown>;
      const name = typeof e.name === 'string' && e.name ? e.name : undefined;
      if (!name) return bad(doc, ['tests', i], `tests[${i}] needs a name`);
      if (names.has(name)) bad(doc, ['tests', i, 'name'], `test name "${name}" is used twice`);
      names.add(name);
      const keys = Object.keys(e).filter((k) => k !== 'name' && k !== 'expect' && k !== 'description');
      if (keys.length !== 1)
        return bad(
          doc,
          ['tests', i],
          `test "${name}" must have exactly one of ${[...options.handlers.map((h) => h.key), ...Object.keys(options.planned)].join(', ')} (found: ${keys.join(', ') || 'none'})`,
        );
      const key = keys[0];
      const handler = options.handlers.find((h) => h.key === key);
      if (!handler) {
        if (key in options.planned) planned.push({ name, key, doc, i });
        else
          bad(
            doc,
            ['tests', i, key],
            `test "${name}": unknown entry "${key}" (known: ${[...options.handlers.map((h) => h.key), ...Object.keys(options.planned)].join(', ')})`,
          );
        return;
      }
      if (!('expect' in e)) return bad(doc, ['tests', i], `test "${name}" needs expect`);
      const query = handler.parse(e[key], e.expect);
      if (isProblem(query)) return bad(doc, ['tests', i, ...query.path], `test "${name}": ${query.error}`);
      work.push({ name, handler, query, doc, i });
    });
  }
  if (problems.length) return problems;
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
  const order = new Map<string, number>();
  [
    ...work.map((w) => ({ n: w.name, d: w.doc, i: w.i })),
    ...planned.map((p) => ({ n: p.name, d: p.doc, i: p.i })),
  ].forEach((x) => order.set(x.n, docs.indexOf(x.d) * 1e6 + x.i));
  results.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
  const count = (s: AssertResult['status']) => results.filter((r) => r.status === s).length;
  return {
    results,
    passed: count('passed'),
    failed: count('failed'),
    unsupported: count('unsupported'),
    unknown: results.filter((r) => r.unknown).length,
  };
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
