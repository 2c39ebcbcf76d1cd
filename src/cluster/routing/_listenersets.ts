import type { Gateway, ListenerOwner, ListenerSet } from '../../model/routing.ts';
import type { Namespace } from '../../model/types.ts';
import { namespaceLabelsByName, selectorAdmits } from '../../lib/namespace-selector.ts';
import type { Envelope } from '../_envelope.ts';
import { namespacedMetaOf } from '../_envelope.ts';
import { gatewayGroup, readListeners } from './_gateway.ts';

/** A ListenerSet as read, before the handshake with its Gateway. */
type ReadListenerSet = Omit<ListenerSet, 'attachment'>;

/**
 * ListenerSet (`gateway.networking.k8s.io/v1`, Standard since v1.5) and XListenerSet
 * (`gateway.networking.x-k8s.io/v1alpha1`): `parentRef` (group `gateway.networking.k8s.io` and kind `Gateway` by
 * default, namespace the ListenerSet's own) and `listeners`, whose entries have the fields and defaults of a
 * Gateway listener. https://gateway-api.sigs.k8s.io/geps/gep-1713/#api
 */
export function readListenerSet(e: Envelope): ReadListenerSet {
  const f = e.f;
  const meta = namespacedMetaOf(e);
  const set: ListenerOwner = {
    kind: e.kind as ListenerOwner['kind'],
    group: e.group,
    namespace: meta.namespace,
    name: meta.name,
    key: meta.key,
  };
  const created = f.map(['metadata'])?.creationTimestamp;
  return {
    ...meta,
    kind: set.kind,
    group: e.group,
    parentRef: {
      group: f.str(['spec', 'parentRef', 'group']) ?? gatewayGroup,
      kind: f.str(['spec', 'parentRef', 'kind']) ?? 'Gateway',
      name: f.str(['spec', 'parentRef', 'name']) ?? '',
      namespace: f.str(['spec', 'parentRef', 'namespace']) ?? meta.namespace,
    },
    listeners: readListeners(f, set.kind, set),
    creationTimestamp: typeof created === 'string' ? created : undefined,
  };
}

/**
 * The ListenerSet handshake and merge (GEP-1713): a Gateway admits no ListenerSet unless its
 * `spec.allowedListeners.namespaces.from` says so (None, the default; Same: the Gateway's namespace; All; Selector:
 * namespaces whose labels match). The listeners of the admitted ones are appended to the Gateway's own in the
 * spec's precedence — the Gateway's, then ListenerSets oldest first (`metadata.creationTimestamp`), then by
 * `{namespace}/{name}` — so that conflicts are decided in that order. A Selector over a namespace the input does not
 * declare knows only its `kubernetes.io/metadata.name` label: when the selector reads another label the handshake is
 * `Unknown` (the namespace's real labels decide), never a sure NotAllowed.
 * https://gateway-api.sigs.k8s.io/geps/gep-1713/#listener-precedence
 * https://gateway-api.sigs.k8s.io/geps/gep-1713/#allowedlisteners ("Selector: ListenerSets in namespaces selected by
 * the selector may be attached to this Gateway")
 */
export function mergeListenerSets(
  gateways: readonly Gateway[],
  sets: readonly ReadListenerSet[],
  namespaces: readonly Namespace[],
): { gateways: Gateway[]; listenerSets: ListenerSet[] } {
  const labels = namespaceLabelsByName(namespaces);
  const byKey = new Map(gateways.map((g) => [`${g.namespace}/${g.name}`, g]));
  const attached = new Map<string, ReadListenerSet[]>();
  const listenerSets = sets.map((s): ListenerSet => {
    const p = s.parentRef;
    const gw =
      p.group === gatewayGroup && p.kind === 'Gateway' ? byKey.get(`${p.namespace}/${p.name}`) : undefined;
    if (!gw)
      return {
        ...s,
        attachment: {
          state: 'NoMatchingParent',
          message:
            p.group === gatewayGroup && p.kind === 'Gateway'
              ? `Gateway ${p.namespace}/${p.name} not found`
              : `parentRef kind ${p.kind} (group ${p.group}) is not a Gateway`,
        },
      };
    const allowed = gw.allowedListeners ?? { from: 'None' as const };
    const ok =
      allowed.from === 'All' ||
      (allowed.from === 'Same' && s.namespace === gw.namespace) ||
      (allowed.from === 'Selector' &&
        !!allowed.selector &&
        selectorAdmits(allowed.selector, s.namespace, labels.get(s.namespace)));
    if (ok === 'unknown')
      return {
        ...s,
        attachment: {
          state: 'Unknown',
          gateway: gw.key,
          message: `${gw.key} admits ListenerSets by namespace labels (spec.allowedListeners.namespaces.selector) and namespace ${s.namespace} is not in the input: whether it is admitted depends on its labels`,
        },
      };
    if (!ok)
      return {
        ...s,
        attachment: {
          state: 'NotAllowed',
          gateway: gw.key,
          message: `${gw.key} does not allow ListenerSets from namespace ${s.namespace} (spec.allowedListeners.namespaces.from: ${allowed.from}${gw.allowedListeners ? '' : ', the default'})`,
        },
      };
    attached.set(gw.key, [...(attached.get(gw.key) ?? []), s]);
    return { ...s, attachment: { state: 'Attached', gateway: gw.key, message: `attached to ${gw.key}` } };
  });
  return {
    gateways: gateways.map((g) => {
      const mine = attached.get(g.key);
      return mine
        ? { ...g, listeners: [...g.listeners, ...[...mine].sort(precedence).flatMap((s) => s.listeners)] }
        : g;
    }),
    listenerSets,
  };
}

/** Oldest first when both carry a creationTimestamp, then `{namespace}/{name}`. */
export function precedence(a: ReadListenerSet, b: ReadListenerSet): number {
  const ta = a.creationTimestamp ?? '';
  const tb = b.creationTimestamp ?? '';
  if (ta && tb && ta !== tb) return ta < tb ? -1 : 1;
  const ka = `${a.namespace}/${a.name}`;
  const kb = `${b.namespace}/${b.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
