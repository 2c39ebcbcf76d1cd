import { unknownResolution, createDns, findPod, rdataText, type Dns } from '../dns/index.ts';
import { createTraceContext, queriesBlocked, type TraceContext } from '../trace/index.ts';
import type { EntryHandler, EntryProblem } from './types.ts';

interface ResolveEntry {
  readonly from?: string;
  readonly name: string;
  readonly type: string;
  readonly expect: {
    readonly rcode?: string;
    readonly answers?: readonly string[];
    readonly resolvedName?: string;
    /** The pod gets no reply at all: its own egress policy drops its DNS queries (needs `from`). */
    readonly noReply?: true;
  };
}

const types = ['A', 'AAAA', 'SRV', 'PTR', 'CNAME', 'TXT', 'NS', 'SOA'];
const rcodes = ['NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED'];
const fq = (n: string) => (n.endsWith('.') ? n : `${n}.`).toLowerCase();

/**
 * `resolve: {from?, name, type?}` with `expect: {rcode?, answers?, resolvedName?}` or `expect: {noReply: true}` (the
 * pod's egress policy drops its queries, so its resolver times out: there is no rcode to expect) — evaluated as `kubetwin resolve`
 * does (through the pod's search list when `from` is given). Answers compare as a set in presentation form, since
 * CoreDNS's loadbalance plugin shuffles their order.
 */
export const resolveHandler: EntryHandler<ResolveEntry> = {
  key: 'resolve',
  parse(value, expect): ResolveEntry | EntryProblem {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return { error: 'resolve must be a map {from, name, type}', path: ['resolve'] };
    const v = value as Record<string, unknown>;
    for (const k of Object.keys(v))
      if (!['from', 'name', 'type'].includes(k))
        return { error: `resolve.${k} is not a field (from, name, type)`, path: ['resolve', k] };
    if (typeof v.name !== 'string' || !v.name)
      return { error: 'resolve.name must be a DNS name', path: ['resolve', 'name'] };
    if (v.from !== undefined && (typeof v.from !== 'string' || !v.from.includes('/')))
      return {
        error: 'resolve.from must be namespace/pod (or namespace/workload)',
        path: ['resolve', 'from'],
      };
    const type = v.type === undefined ? 'A' : String(v.type).toUpperCase();
    if (!types.includes(type))
      return { error: `resolve.type must be one of ${types.join(', ')}`, path: ['resolve', 'type'] };
    if (typeof expect !== 'object' || expect === null || Array.isArray(expect))
      return {
        error: 'expect must be a map {rcode, answers, resolvedName} or {noReply: true} for a resolve entry',
        path: ['expect'],
      };
    const e = expect as Record<string, unknown>;
    for (const k of Object.keys(e))
      if (!['rcode', 'answers', 'resolvedName', 'noReply'].includes(k))
        return {
          error: `expect.${k} is not a field (rcode, answers, resolvedName, noReply)`,
          path: ['expect', k],
        };
    if (!Object.keys(e).length)
      return {
        error: 'expect needs at least one of rcode, answers, resolvedName, noReply',
        path: ['expect'],
      };
    if (e.noReply !== undefined) {
      if (e.noReply !== true)
        return {
          error: 'expect.noReply must be true (leave it out to expect a reply)',
          path: ['expect', 'noReply'],
        };
      if (Object.keys(e).length > 1)
        return {
          error: 'expect.noReply goes alone: without a reply there is no rcode or answer',
          path: ['expect'],
        };
      if (typeof v.from !== 'string')
        return {
          error: "expect.noReply needs resolve.from: only a pod's queries can be dropped",
          path: ['expect', 'noReply'],
        };
    }
    if (e.rcode !== undefined && !rcodes.includes(String(e.rcode)))
      return { error: `expect.rcode must be one of ${rcodes.join(', ')}`, path: ['expect', 'rcode'] };
    if (
      e.answers !== undefined &&
      (!Array.isArray(e.answers) || e.answers.some((a) => typeof a !== 'string'))
    )
      return {
        error: 'expect.answers must be a list of strings in presentation form',
        path: ['expect', 'answers'],
      };
    if (e.resolvedName !== undefined && typeof e.resolvedName !== 'string')
      return { error: 'expect.resolvedName must be a name', path: ['expect', 'resolvedName'] };
    return {
      ...(typeof v.from === 'string' ? { from: v.from } : {}),
      name: v.name,
      type,
      expect: {
        ...(e.rcode !== undefined ? { rcode: String(e.rcode) } : {}),
        ...(e.answers ? { answers: e.answers as string[] } : {}),
        ...(e.resolvedName !== undefined ? { resolvedName: e.resolvedName as string } : {}),
        ...(e.noReply === true ? { noReply: true as const } : {}),
      },
    };
  },
  evaluate(entry, ctx) {
    const dns = ctx.memo<Dns>('resolve/dns', () => createDns(ctx.model));
    let response;
    let resolvedName: string | null;
    let assumed: string | undefined;
    if (entry.from) {
      const pod = findPod(ctx.model, entry.from);
      if (!pod)
        return {
          passed: false,
          actual: { error: `no pod or workload ${entry.from}` },
          message: `no pod or workload ${entry.from}`,
        };
      const res = dns.resolveFrom(pod, { name: entry.name, type: entry.type });
      // The pod's queries are traffic: when its egress policy drops them, it gets no reply at all.
      const trace = ctx.memo<TraceContext>('resolve/trace', () => createTraceContext(ctx.model));
      const blocked = queriesBlocked(trace, res);
      if (blocked && entry.expect.noReply)
        return {
          passed: true,
          actual: { rcode: null, answers: [], resolvedName: null, noReply: blocked.reason },
          message: `no reply, as expected: ${blocked.reason}`,
        };
      if (blocked)
        return {
          passed: false,
          actual: { rcode: null, answers: [], resolvedName: null, noReply: blocked.reason },
          message: `no reply: ${blocked.reason}`,
          details: [...blocked.details],
        };
      response = res.walk.final;
      resolvedName = res.walk.resolvedName ?? null;
      assumed = unknownResolution(res);
    } else {
      response = dns.answer({ name: entry.name, type: entry.type });
      assumed = response.unknown;
      resolvedName = response.rcode === 'NOERROR' && response.answer.length ? fq(entry.name) : null;
    }
    const answers = response.answer.map((r) => rdataText(r.rdata));
    const actual = { rcode: response.rcode, answers, resolvedName };
    const wrong: string[] = entry.expect.noReply ? [`a reply (${response.rcode}), expected none`] : [];
    const e = entry.expect;
    if (e.rcode !== undefined && e.rcode !== actual.rcode)
      wrong.push(`rcode ${actual.rcode}, expected ${e.rcode}`);
    if (e.answers && [...e.answers].sort().join('\n') !== [...answers].sort().join('\n'))
      wrong.push(`answers [${answers.join(', ')}], expected [${e.answers.join(', ')}]`);
    if (e.resolvedName !== undefined && fq(e.resolvedName) !== (resolvedName ?? ''))
      wrong.push(`resolved as ${resolvedName ?? '(nothing)'}, expected ${fq(e.resolvedName)}`);
    const summary = `${actual.rcode}${answers.length ? ` ${answers.join(', ')}` : ''}${resolvedName ? ` (as ${resolvedName})` : ''}`;
    // An unknown is never a pass, whatever was expected: the reply that decided is an assumption.
    if (assumed)
      return {
        passed: false,
        unknown: true,
        actual,
        message: `unknown: ${assumed} (kubetwin's own reply: ${summary})`,
      };
    if (!wrong.length) return { passed: true, actual, message: `${summary}, as expected` };
    return {
      passed: false,
      actual,
      message: wrong.join('; '),
      details: response.notes.map((n) => `note: ${n}`),
    };
  },
};
