import type { CiliumPortRule } from '../../model/cilium-policy.ts';
import type { Pod } from '../../model/types.ts';
import type { PolicyEngine } from '../policy/index.ts';
import type { Layout, MatrixPort } from './_layout.ts';

/** Does a Cilium `toPorts` entry cover a matrix port at one of `pods` (a named port resolves at the pods)? */
function covers(pr: CiliumPortRule, mp: MatrixPort, pods: readonly Pod[]): boolean {
  if (!pr.ports.length) return true;
  return pr.ports.some((p) => {
    if (p.protocol !== 'ANY' && p.protocol !== mp.protocol) return false;
    if (typeof p.port === 'string')
      return pods.some((pod) =>
        pod.ports.some(
          (cp) => cp.name === p.port && cp.protocol === mp.protocol && cp.containerPort === mp.port,
        ),
      );
    if (p.port === 0) return true;
    return p.endPort !== undefined ? mp.port >= p.port && mp.port <= p.endPort : mp.port === p.port;
  });
}

/**
 * Warnings for the matrix ports where Cilium L7 HTTP rules may apply: an allow rule with `rules.http` on the
 * destination's ingress or the source's egress. A matrix cell is about the L4 connection; the Cilium proxy then
 * judges each request and answers 403 to those no HTTP rule admits
 * (https://docs.cilium.io/en/stable/security/policy/language/#layer-7-examples). Computed once per matrix from
 * the rules of each class in it, never per pod pair; conservative (a rule that does not admit a pair, or an
 * admitting rule without HTTP rules, makes that pair plain L4, and the warning says "may").
 */
export function l7Warnings(engine: PolicyEngine, layout: Layout): string[] {
  const tier = engine.cilium;
  if (!engine.enforced || !tier.active || !tier.policies.length) return [];
  /** `80/TCP` → direction → group names. */
  const found = new Map<string, { ingress: Set<string>; egress: Set<string> }>();
  // An egress rule's named port resolves at the destination: any pod of the matrix may be one.
  let everyPod: Pod[] | undefined;
  for (const [cls, pods] of layout.classPods)
    for (const direction of ['Ingress', 'Egress'] as const) {
      const section = direction === 'Ingress' ? 'ingress' : 'egress';
      for (const i of tier.rulesOf(cls, direction)) {
        const rule = tier.entries[i].rule;
        if (rule.section !== section || rule.toPorts === 'all') continue;
        for (const pr of rule.toPorts) {
          if (!pr.http) continue;
          for (const mp of layout.ports) {
            if (!covers(pr, mp, direction === 'Ingress' ? pods : (everyPod ??= [...layout.groupOf.keys()])))
              continue;
            const key = `${mp.port}/${mp.protocol}`;
            const at = found.get(key) ?? found.set(key, { ingress: new Set(), egress: new Set() }).get(key)!;
            for (const p of pods) at[section].add(layout.groups[layout.groupOf.get(p)!].name);
          }
        }
      }
    }
  const list = (names: Set<string>) => {
    const sorted = [...names].sort();
    return sorted.length > 3
      ? `${sorted.slice(0, 3).join(', ')} and ${sorted.length - 3} more`
      : sorted.join(', ');
  };
  const sortKey = (k: string) => {
    const [port, protocol] = k.split('/');
    return `${protocol}/${port.padStart(5, '0')}`;
  };
  return [...found.keys()]
    .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1))
    .map((k) => {
      const { ingress, egress } = found.get(k)!;
      const where = [
        ...(ingress.size ? [`to ${list(ingress)}`] : []),
        ...(egress.size ? [`from ${list(egress)}`] : []),
      ].join('; ');
      return `L7 HTTP rules apply on ${k} (${where}): cells show the L4 connection; requests may still be answered 403`;
    });
}
