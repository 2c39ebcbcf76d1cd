import { tryRun } from './_run.ts';

/** Packet counts of every policy rule that rejects, by `netns chain`, read from `nft -j`. */
export async function rejectCounters(netns: readonly string[], table: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const ns of netns) {
    const text = await tryRun(['ip', 'netns', 'exec', ns, 'nft', '-j', 'list', 'table', 'ip', table]);
    if (!text) continue;
    const items = (JSON.parse(text) as { nftables: Record<string, unknown>[] }).nftables;
    for (const item of items) {
      const rule = item.rule as { chain: string; expr: Record<string, unknown>[] } | undefined;
      if (!rule || !rule.expr.some((e) => 'reject' in e)) continue;
      const counter = rule.expr.find((e) => 'counter' in e)?.counter as { packets: number } | undefined;
      out.set(`${ns} ${rule.chain}`, (out.get(`${ns} ${rule.chain}`) ?? 0) + (counter?.packets ?? 0));
    }
  }
  return out;
}

/** Chains whose reject counters grew between two readings. */
export function grown(before: Map<string, number>, after: Map<string, number>): string[] {
  return [...after].filter(([k, v]) => v > (before.get(k) ?? 0)).map(([k]) => k);
}
