import type { Selector } from '../../lib/labels.ts';
import type { NetworkPolicy } from '../../model/types.ts';
import { keepShapes } from './_kept-shapes.ts';

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
 * Selects every policy's pods (`index.select`: the sorted class ids of a selector in a namespace) once and lays the
 * selections out per class and direction: a policy isolates the classes it selects for each of its
 * `policyTypes` (https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies).
 * Counted first, then filled into exact-size arrays (no growing arrays, no per-class allocation).
 */
export function selectPolicies(
  targets: PolicyTargets,
  classes: number,
  index: { select(namespace: string, selector: Selector): Int32Array },
): { ingress: PolicyLists; egress: PolicyLists } {
  const selected = selectEach(targets, index);
  const inStart = new Int32Array(classes + 1);
  const egStart = new Int32Array(classes + 1);
  countPerClass(targets.types, selected, inStart, egStart);
  const inIds = new Int32Array(inStart[classes]);
  const egIds = new Int32Array(egStart[classes]);
  fillPerClass(targets.types, selected, { start: inStart, ids: inIds }, { start: egStart, ids: egIds });
  return { ingress: new PolicyLists(inStart, inIds), egress: new PolicyLists(egStart, egIds) };
}

/*
 * The passes below are functions of their own, as the policy walk's (`_policy-walk.ts`): each loop gets a small
 * optimized-code job of its own instead of one for all four (design note 0008, seventeenth session).
 */

/** Per policy, the classes it selects (none when it has no policyTypes). */
function selectEach(
  targets: PolicyTargets,
  index: { select(namespace: string, selector: Selector): Int32Array },
): Int32Array[] {
  const { types, namespaces, selectors } = targets;
  const n = types.length;
  const selected: Int32Array[] = new Array<Int32Array>(n);
  for (let i = 0; i < n; i++)
    selected[i] = types[i] === 0 ? EMPTY : index.select(namespaces[i], selectors[i]);
  return selected;
}

/** Each class's count of selecting policies per direction, as start offsets (`start[c]..start[c + 1]`). */
function countPerClass(
  types: Uint8Array,
  selected: readonly Int32Array[],
  inStart: Int32Array,
  egStart: Int32Array,
): void {
  for (let i = 0; i < types.length; i++) {
    const ids = selected[i];
    const t = types[i];
    // Counts at c + 1, so the running sum below turns them into start offsets.
    if (t & 1) for (let k = 0; k < ids.length; k++) inStart[ids[k] + 1]++;
    if (t & 2) for (let k = 0; k < ids.length; k++) egStart[ids[k] + 1]++;
  }
  for (let c = 0; c + 1 < inStart.length; c++) {
    inStart[c + 1] += inStart[c];
    egStart[c + 1] += egStart[c];
  }
}

/** Each class's selecting policies per direction, ascending, at its offsets. */
function fillPerClass(
  types: Uint8Array,
  selected: readonly Int32Array[],
  ingress: { readonly start: Int32Array; readonly ids: Int32Array },
  egress: { readonly start: Int32Array; readonly ids: Int32Array },
): void {
  const inAt = ingress.start.slice(0, -1);
  const egAt = egress.start.slice(0, -1);
  const inIds = ingress.ids;
  const egIds = egress.ids;
  for (let i = 0; i < types.length; i++) {
    const ids = selected[i];
    const t = types[i];
    if (t & 1) for (let k = 0; k < ids.length; k++) inIds[inAt[ids[k]]++] = i;
    if (t & 2) for (let k = 0; k < ids.length; k++) egIds[egAt[ids[k]]++] = i;
  }
}

// The lists' shapes, kept for the life of the process (`_kept-shapes.ts`): selection's answer over no policy and
// no class, made by the same code as a compile's.
const listsSample = selectPolicies({ types: new Uint8Array(0), namespaces: [], selectors: [] }, 0, {
  select: () => EMPTY,
});
keepShapes(listsSample, listsSample.ingress);
