/**
 * What V8's collector did in one process, from the lines `--trace-gc-nvp` prints (one per collection, `name=value`
 * pairs): scavenges and the bytes they copied — `new_space_survived` (copied within the young generation) plus
 * `promoted` (copied to the old one) — and mark-compacts. The copied bytes depend on what the process allocates
 * and keeps, not on how busy the machine is: on a machine other sessions load, wall and CPU times move by ±15 %
 * between identical runs while this moves by ±3 % (design note 0006, Decision 18), so it compares two builds'
 * retention where times cannot.
 */
export interface GcSummary {
  scavenges: number;
  /** MB the scavenges copied: survived within the young generation plus promoted. */
  copiedMB: number;
  markCompacts: number;
  /** Sum of the pauses, ms (main thread; these do follow the load). */
  pauseMs: number;
}

/** The summary of every `--trace-gc-nvp` line in `output`; other lines are skipped. */
export function summarizeGcNvp(output: string): GcSummary {
  const out: GcSummary = { scavenges: 0, copiedMB: 0, markCompacts: 0, pauseMs: 0 };
  for (const line of output.split('\n')) {
    const kind = / gc=(\w+) /.exec(line)?.[1];
    if (kind !== 's' && kind !== 'mc') continue;
    const value = (name: string) => Number(new RegExp(` ${name}=([\\d.]+)`).exec(line)?.[1] ?? 0);
    out.pauseMs += value('pause');
    if (kind === 'mc') out.markCompacts++;
    else {
      out.scavenges++;
      out.copiedMB += (value('promoted') + value('new_space_survived')) / 1e6;
    }
  }
  return out;
}
