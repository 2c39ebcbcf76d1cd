import { matches, type Selector } from '../../lib/labels.ts';
import { formatIP, parseCidr } from '../../lib/ip.ts';
import type { ClusterModel, Pod, Protocol } from '../../model/types.ts';
import type { LabPod } from './types.ts';

/**
 * Selector and port resolution as a policy-enforcing CNI does it before programming the data plane: selectors
 * become sets of pod addresses, named ports become numbers per pod. Written from the API reference, apart from the
 * policy engine, so that the lab checks the engine rather than repeating it.
 * https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/
 */
export class Resolver {
  readonly #nsLabels = new Map<string, Readonly<Record<string, string>>>();
  readonly #podOf = new Map<string, Pod>();
  readonly #nodeLabels = new Map<string, Readonly<Record<string, string>>>();
  readonly pods: readonly LabPod[];

  constructor(model: ClusterModel, pods: readonly LabPod[]) {
    for (const ns of model.namespaces) this.#nsLabels.set(ns.name, ns.labels);
    for (const p of model.pods) this.#podOf.set(p.key, p);
    for (const n of model.nodes) this.#nodeLabels.set(n.name, n.labels);
    this.pods = pods;
  }

  pod(lp: LabPod): Pod {
    return this.#podOf.get(lp.key)!;
  }

  nsLabels(namespace: string): Readonly<Record<string, string>> {
    return this.#nsLabels.get(namespace) ?? {};
  }

  nodeLabels(node: string): Readonly<Record<string, string>> {
    return this.#nodeLabels.get(node) ?? {};
  }

  /** Lab pods whose namespace matches `nsSel` (or is `namespace` when `nsSel` is undefined) and labels `podSel`. */
  select(nsSel: Selector | undefined, podSel: Selector | undefined, namespace?: string): LabPod[] {
    return this.pods.filter((lp) => {
      const pod = this.pod(lp);
      const nsOk = nsSel ? matches(nsSel, this.nsLabels(pod.namespace)) : pod.namespace === namespace;
      return nsOk && (!podSel || matches(podSel, pod.labels));
    });
  }

  /** Container ports of a pod with this name (and protocol, when given). */
  named(lp: LabPod, name: string, protocol?: Protocol): { port: number; protocol: Protocol }[] {
    return this.pod(lp)
      .ports.filter((cp) => cp.name === name && (!protocol || cp.protocol === protocol))
      .map((cp) => ({ port: cp.containerPort, protocol: cp.protocol }));
  }
}

export const nftProto = (p: Protocol) => p.toLowerCase();

/** `{ a, b }` with sorted, de-duplicated elements; undefined when empty (the match can never hold). */
export function nftSet(elements: Iterable<string>): string | undefined {
  const list = [...new Set(elements)].sort();
  return list.length ? `{ ${list.join(', ')} }` : undefined;
}

/** Only IPv4 CIDRs reach the lab's IPv4 data plane; in canonical network form (host bits cleared), as nft wants. */
export function v4Cidr(text: string): string | undefined {
  const c = parseCidr(text);
  if (!c || c.family !== 4) return undefined;
  return `${formatIP({ family: 4, value: c.base })}/${c.prefix}`;
}
