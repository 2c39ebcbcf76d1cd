import type { PeerSets } from '../policy/index.ts';
import type { ReachPlan } from './_reach-plan.ts';

/**
 * The plan's peer sets (`_reach-plan.ts`) as compressed lists: every set's class ids and namespaces, the set of
 * each namespace entry (a piece), and a bitset of `W` words for each set of at least `bigAt` classes (`setDense`:
 * its offset in `dense`, -1 for a small set).
 *
 * Its own function, not a loop of `draftReachPlan`: the draft runs once, and each of its loops was entered by
 * on-stack replacement with no type feedback for the loops after it. Split out, the 1.2M bit writes of the big
 * sets at random-label 100k/50k run in a function optimized for them (design note 0008, fifteenth session).
 */
export function planSets(
  sets: Pick<PeerSets, 'sets' | 'namespacesOf'>,
  W: number,
  bigAt: number,
  alloc: { readonly i32: (n: number) => Int32Array; readonly u32: (n: number) => Uint32Array },
): Pick<ReachPlan, 'setStart' | 'setIds' | 'setNsStart' | 'setNs' | 'pieceSet' | 'setDense' | 'dense'> {
  const { i32, u32 } = alloc;
  const S = sets.sets.length;
  const setStart = i32(S + 1);
  const setNsStart = i32(S + 1);
  const setDense = i32(S).fill(-1);
  let ids = 0;
  let nss = 0;
  let big = 0;
  for (let k = 0; k < S; k++) {
    ids += sets.sets[k].length;
    nss += sets.namespacesOf[k].length;
    if (sets.sets[k].length >= bigAt) setDense[k] = big++ * W;
    setStart[k + 1] = ids;
    setNsStart[k + 1] = nss;
  }
  const setIds = i32(ids);
  const setNs = i32(nss);
  const dense = u32(big * W);
  const pieceSet = i32(nss);
  for (let k = 0; k < S; k++) {
    const members = sets.sets[k];
    setIds.set(members, setStart[k]);
    setNs.set(sets.namespacesOf[k], setNsStart[k]);
    pieceSet.fill(k, setNsStart[k], setNsStart[k + 1]);
    const off = setDense[k];
    if (off >= 0)
      for (let i = 0; i < members.length; i++) dense[off + (members[i] >>> 5)] |= 1 << (members[i] & 31);
  }
  return { setStart, setIds, setNsStart, setNs, pieceSet, setDense, dense };
}
