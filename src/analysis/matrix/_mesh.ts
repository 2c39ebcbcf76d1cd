import type { Pod } from '../../model/types.ts';
import { compileMesh, meshMatrix } from '../mesh/index.ts';
import type { PolicyEngine } from '../policy/index.ts';
import type { Layout } from './_layout.ts';
import type { MatrixRow } from './index.ts';

/**
 * The mesh's verdict over matrix rows (Istio mTLS and AuthorizationPolicy, `src/analysis/mesh/_matrix.ts`):
 * each entry's allowed pairs narrowed to those the server pods' proxies admit. Undefined without a mesh
 * that can refuse anything, so a matrix without one costs nothing more.
 */
export function meshCells(engine: PolicyEngine, layout: Layout) {
  const mesh = compileMesh(engine.model);
  const overlay = meshMatrix(engine.model, mesh.sidecar, mesh.inbound);
  if (!overlay) return undefined;
  const index = new Map(layout.groups.map((g, i) => [g.name, i]));
  let pods: Pod[][] | undefined;
  const podsOf = (g: number) => {
    if (!pods) {
      pods = layout.groups.map(() => []);
      for (const [p, i] of layout.groupOf) pods[i].push(p);
    }
    return pods[g];
  };
  const withPort = new Map<string, Pod[]>();
  const podsWithPort = (G: number, x: number) => {
    const k = `${G}/${x}`;
    let out = withPort.get(k);
    if (!out) withPort.set(k, (out = podsOf(G).filter((p) => layout.portsOf(p).includes(x))));
    return out;
  };
  const xOf = new Map(layout.ports.map((p, i) => [`${p.protocol}/${p.port}`, i]));
  return {
    warnings: overlay.warnings,
    row(row: MatrixRow, g: number, denied: boolean): MatrixRow {
      const entries = row.entries.flatMap((e) => {
        if (e.protocol !== 'TCP' || !e.allowedPairs) return [e];
        const G = index.get(e.to)!;
        const allowedPairs = overlay.adjust({
          from: podsOf(g),
          to: podsWithPort(G, xOf.get(`TCP/${e.port}`)!),
          port: e.port,
          pairs: e.pairs,
          allowedPairs: e.allowedPairs,
          same: G === g,
          allows: (a, b) => engine.allows({ kind: 'pod', pod: a }, { kind: 'pod', pod: b }, e.port, 'TCP'),
        });
        return denied || allowedPairs > 0 ? [{ ...e, allowedPairs }] : [];
      });
      return { from: row.from, entries };
    },
  };
}
