/**
 * How a pod's C library turns a name into queries (the search-list walk).
 *
 * glibc (res_search): a name with at least `ndots` dots, or a trailing dot, is tried as-is first (a trailing dot
 * ends the walk there); then each search domain is tried — the walk goes on after NXDOMAIN, after an empty
 * NOERROR and after SERVFAIL, and stops at any other error; a name with fewer dots is tried as-is last. With no
 * answer the result is the as-is try's when it came first, else "no data" if any try was an empty NOERROR.
 * https://sourceware.org/git/?p=glibc.git;a=blob;f=resolv/res_query.c (__res_context_search)
 *
 * musl (name_from_dns_search): with `ndots` dots or more, or a trailing dot, only the name itself is asked;
 * otherwise each search domain, then the name itself — and the walk stops at the first reply that is not NXDOMAIN
 * (an empty NOERROR ends it: the behaviour Alpine images show).
 * https://git.musl-libc.org/cgit/musl/tree/src/network/lookup_name.c
 */
import type { DnsResponse, Rcode } from './types.ts';
import type { Libc, ResolvConf } from './_resolv-conf.ts';

export interface WalkStep {
  readonly name: string;
  readonly response: DnsResponse;
  /** What the library did with this reply. */
  readonly verdict: 'answer' | 'continue' | 'stop';
}

export interface WalkResult {
  readonly libc: Libc;
  readonly steps: readonly WalkStep[];
  /** The reply the application gets: the answering one, or the one the library reports the failure from. */
  readonly final: DnsResponse;
  readonly rcode: Rcode;
  /** The name that answered, when one did. */
  readonly resolvedName?: string;
}

export type Query = (name: string, type: string) => DnsResponse;

export function walkSearchList(
  rc: Pick<ResolvConf, 'searches' | 'ndots'>,
  name: string,
  type: string,
  query: Query,
  libc: Libc,
): WalkResult {
  const trailing = name.endsWith('.');
  const bare = trailing ? name.slice(0, -1) : name;
  const dots = (bare.match(/\./g) ?? []).length;
  const steps: WalkStep[] = [];
  const ask = (fqdn: string): DnsResponse => query(fqdn, type);
  const answered = (r: DnsResponse) => r.rcode === 'NOERROR' && r.answer.length > 0;
  const done = (r: DnsResponse, n: string): WalkResult => ({
    libc,
    steps,
    final: r,
    rcode: 'NOERROR',
    resolvedName: n,
  });
  const candidates = rc.searches.map((d) => `${bare}.${d.replace(/\.$/, '')}.`);
  const asIs = `${bare}.`;

  if (libc === 'musl') {
    const list = dots >= rc.ndots || trailing ? [asIs] : [...candidates, asIs];
    let last: DnsResponse | undefined;
    for (const n of list) {
      const r = ask(n);
      last = r;
      if (answered(r)) return (steps.push({ name: n, response: r, verdict: 'answer' }), done(r, n));
      const go = r.rcode === 'NXDOMAIN';
      steps.push({ name: n, response: r, verdict: go ? 'continue' : 'stop' });
      if (!go) break;
    }
    markLastStop(steps);
    return { libc, steps, final: last!, rcode: last!.rcode };
  }

  let saved: DnsResponse | undefined;
  let nodata: DnsResponse | undefined;
  let servfail: DnsResponse | undefined;
  let last: DnsResponse | undefined;
  let triedAsIs = false;
  if (dots >= rc.ndots || trailing) {
    const r = ask(asIs);
    triedAsIs = true;
    last = r;
    if (answered(r)) return (steps.push({ name: asIs, response: r, verdict: 'answer' }), done(r, asIs));
    steps.push({ name: asIs, response: r, verdict: trailing ? 'stop' : 'continue' });
    if (trailing) return { libc, steps, final: r, rcode: r.rcode };
    saved = r;
  }
  for (const n of candidates) {
    const r = ask(n);
    last = r;
    if (answered(r)) return (steps.push({ name: n, response: r, verdict: 'answer' }), done(r, n));
    const keepGoing = r.rcode === 'NXDOMAIN' || r.rcode === 'NOERROR' || r.rcode === 'SERVFAIL';
    if (r.rcode === 'NOERROR') nodata ??= r;
    if (r.rcode === 'SERVFAIL') servfail ??= r;
    steps.push({ name: n, response: r, verdict: keepGoing ? 'continue' : 'stop' });
    if (!keepGoing) break;
  }
  if (!triedAsIs) {
    const r = ask(asIs);
    last = r;
    if (answered(r)) return (steps.push({ name: asIs, response: r, verdict: 'answer' }), done(r, asIs));
    steps.push({ name: asIs, response: r, verdict: 'stop' });
  }
  markLastStop(steps);
  const final = saved ?? nodata ?? servfail ?? last!;
  return { libc, steps, final, rcode: final.rcode };
}

/** The last query of a walk that found nothing ends it. */
function markLastStop(steps: WalkStep[]): void {
  const i = steps.length - 1;
  if (i >= 0 && steps[i].verdict === 'continue') steps[i] = { ...steps[i], verdict: 'stop' };
}
