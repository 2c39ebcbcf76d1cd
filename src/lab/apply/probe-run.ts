import type { ClusterModel } from '../../model/types.ts';
import {
  compare,
  dnsCases,
  dnsDisagreements,
  getentAddresses,
  probeCases,
  rng,
  serviceCases,
  serviceDisagreements,
  type LabPlan,
  type ProbeReport,
} from '../plan/index.ts';
import { grown, rejectCounters } from './_counters.ts';
import { getent, startLabDns } from './_dns.ts';
import { pool, tryRun } from './_run.ts';
import { probeFrom, type ProbeTarget, type Probers } from './index.ts';

export interface ProbeRunOptions {
  readonly sample?: number;
  readonly seed?: number;
  readonly timeoutMs?: number;
  readonly parallel?: number;
  /** Long-lived probers to use (and keep) across runs. */
  readonly probers?: Probers;
  /** Leave out Service probes and DNS lookups (pod to pod only). */
  readonly podsOnly?: boolean;
}

interface Case extends ProbeTarget {
  readonly fromNetns: string;
  /** Whether a timeout is worth trying again (the model expects an answer: a connection or a refusal). */
  readonly expectsAnswer: boolean;
}

/** A seeded sample of at most `n` (all when n is undefined). */
function sampled<T>(xs: T[], n: number | undefined, seed: number): T[] {
  if (n === undefined || n >= xs.length) return xs;
  const next = rng(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out.slice(0, n);
}

/** Tries every case from its source namespace; timeouts of cases expecting an answer are tried twice more. */
async function tryAll(cases: readonly Case[], options: ProbeRunOptions) {
  const run = async (idx: number[], timeoutMs: number) => {
    const bySource = new Map<string, number[]>();
    for (const i of idx)
      (
        bySource.get(cases[i].fromNetns) ?? bySource.set(cases[i].fromNetns, []).get(cases[i].fromNetns)!
      ).push(i);
    const sources = [...bySource].map(([netns, ix]) => ({ netns, ix, targets: ix.map((i) => cases[i]) }));
    const res = await probeFrom(sources, { timeoutMs, parallel: options.parallel, probers: options.probers });
    sources.forEach((s, k) => s.ix.forEach((i, j) => (results[i] = res[k][j])));
  };
  const results: { outcome: string; answeredBy?: string }[] = new Array(cases.length);
  await run(
    cases.map((_, i) => i),
    options.timeoutMs ?? 1500,
  );
  // A policy reject answers at once; a timeout where the model expects an answer is a lost packet or a starved
  // responder (a loaded host): try those again, twice, with three times the timeout, before counting them.
  for (let attempt = 0; attempt < 2; attempt++) {
    const again = cases.flatMap((c, i) => (c.expectsAnswer && results[i].outcome === 'timeout' ? [i] : []));
    if (!again.length) break;
    await run(again, (options.timeoutMs ?? 1500) * 3);
  }
  return results;
}

/**
 * Probes a lab that is up: every pod-to-pod case of `probeCases`, every Service case (an HTTP GET or a UDP
 * exchange through the ClusterIP from each pod) and the DNS lookups of `dnsCases` (glibc's resolver inside the pod
 * against kubetwin's DNS server at the cluster DNS endpoints), tried for real and compared with the model. Each
 * pod-to-pod disagreement is tried once more between two readings of the reject counters of the nodes, which names
 * the nft chain that refused it (or none: the packet was not refused by a policy chain).
 */
export async function runProbe(
  model: ClusterModel,
  plan: LabPlan,
  options: ProbeRunOptions = {},
): Promise<ProbeReport & { ms: number }> {
  const t0 = Date.now();
  const seed = options.seed ?? 1;
  const { cases, skipped, engine } = probeCases(model, plan, options);
  const svc = options.podsOnly ? { cases: [], skipped: [] } : serviceCases(model, plan, engine);
  const svcCases = sampled(svc.cases, options.sample, seed);
  const dns = options.podsOnly ? { cases: [], skipped: [] } : dnsCases(model, plan, svc.cases);
  let dnsList = sampled(dns.cases, options.sample, seed);
  const notes = [...skipped, ...svc.skipped, ...dns.skipped];
  if (dnsList.length && (await tryRun(['getent', 'hosts', 'localhost'])) === undefined) {
    notes.push('DNS: `getent` (glibc) is missing here: lookups are not probed');
    dnsList = [];
  }
  const server = svcCases.length || dnsList.length ? await startLabDns(model, plan) : undefined;
  try {
    const all: Case[] = [
      ...cases.map((c) => ({ ...c, expectsAnswer: c.model === 'allow' })),
      // kube-proxy's reject of a Service without endpoints is an answer too (ICMP port unreachable).
      ...svcCases.map((c) => ({
        ...c,
        expectsAnswer: c.model === 'allow' || c.model === 'partial' || c.model === 'no-endpoint',
      })),
    ];
    const results = await tryAll(all, options);
    const report = compare(
      model,
      engine,
      cases,
      results.slice(0, cases.length).map((r) => r.outcome),
      notes,
    );
    const svcDis = serviceDisagreements(model, engine, svcCases, results.slice(cases.length));
    const answers = await pool(dnsList, options.parallel ?? 16, async (c) =>
      getentAddresses(await getent(c.fromNetns, c.name, undefined, options.probers)),
    );
    const dnsDis = dnsDisagreements(dnsList, answers);
    const nodeNetns = plan.nodes.map((n) => n.netns);
    for (const d of report.disagreements.slice(0, 20)) {
      const c = cases.find(
        (x) => x.from === d.from && x.to === d.to && x.port === d.port && x.protocol === d.protocol,
      )!;
      const before = await rejectCounters(nodeNetns, `${plan.prefix}policy`);
      await probeFrom([{ netns: c.fromNetns, targets: [c] }], {
        timeoutMs: options.timeoutMs,
        probers: options.probers,
      });
      const after = await rejectCounters(nodeNetns, `${plan.prefix}policy`);
      d.chain = grown(before, after).join(', ') || 'none (no policy chain rejected it)';
    }
    const total = cases.length + svcCases.length + dnsList.length;
    const disagreements = [...report.disagreements, ...svcDis, ...dnsDis];
    return {
      counts: { pod: cases.length, service: svcCases.length, dns: dnsList.length },
      total,
      agree: total - disagreements.length,
      disagreements,
      skipped: notes,
      ms: Date.now() - t0,
    };
  } finally {
    await server?.close();
  }
}
