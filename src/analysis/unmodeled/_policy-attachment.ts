/**
 * Gateway API policy attachment (GEP-713, "Metaresources and Policy Attachment"; GEP-2648 direct and GEP-2649
 * inherited policies): an implementation's own policy object names the object it governs in `spec.targetRef` or
 * `spec.targetRefs` (`group`, `kind`, `name`, optional `sectionName`; same namespace as the policy). Envoy Gateway's
 * SecurityPolicy, BackendTrafficPolicy, ClientTrafficPolicy and EnvoyExtensionPolicy, Kuadrant's AuthPolicy and
 * RateLimitPolicy, NGINX Gateway Fabric's and GKE's policies all attach this way, and each can deny, redirect, retry,
 * rate-limit or rewrite what goes through its target. kubetwin models the policy kinds its catalogue lists at
 * `modeled` or `partial` (BackendTLSPolicy, Istio's AuthorizationPolicy, Envoy Gateway's SecurityPolicy in
 * src/analysis/gateway/_security-policy.ts); any other object that targets the Gateway,
 * the route or a backend Service of an answer makes that answer unknown. Pure.
 * https://gateway-api.sigs.k8s.io/geps/gep-713/ https://gateway-api.sigs.k8s.io/reference/spec/#localpolicytargetreference
 */
import { kindSupport } from '../../model/catalogue.ts';
import type { RouteUnknown } from '../../model/routing.ts';
import type { ClusterModel, ObjectKey, OtherObject } from '../../model/types.ts';
import { everything, matches, type Requirement } from '../../lib/labels.ts';
import { describeObject, groupOf } from './_objects.ts';

/** The canonical keys (`HTTPRoute/ns/name`) an object's `spec.targetRef`/`spec.targetRefs` name, in its namespace. */
export function attachmentTargets(o: OtherObject): ObjectKey[] {
  const spec = o.body.spec as Record<string, unknown> | undefined;
  if (!spec) return [];
  const refs = [spec.targetRef, ...(Array.isArray(spec.targetRefs) ? spec.targetRefs : [])];
  const out: ObjectKey[] = [];
  for (const r of refs) {
    if (!r || typeof r !== 'object') continue;
    const { kind, name, namespace } = r as Record<string, unknown>;
    if (typeof kind !== 'string' || typeof name !== 'string') continue;
    // Older policies (v1alpha2 PolicyTargetReference) may name a namespace; the current ones target their own.
    const ns = typeof namespace === 'string' && namespace ? namespace : o.namespace;
    out.push(kind === 'Namespace' ? `Namespace/${name}` : `${kind}/${ns ?? ''}/${name}`);
  }
  return out;
}

const requirement = (r: unknown): Requirement | undefined => {
  const { key, operator, values } = (r ?? {}) as Record<string, unknown>;
  if (typeof key !== 'string' || !['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(operator as string))
    return undefined;
  const list = Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : [];
  return { key, operator: operator as Requirement['operator'], values: list.sort() };
};

/**
 * The keys of the objects an Envoy Gateway policy's `spec.targetSelectors` select: each selector's `kind` and
 * `group` (default `gateway.networking.k8s.io`), its `matchLabels` and `matchExpressions` ANDed as a label selector
 * (none: every object of the kind), among the objects of the policy's namespace. A requirement kubetwin cannot read
 * selects every object of the kind (the answer says unknown rather than miss the policy).
 * https://gateway.envoyproxy.io/docs/api/extension_types/#targetselector (api/v1alpha1/policy_helpers.go;
 * internal/gatewayapi/policy.go selects by `labels.Selector.Matches`)
 */
export function selectedTargets(o: OtherObject, others: readonly OtherObject[]): ObjectKey[] {
  const spec = o.body.spec as Record<string, unknown> | undefined;
  const selectors = Array.isArray(spec?.targetSelectors) ? (spec.targetSelectors as unknown[]) : [];
  const out = new Set<ObjectKey>();
  for (const raw of selectors) {
    if (!raw || typeof raw !== 'object') continue;
    const t = raw as Record<string, unknown>;
    if (typeof t.kind !== 'string') continue;
    const group = typeof t.group === 'string' ? t.group : 'gateway.networking.k8s.io';
    const labels =
      t.matchLabels && typeof t.matchLabels === 'object' ? (t.matchLabels as Record<string, unknown>) : {};
    const requirements: Requirement[] = Object.keys(labels)
      .sort()
      .map((key) => ({ key, operator: 'In' as const, values: [String(labels[key])] }));
    const expressions = Array.isArray(t.matchExpressions) ? t.matchExpressions.map(requirement) : [];
    const selector = expressions.includes(undefined)
      ? everything
      : { requirements: [...requirements, ...(expressions as Requirement[])] };
    for (const x of others)
      if (
        x.kind === t.kind &&
        groupOf(x.apiVersion) === group &&
        x.namespace === o.namespace &&
        matches(selector, x.labels ?? {})
      )
        out.add(x.key);
  }
  return [...out].sort();
}

/** Whether kubetwin models the object's kind (catalogue level `modeled` or `partial`): then its own analysis answers. */
const modeled = (o: OtherObject) => {
  const level = kindSupport(o.kind, groupOf(o.apiVersion))?.level;
  return level === 'modeled' || level === 'partial';
};

/** An unmodeled object with the keys it targets. */
interface Attached {
  readonly object: OtherObject;
  readonly targets: readonly ObjectKey[];
}

/** Per model: the unmodeled objects that target anything, built once (answers ask many times). */
const attachedOf = new WeakMap<ClusterModel, readonly Attached[]>();

function attachedIn(model: ClusterModel): readonly Attached[] {
  let list = attachedOf.get(model);
  if (!list) {
    list = model.others
      .filter((o) => !modeled(o))
      .map((object) => ({
        object,
        targets: [...attachmentTargets(object), ...selectedTargets(object, model.others)],
      }))
      .filter((a) => a.targets.length > 0);
    attachedOf.set(model, list);
  }
  return list;
}

/**
 * The unmodeled policies attached to any of `targets` (canonical keys: the Gateway, the route, the backend
 * Services of one answer) or to the Namespace of one of them, sorted by key: each becomes one `unknown` of the
 * answer about one `unit` (an HTTP request, or an L4 route's connection).
 */
export function attachedPolicyUnknowns(
  model: ClusterModel,
  targets: readonly (ObjectKey | undefined)[],
  unit: 'request' | 'connection',
): RouteUnknown[] {
  const attached = attachedIn(model);
  if (!attached.length) return [];
  const wanted = new Set<ObjectKey>();
  for (const t of targets) {
    if (!t) continue;
    wanted.add(t);
    const ns = t.split('/')[1];
    if (ns) wanted.add(`Namespace/${ns}`);
  }
  const out: RouteUnknown[] = [];
  for (const { object: o, targets: named } of attached) {
    const hit = named.find((t) => wanted.has(t));
    if (!hit) continue;
    const path = pathOf(o.body.spec as Record<string, unknown> | undefined, hit, o);
    out.push({
      object: o.key,
      path,
      text: `${describeObject({ ...o, group: groupOf(o.apiVersion) })} is attached to ${hit}${path === 'spec.targetSelectors' ? ' by its labels (spec.targetSelectors)' : ''} (Gateway API policy attachment) and kubetwin does not model it: it may deny, redirect, retry or rewrite this ${unit}`,
    });
  }
  return out.sort((a, b) => (a.object < b.object ? -1 : a.object > b.object ? 1 : 0));
}

/** The field that attaches `o` to `hit`: `spec.targetRef`, `spec.targetRefs`, or `spec.targetSelectors`. */
function pathOf(spec: Record<string, unknown> | undefined, hit: ObjectKey, o: OtherObject): string {
  if (spec && 'targetRef' in spec) return 'spec.targetRef';
  return attachmentTargets(o).includes(hit) || !Array.isArray(spec?.targetSelectors)
    ? 'spec.targetRefs'
    : 'spec.targetSelectors';
}

/** The objects one answer went through, as policy targets: its Gateway, its winning route and its backend Services. */
export function answerTargets(
  gateway: ObjectKey | undefined,
  decision: {
    readonly winner?: { readonly object: ObjectKey };
    readonly backends: readonly {
      readonly namespace: string;
      readonly name: string;
      readonly kind?: string;
    }[];
  },
): (ObjectKey | undefined)[] {
  return [
    gateway,
    decision.winner?.object,
    ...decision.backends.map(
      (b) => `${b.kind ? b.kind.replace(/^.*\//, '') : 'Service'}/${b.namespace}/${b.name}`,
    ),
  ];
}
