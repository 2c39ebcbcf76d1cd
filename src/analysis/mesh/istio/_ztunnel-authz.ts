/**
 * ztunnel's L4 authorization: which AuthorizationPolicies an ambient server's ztunnel enforces, in the form istiod
 * gives them to it, and what they decide for one connection. The order (DENY, then ALLOW with its default deny) and
 * the matching are the sidecar's (`_authz.ts`), on what ztunnel knows of a connection: the client's identity from
 * HBONE mTLS (none in plaintext), its address, the destination address and port.
 *
 * istiod's conversion (istio/istio pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go,
 * `convertAuthorizationPolicy`, `handleRule`, `l4WhenAttributes`):
 * - a policy with `targetRefs` is a waypoint's, not ztunnel's; CUSTOM and AUDIT are not supported by ztunnel
 *   (istiod reports `UnsupportedValue`) and have no effect there;
 * - L4 attributes are source `principals`, `namespaces`, `serviceAccounts` (a bare name is in the policy's
 *   namespace), `ipBlocks`, operation `ports`, their `not` forms, and the `when` keys source.ip, source.namespace,
 *   source.principal, destination.ip, destination.port; every other field is HTTP (so `remoteIpBlocks` and
 *   `remote.ip` too);
 * - in an ALLOW policy a rule with an HTTP attribute is omitted: it never matches ("Allow rules with HTTP attributes
 *   will be empty and never match"), so such a policy only denies — the l4-policy page's example: the connection is
 *   dropped (https://istio.io/latest/docs/ambient/usage/l4-policy/#layer-7-authorization-policies-without-waypoints-installed);
 * - in a DENY policy the HTTP attributes are dropped ("enforced without the HTTP rules"). Where that leaves a source,
 *   operation or condition empty, istiod means it to match everything, but ztunnel skips an empty match (istio/ztunnel
 *   src/rbac.rs `Authorization::matches`, test `rbac_empty_policy`): both readings are judged, and where they
 *   disagree the answer is unknown.
 */
import type { AuthorizationPolicy, AuthzRule, AuthzSource } from '../../../model/mesh.ts';
import type { Pod } from '../../../model/types.ts';
import { authorize, policiesFor, type AuthzVerdict } from './_authz.ts';
import type { AuthzFacts } from './_authz-match.ts';

const L4_SOURCE = new Set([
  'principals',
  'notPrincipals',
  'namespaces',
  'notNamespaces',
  'serviceAccounts',
  'notServiceAccounts',
  'ipBlocks',
  'notIpBlocks',
]);
const L4_OPERATION = new Set(['ports', 'notPorts']);
const L4_WHEN = new Set([
  'source.ip',
  'source.namespace',
  'source.principal',
  'destination.ip',
  'destination.port',
]);

/** The HTTP attributes of one rule, by name, sorted (what istiod's status lists). */
export function httpAttributes(r: AuthzRule): string[] {
  const found = new Set<string>();
  for (const s of r.from ?? []) for (const k of Object.keys(s.fields)) if (!L4_SOURCE.has(k)) found.add(k);
  for (const o of r.to ?? []) for (const k of Object.keys(o.fields)) if (!L4_OPERATION.has(k)) found.add(k);
  for (const c of r.when) if (!L4_WHEN.has(c.key)) found.add(c.key);
  return [...found].sort();
}

/** `ns/sa` as ztunnel matches it: a bare service account is in the policy's namespace. */
const qualified = (p: AuthorizationPolicy, values: readonly string[]) =>
  values.map((v) => (v.includes('/') ? v : `${p.namespace}/${v}`));

function l4Source(p: AuthorizationPolicy, s: AuthzSource): AuthzSource {
  const fields: Record<string, readonly string[]> = {};
  for (const [k, vs] of Object.entries(s.fields))
    if (L4_SOURCE.has(k)) fields[k] = k.endsWith('erviceAccounts') ? qualified(p, vs!) : vs!;
  return { ...s, fields };
}

/** How an empty match (all its attributes were HTTP) is read: istiod's intent, or what ztunnel's matcher does. */
type Reading = 'matches-all' | 'skipped';

/**
 * One rule as ztunnel holds it under `reading`; undefined: it never matches. `emptied` is set when a part of it was
 * left empty (the two readings may differ).
 */
function l4Rule(p: AuthorizationPolicy, r: AuthzRule, reading: Reading): AuthzRule | undefined {
  const clause = <T extends { fields: object }>(items: readonly T[] | undefined, keep: (x: T) => T) => {
    if (!items) return { items: undefined, never: false };
    const kept = items.map(keep);
    const full = kept.filter((x) => Object.keys(x.fields).length > 0);
    if (full.length === kept.length) return { items: kept, never: false };
    if (reading === 'matches-all') return { items: undefined, never: false };
    return { items: full, never: full.length === 0 };
  };
  const from = clause(r.from, (s) => l4Source(p, s));
  const to = clause(r.to, (o) => ({
    ...o,
    fields: Object.fromEntries(Object.entries(o.fields).filter(([k]) => L4_OPERATION.has(k))),
  }));
  const httpWhen = r.when.some((c) => !L4_WHEN.has(c.key));
  if (from.never || to.never || (httpWhen && reading === 'skipped')) return undefined;
  const { from: _f, to: _t, ...rest } = r;
  return {
    ...rest,
    ...(from.items ? { from: from.items } : {}),
    ...(to.items ? { to: to.items } : {}),
    when: r.when.filter((c) => L4_WHEN.has(c.key)),
  };
}

/** A DENY rule some part of which is empty once its HTTP attributes are dropped. */
const emptied = (p: AuthorizationPolicy, r: AuthzRule) =>
  p.action === 'DENY' &&
  (r.when.some((c) => !L4_WHEN.has(c.key)) ||
    [...(r.from ?? []).map((s) => l4Source(p, s).fields), ...(r.to ?? []).map((o) => o.fields)].some(
      (f) => !Object.keys(f).some((k) => L4_SOURCE.has(k) || L4_OPERATION.has(k)),
    ));

function l4Policy(p: AuthorizationPolicy, reading: Reading): AuthorizationPolicy {
  // An empty match in an ALLOW rule is skipped on either reading: only istiod's DENY conversion means it to match.
  const rules =
    p.action === 'ALLOW'
      ? p.rules.filter((r) => httpAttributes(r).length === 0).flatMap((r) => l4Rule(p, r, 'skipped') ?? [])
      : p.rules.flatMap((r) => l4Rule(p, r, reading) ?? []);
  return { ...p, rules };
}

export interface ZtunnelPolicies {
  /** The ALLOW and DENY policies ztunnel enforces for the pod, as written. */
  readonly enforced: readonly AuthorizationPolicy[];
  /** What istiod leaves out or changes, one sentence each (targetRefs, CUSTOM, AUDIT, HTTP attributes). */
  readonly notes: readonly string[];
}

/** The AuthorizationPolicies of `pod`'s ztunnel: selected as a sidecar's are, less those ztunnel does not run. */
export function ztunnelPolicies(
  policies: readonly AuthorizationPolicy[],
  rootNamespace: string,
  pod: Pod,
): ZtunnelPolicies {
  const notes: string[] = [];
  const enforced: AuthorizationPolicy[] = [];
  for (const p of policiesFor(policies, rootNamespace, pod)) {
    if (p.targetRefs) {
      notes.push(`${p.key} uses targetRefs: a waypoint enforces it, not ztunnel`);
      continue;
    }
    if (p.action === 'CUSTOM' || p.action === 'AUDIT') {
      notes.push(
        `${p.key} is ${p.action}: ztunnel does not support the ${p.action} action (istiod ignores it)`,
      );
      continue;
    }
    enforced.push(p);
    for (const r of p.rules) {
      const http = httpAttributes(r);
      if (!http.length) continue;
      notes.push(
        p.action === 'ALLOW'
          ? `${p.key} spec.rules[${r.index}] uses HTTP attributes (${http.join(', ')}), which ztunnel cannot see: the rule never matches there (a waypoint enforces HTTP rules)`
          : `${p.key} spec.rules[${r.index}] uses HTTP attributes (${http.join(', ')}), which ztunnel cannot see: the DENY rule is enforced without them`,
      );
    }
  }
  return { enforced, notes };
}

/**
 * What ztunnel decides for one connection (`facts` without an HTTP request). Where a DENY rule was left with an
 * empty part and istiod's reading and ztunnel's disagree, the verdict allows with the reason in `unknown`.
 */
export function ztunnelAuthorize(z: ZtunnelPolicies, facts: AuthzFacts): AuthzVerdict {
  const l4 = { ...facts, tcp: true, http: undefined };
  const skipped = authorize(
    z.enforced.map((p) => l4Policy(p, 'skipped')),
    l4,
  );
  const doubtful = z.enforced.flatMap((p) => p.rules.filter((r) => emptied(p, r)).map((r) => ({ p, r })));
  const notes = [...z.notes, ...skipped.notes];
  if (!doubtful.length) return { ...withoutHttp(z, skipped), notes };
  const all = authorize(
    z.enforced.map((p) => l4Policy(p, 'matches-all')),
    l4,
  );
  if (all.allowed === skipped.allowed) return { ...withoutHttp(z, skipped), notes };
  const open = all.allowed ? all : skipped;
  const why = doubtful.map(
    ({ p, r }) =>
      `${p.key} spec.rules[${r.index}] is a DENY rule with a source, operation or condition made only of HTTP attributes: istiod means ztunnel to enforce it as matching every connection, ztunnel's matcher skips an empty match, and which one this Istio runs is not known`,
  );
  return { ...open, notes, unknown: [...new Set([...open.unknown, ...why])].sort() };
}

/**
 * A denial by ALLOW policies whose rules ztunnel omitted (HTTP attributes) says so, rather than that the policy has
 * no rules; the fix is a waypoint (or L4 rules), not a new ALLOW policy.
 */
function withoutHttp(z: ZtunnelPolicies, v: AuthzVerdict): AuthzVerdict {
  const omitted = z.enforced.filter(
    (p) => p.action === 'ALLOW' && p.rules.length && p.rules.every((r) => httpAttributes(r).length),
  );
  if (v.allowed || !omitted.length) return v;
  let reason = v.reason;
  for (const p of omitted)
    reason = reason.replace(
      `${p.key} has no rules: it allows nothing`,
      `${p.key}'s rules all use HTTP attributes, which ztunnel cannot see: they never match there (a waypoint enforces HTTP rules)`,
    );
  const { allowsNothing: _a, ...rest } = v;
  const keys = omitted.map((p) => p.key).join(', ');
  return {
    ...rest,
    reason,
    fix: `enforce ${keys} at a waypoint (targetRefs to it or to the Service, with istio.io/use-waypoint), or write its rules with L4 attributes only`,
  };
}
