import type { Protocol } from '../../model/types.ts';
import { PolicyEngine, type HttpRequest } from '../policy/index.ts';
import { reach, type ReachQuery } from '../reach/index.ts';
import { renderSideLines } from './_explain.ts';
import { unknownSentence } from '../unmodeled/index.ts';
import type { EntryHandler, EntryProblem } from './types.ts';

interface ReachEntry {
  readonly query: ReachQuery;
  readonly expect: 'allowed' | 'denied';
}

const protocols: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

/** `http: {method, path, headers}`: one request for Cilium's L7 HTTP rules (method GET and path / by default). */
function readHttp(v: unknown): HttpRequest | string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return 'reach.http must be a map {method, path, headers}';
  const h = v as Record<string, unknown>;
  for (const k of Object.keys(h))
    if (!['method', 'path', 'headers'].includes(k))
      return `reach.http.${k} is not a field (method, path, headers)`;
  if (h.method !== undefined && typeof h.method !== 'string') return 'reach.http.method must be a string';
  if (h.path !== undefined && (typeof h.path !== 'string' || !h.path.startsWith('/')))
    return 'reach.http.path must be a string starting with /';
  const headers: Record<string, string> = {};
  if (h.headers !== undefined) {
    if (typeof h.headers !== 'object' || h.headers === null || Array.isArray(h.headers))
      return 'reach.http.headers must be a map of strings';
    for (const [k, val] of Object.entries(h.headers)) {
      if (typeof val !== 'string') return `reach.http.headers.${k} must be a string`;
      headers[k] = val;
    }
  }
  return { method: ((h.method as string) ?? 'GET').toUpperCase(), path: (h.path as string) ?? '/', headers };
}

/** `reach: {from, to, port, protocol}` with `expect: allowed | denied` — evaluated as `kubetwin reach` does. */
export const reachHandler: EntryHandler<ReachEntry> = {
  key: 'reach',
  parse(value, expect): ReachEntry | EntryProblem {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return { error: 'reach must be a map {from, to, port, protocol}', path: ['reach'] };
    const v = value as Record<string, unknown>;
    for (const k of Object.keys(v))
      if (!['from', 'to', 'port', 'protocol', 'http'].includes(k))
        return { error: `reach.${k} is not a field (from, to, port, protocol, http)`, path: ['reach', k] };
    for (const k of ['from', 'to'] as const)
      if (typeof v[k] !== 'string' || !v[k])
        return {
          error: `reach.${k} must be a REF string (ns/NAME, service:ns/NAME, ip:ADDR, fqdn:NAME, internet)`,
          path: ['reach', k],
        };
    const port = v.port;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
      return { error: 'reach.port must be a port number (1-65535)', path: ['reach', 'port'] };
    const protocol = (v.protocol ?? 'TCP') as Protocol;
    if (!protocols.includes(protocol))
      return { error: 'reach.protocol must be TCP, UDP or SCTP', path: ['reach', 'protocol'] };
    if (expect !== 'allowed' && expect !== 'denied')
      return { error: 'expect must be allowed or denied for a reach entry', path: ['expect'] };
    const http = readHttp(v.http);
    if (typeof http === 'string') return { error: http, path: ['reach', 'http'] };
    return {
      query: { from: v.from as string, to: v.to as string, port, protocol, ...(http ? { http } : {}) },
      expect,
    };
  },
  evaluate(entry, ctx) {
    const engine = ctx.memo(
      'reach/engine',
      () => new PolicyEngine(ctx.model, { hostNetwork: ctx.hostNetwork }),
    );
    const r = reach(engine, entry.query);
    if (typeof r === 'string') return { passed: false, actual: { allowed: false, error: r }, message: r };
    const actual = {
      allowed: r.verdict === 'allowed',
      outcome: r.outcome,
      allowedPairs: r.allowedPairs,
      pairs: r.pairs.length,
      verdict: r.verdict,
      ...(r.unknown.length ? { unknown: r.unknown.map((o) => o.key) } : {}),
    };
    const summary = `${r.outcome}${r.outcome === 'partial' ? ` (${r.allowedPairs} of ${r.pairs.length} pairs allowed)` : ''}`;
    // An unknown is never a pass, whatever was expected: the modeled answer may be wrong.
    if (r.verdict === 'unknown')
      return {
        passed: false,
        unknown: true,
        actual,
        message: `unknown: ${[...(r.unknown.length ? [unknownSentence(r.unknown)] : []), ...r.unknownReasons].join('; ')} (the objects kubetwin models say ${summary}; expected ${entry.expect})`,
      };
    const passed = r.outcome === entry.expect;
    if (passed) return { passed, actual, message: `${summary}, as expected` };
    const wrong = r.pairs.find((p) => (entry.expect === 'allowed' ? !p.allowed : p.allowed));
    const details = wrong
      ? [
          `${wrong.from} -> ${wrong.to} port ${wrong.port}/${entry.query.protocol}:`,
          ...(wrong.problem ? [`  ${wrong.problem}`] : []),
          ...(wrong.verdict ? renderSideLines(wrong.verdict, wrong.from, wrong.to) : []),
          ...(wrong.mesh ? [`  ${wrong.mesh.summary}`] : []),
        ]
      : [];
    return { passed, actual, message: `expected ${entry.expect}, got ${summary}`, details };
  },
};
