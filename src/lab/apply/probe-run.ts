import type { ClusterModel } from '../../model/types.ts';
import { compare, probeCases, type LabPlan, type ProbeReport } from '../plan/index.ts';
import { grown, rejectCounters } from './_counters.ts';
import { probeFrom, type Probers } from './index.ts';

export interface ProbeRunOptions {
  readonly sample?: number;
  readonly seed?: number;
  readonly timeoutMs?: number;
  readonly parallel?: number;
  /** Long-lived probers to use (and keep) across runs. */
  readonly probers?: Probers;
}

/**
 * Probes a lab that is up: every case of `probeCases` tried for real from its source namespace, compared with
 * the model. Each disagreement is tried once more between two readings of the reject counters of the nodes on
 * its path, which names the nft chain that refused it (or none: the packet was not refused by a policy chain).
 */
export async function runProbe(
  model: ClusterModel,
  plan: LabPlan,
  options: ProbeRunOptions = {},
): Promise<ProbeReport & { ms: number }> {
  const t0 = Date.now();
  const { cases, skipped, engine } = probeCases(model, plan, options);
  const bySource = new Map<string, number[]>();
  cases.forEach((c, i) =>
    (bySource.get(c.fromNetns) ?? bySource.set(c.fromNetns, []).get(c.fromNetns)!).push(i),
  );
  const sources = [...bySource].map(([netns, idx]) => ({ netns, idx, targets: idx.map((i) => cases[i]) }));
  const results = await probeFrom(sources, {
    timeoutMs: options.timeoutMs,
    parallel: options.parallel,
    probers: options.probers,
  });
  const outcomes: string[] = new Array(cases.length);
  sources.forEach((s, k) => s.idx.forEach((i, j) => (outcomes[i] = results[k][j].outcome)));
  // A policy reject answers at once; a timeout is a lost packet or a starved responder (a loaded host): try those
  // again, twice, with three times the timeout, before counting them as denied.
  for (let attempt = 0; attempt < 2; attempt++) {
    const again = new Map<string, number[]>();
    outcomes.forEach((o, i) => {
      if (o === 'timeout')
        (again.get(cases[i].fromNetns) ?? again.set(cases[i].fromNetns, []).get(cases[i].fromNetns)!).push(i);
    });
    if (!again.size) break;
    const retry = [...again].map(([netns, idx]) => ({ netns, idx, targets: idx.map((i) => cases[i]) }));
    const res = await probeFrom(retry, {
      timeoutMs: (options.timeoutMs ?? 1500) * 3,
      parallel: options.parallel,
      probers: options.probers,
    });
    retry.forEach((s, k) => s.idx.forEach((i, j) => (outcomes[i] = res[k][j].outcome)));
  }
  const report = compare(model, engine, cases, outcomes, skipped);
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
  return { ...report, ms: Date.now() - t0 };
}
