import type { Pod, PolicyRule } from '../../model/types.ts';
import { compileMesh, hbonePort, linkerdInboundProxyPort, meshMatrix } from '../mesh/index.ts';
import { portMatches, type PolicyEngine } from '../policy/index.ts';
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

/**
 * Linkerd sends a meshed client's connection to an opaque port (and, by its network-policy page, any meshed
 * connection) to the server proxy's inbound port 4143, where NetworkPolicies judge 4143; the matrix judges the
 * application ports. `reach` and `trace` judge both per pair; the matrix names the meshed destinations whose
 * isolating policies admit an application port and 4143 differently, whose cells may be wrong. The policies are
 * asked once per class (its pods share them), and the ports compared once per class and container-port list
 * (replicas share their template's list; a named port resolves against it).
 * https://linkerd.io/2.15/features/protocol-detection/#using-networkpolicy-resources-with-opaque-ports
 */
export function linkerdPortWarnings(engine: PolicyEngine, layout: Layout): string[] {
  if (engine.model.mesh?.name !== 'linkerd' || !engine.enforced) return [];
  const { sidecar } = compileMesh(engine.model);
  const proxy = linkerdInboundProxyPort;
  const admits = (rule: PolicyRule, port: number, p: Pod) =>
    rule.ports === 'all' || rule.ports.some((pp) => portMatches(pp, port, 'TCP', p));
  const suspect = new Set<string>();
  for (const pods of layout.classPods.values()) {
    const meshed = pods.filter((p) => sidecar(p).meshed);
    if (!meshed.length) continue;
    const nps = engine.isolating(meshed[0], 'Ingress');
    // A Cilium policy isolating the class is not read here: its ports may tell the two apart.
    const cilium = engine.isolatedBy(meshed[0], 'Ingress').length > nps.length;
    const rules = nps.flatMap((np) => np.ingress);
    const byPorts = new Map<Pod['ports'], boolean>();
    const differs = (p: Pod) =>
      cilium ||
      p.ports.some(
        (cp) =>
          cp.protocol === 'TCP' && rules.some((r) => admits(r, cp.containerPort, p) !== admits(r, proxy, p)),
      );
    for (const p of meshed) {
      let d = byPorts.get(p.ports);
      if (d === undefined) byPorts.set(p.ports, (d = differs(p)));
      if (d) suspect.add(layout.groups[layout.groupOf.get(p)!].name);
    }
  }
  if (!suspect.size) return [];
  const names = [...suspect].sort();
  return [
    `unknown: connections between Linkerd-meshed pods may arrive on the proxy's inbound port ${proxy} (opaque transport), and the NetworkPolicies of ${names.length} meshed destination(s) admit their ports and ${proxy} differently, so cells towards them may be wrong (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}); judge a pair with reach or trace`,
  ];
}

/**
 * Istio ambient's ztunnel tunnels a connection between ambient pods over HBONE to port 15008 of the server pod
 * (and, where istiod runs with ambient enabled, between an ambient pod and a sidecar): the NetworkPolicies of both
 * ends judge 15008, while the matrix judges the application ports (`src/analysis/mesh/istio/_hbone.ts`). `reach` and
 * `trace` judge the port the connection carries per pair; the matrix names the groups whose isolating policies
 * (ingress for a destination, egress for a source) admit a matrix port and 15008 differently: cells between ambient
 * pods to or from them may be wrong. Asked once per class, as Linkerd's warning is.
 * https://istio.io/latest/docs/ambient/usage/networkpolicy/
 */
export function istioAmbientPortWarnings(engine: PolicyEngine, layout: Layout): string[] {
  if (engine.model.mesh?.name !== 'istio' || !engine.enforced) return [];
  const mesh = compileMesh(engine.model);
  const classes = [...layout.classPods.values()];
  if (!classes.some((pods) => pods.some((p) => mesh.ambient(p)))) return [];
  const admits = (rule: PolicyRule, port: number, p: Pod) =>
    rule.ports === 'all' || rule.ports.some((pp) => portMatches(pp, port, 'TCP', p));
  const matrixPorts = [...new Set(layout.ports.filter((x) => x.protocol === 'TCP').map((x) => x.port))];
  const suspect = new Set<string>();
  for (const pods of classes) {
    const proxied = pods.filter((p) => mesh.ambient(p) || mesh.sidecar(p).meshed);
    if (!proxied.length) continue;
    const one = proxied[0];
    for (const direction of ['Ingress', 'Egress'] as const) {
      const nps = engine.isolating(one, direction);
      const cilium = engine.isolatedBy(one, direction).length > nps.length;
      const rules = nps.flatMap((np) => (direction === 'Ingress' ? np.ingress : np.egress));
      const differs = (p: Pod) =>
        cilium ||
        (direction === 'Ingress' ? p.ports.map((c) => c.containerPort) : matrixPorts).some((port) =>
          rules.some((r) => admits(r, port, p) !== admits(r, hbonePort, p)),
        );
      if (!rules.length && !cilium) continue;
      for (const p of proxied) if (differs(p)) suspect.add(layout.groups[layout.groupOf.get(p)!].name);
    }
  }
  if (!suspect.size) return [];
  const names = [...suspect].sort();
  return [
    `unknown: Istio ambient's ztunnel tunnels connections between ambient pods (and, where istiod enables HBONE, between an ambient pod and a sidecar) to port ${hbonePort} (HBONE), and the NetworkPolicies of ${names.length} mesh group(s) admit their ports and ${hbonePort} differently, so cells between mesh pods to or from them may be wrong (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}); judge a pair with reach or trace`,
  ];
}
