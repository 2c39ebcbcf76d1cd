import type { Selector } from '../../lib/labels.ts';
import type { NetworkPolicy } from '../../model/types.ts';

const EMPTY = new Int32Array(0);

/**
 * Per class, the indices of the policies selecting it in one direction, as one compressed list:
 * `ids[start[c]..start[c + 1]]`, ascending (the order of `model.networkPolicies`). One `Int32Array` for every
 * class instead of an array per class: the random-label cluster (100k pods, 50k policies) made ~2M pushes into
 * ~100k growing arrays here, about a fifth of the compile's allocation (design note 0008, eighth session).
 * Never written after `selectPolicies`.
 */
export class PolicyLists {
  readonly start: Int32Array;
  readonly ids: Int32Array;
  /**
   * Per class, its list as a view of `ids` (made on first ask: most readers only count; the array itself too, as
   * a compile whose reader never asks would keep a class-long array for nothing).
   */
  #views?: (Int32Array | undefined)[];

  constructor(start: Int32Array, ids: Int32Array) {
    this.start = start;
    this.ids = ids;
  }

  /** How many policies select class `c`. */
  count(c: number): number {
    return this.start[c + 1] - this.start[c];
  }

  /** The policies selecting class `c` (a view of `ids`; one shared empty list when there are none). */
  of(c: number): Int32Array {
    const from = this.start[c];
    const to = this.start[c + 1];
    if (from === to) return EMPTY;
    const views = (this.#views ??= new Array<Int32Array | undefined>(this.start.length - 1).fill(undefined));
    return (views[c] ??= this.ids.subarray(from, to));
  }
}

/**
 * What selection reads of each policy, gathered by the compile's one walk of the policies (so selecting, which
 * runs after the classes are built, does not touch the policy objects and their `policyTypes` arrays again):
 * per policy index, its `policyTypes` as bits (`typeBits`), its namespace and its podSelector.
 */
export interface PolicyTargets {
  readonly types: Uint8Array;
  readonly namespaces: readonly string[];
  readonly selectors: readonly Selector[];
}

/** A policy's `policyTypes` as bits: 1 Ingress, 2 Egress. */
export function typeBits(policyTypes: NetworkPolicy['policyTypes']): number {
  let t = 0;
  for (let k = 0; k < policyTypes.length; k++)
    t |= policyTypes[k] === 'Ingress' ? 1 : policyTypes[k] === 'Egress' ? 2 : 0;
  return t;
}

/**
 * Selects every policy's pods (`select`: the sorted class ids of a selector in a namespace) once and lays the
 * selections out per class and direction: a policy isolates the classes it selects for each of its
 * `policyTypes` (https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies).
 * Counted first, then filled into exact-size arrays (no growing arrays, no per-class allocation).
 */
export function selectPolicies(
  targets: PolicyTargets,
  classes: number,
  select: (namespace: string, selector: Selector) => Int32Array,
): { ingress: PolicyLists; egress: PolicyLists } {
  const { types, namespaces, selectors } = targets;
  const n = types.length;
  const selected: Int32Array[] = new Array<Int32Array>(n);
  const inStart = new Int32Array(classes + 1);
  const egStart = new Int32Array(classes + 1);
  for (let i = 0; i < n; i++) {
    const t = types[i];
    const ids = t === 0 ? EMPTY : select(namespaces[i], selectors[i]);
    selected[i] = ids;
    // Counts at c + 1, so the running sum below turns them into start offsets.
    if (t & 1) for (let k = 0; k < ids.length; k++) inStart[ids[k] + 1]++;
    if (t & 2) for (let k = 0; k < ids.length; k++) egStart[ids[k] + 1]++;
  }
  for (let c = 0; c < classes; c++) {
    inStart[c + 1] += inStart[c];
    egStart[c + 1] += egStart[c];
  }
  const inIds = new Int32Array(inStart[classes]);
  const egIds = new Int32Array(egStart[classes]);
  const inAt = inStart.slice(0, classes);
  const egAt = egStart.slice(0, classes);
  for (let i = 0; i < n; i++) {
    const ids = selected[i];
    const t = types[i];
    if (t & 1) for (let k = 0; k < ids.length; k++) inIds[inAt[ids[k]]++] = i;
    if (t & 2) for (let k = 0; k < ids.length; k++) egIds[egAt[ids[k]]++] = i;
  }
  return { ingress: new PolicyLists(inStart, inIds), egress: new PolicyLists(egStart, egIds) };
}
