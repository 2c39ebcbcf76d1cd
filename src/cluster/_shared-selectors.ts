import type { Requirement, Selector } from '../lib/labels.ts';

/** One level of the table: the selectors read so far whose requirements start with the path to this node. */
interface SelectorNode {
  selector?: Selector;
  next?: Map<Requirement, SelectorNode>;
}

/**
 * NetworkPolicy selectors shared within one build: a selector read with the same requirement objects, in the same
 * order, as one read before is that earlier selector. `matchLabels` requirements are already one object per key and
 * value (`labelRequirement`), so the selectors of thousands of policies and peers that name the same labels become
 * a few hundred objects: at realistic 150k, 49,200 selectors are 339; at random-label 100k/50k, 128,158 are 1,175.
 * The policy compile touches every policy's and peer's selector, and most of its time is first touches of objects
 * spread over the heap (design note 0008, fourteenth session). Shared like every model value: nobody mutates one
 * (the model's types are readonly) and the NetworkPolicy engine keys nothing by a selector's identity.
 *
 * Requirements from `matchExpressions` are new objects per read, so their selectors are kept as read (never
 * wrongly shared: two selectors are one object only when their requirement objects are the same ones). One table
 * per `buildNetworkPolicies` call, dropped with it.
 */
export class SharedSelectors {
  readonly #root: SelectorNode = {};

  /** The first selector met with `selector`'s requirement objects in that order (`selector` itself if none). */
  share(selector: Selector): Selector {
    const reqs = selector.requirements;
    // `everything` and `nothing` are shared constants already; a `nothing` selector is never keyed by requirements.
    if (reqs.length === 0 || selector.nothing) return selector;
    let node = this.#root;
    for (let i = 0; i < reqs.length; i++) {
      const next = (node.next ??= new Map());
      let child = next.get(reqs[i]);
      if (!child) next.set(reqs[i], (child = {}));
      node = child;
    }
    return (node.selector ??= selector);
  }
}
