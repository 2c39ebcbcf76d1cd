/**
 * Test helper shared by the matrix property tests: the plain per-pair reference the class-level matrix is held
 * to — every ordered pair of distinct pods and every port (the destination's container ports, or the ports asked),
 * one `PolicyEngine.explain` each, totalled per grouping and sorted as `computeMatrix` sorts.
 */
import type { Pod, Protocol } from '../../model/types.ts';
import type { PolicyEngine } from '../policy/index.ts';
import type { MatrixBy, MatrixEntry } from './index.ts';

export function referenceMatrix(
  engine: PolicyEngine,
  by: MatrixBy,
  asked?: { port: number; protocol: Protocol }[],
): MatrixEntry[] {
  const model = engine.model;
  const pods = model.pods.filter((p) => p.ip);
  const group = (p: Pod) => {
    if (by === 'namespace') return p.namespace;
    const w = model.workloads.find((x) => x.podKeys.includes(p.key));
    return by === 'workload' && w ? `${w.namespace}/${w.name}` : `${p.namespace}/${p.name}`;
  };
  const totals = new Map<string, MatrixEntry & { pairs: number; allowedPairs: number }>();
  for (const a of pods)
    for (const b of pods) {
      if (a === b) continue;
      const ports =
        asked ??
        [...new Map(b.ports.map((p) => [`${p.protocol}/${p.containerPort}`, p])).values()].map((p) => ({
          port: p.containerPort,
          protocol: p.protocol,
        }));
      for (const { port, protocol } of ports) {
        const key = `${group(a)} ${group(b)} ${protocol} ${port}`;
        const t =
          totals.get(key) ??
          totals
            .set(key, { from: group(a), to: group(b), port, protocol, pairs: 0, allowedPairs: 0 })
            .get(key)!;
        t.pairs++;
        if (engine.explain({ kind: 'pod', pod: a }, { kind: 'pod', pod: b }, port, protocol).allowed)
          t.allowedPairs++;
      }
    }
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return [...totals.values()].sort(
    (x, y) => cmp(x.from, y.from) || cmp(x.to, y.to) || cmp(x.protocol, y.protocol) || x.port - y.port,
  );
}
