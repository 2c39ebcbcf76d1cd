/**
 * Envoy Gateway `SecurityPolicy` on a request through a Gateway: which policy applies, and whether its IP
 * authorization lets the client through.
 *
 * Which policy: one policy applies per route rule, whole (its features are not merged with a less specific one's).
 * Envoy Gateway attaches policies targeting a route rule (`sectionName`) first, then a route, then a Gateway listener
 * (`sectionName`), then the Gateway; a route already holding a policy's features skips the less specific ones. Two
 * policies on the same target: the first in the provider's order (oldest `creationTimestamp`, then namespace/name)
 * attaches, the other is Conflicted. `targetSelectors` select whole objects (no section).
 * (envoyproxy/gateway internal/gatewayapi/securitypolicy.go: ProcessSecurityPolicies, resolveSecurityPolicy*TargetRef,
 * translateSecurityPolicyForRoute/ForGateway "if already set - there's a specific level policy, so skip")
 *
 * Authorization: the rules are tried in order and the first whose conditions all hold decides (Allow or Deny);
 * none: `defaultAction` (Deny when absent). A rule's conditions are ANDed: `principal.clientCIDRs` (any of them holds
 * the client address Envoy sees), `operation.methods` (any), and the ones a route request cannot decide (jwt claims,
 * headers, geolocation, client certificate, path, CEL). A denied request is answered 403 by Envoy's RBAC filter.
 * An authorization that cannot be translated (a clientCIDR that is not a CIDR) makes the route answer 500.
 * (internal/xds/translator/authorization.go buildRBACPerRoute: "The matchers will be evaluated in order, and the first
 * one that matches will be used"; internal/gatewayapi/securitypolicy.go buildAuthorization: "The default action is Deny
 * if not specified")
 * https://gateway.envoyproxy.io/docs/tasks/security/restrict-ip-access/
 * https://gateway.envoyproxy.io/docs/api/extension_types/#authorization
 *
 * The client address is Envoy's downstream remote address: the peer, unless a ClientTrafficPolicy on the Gateway sets
 * `clientIPDetection` (X-Forwarded-For, a custom header) or the PROXY protocol, which kubetwin does not model: then an
 * address-dependent answer is unknown. https://gateway.envoyproxy.io/docs/api/extension_types/#clientipdetectionsettings
 * basicAuth, jwt, oidc, apiKeyAuth and extAuth decide by credentials the input does not hold: unknown, never a pass.
 * Answers read the policies from the index built once with the router (`_security-index.ts`), never the model.
 * Pure.
 */
import { cidrContains, parseCidr, parseIP } from '../../lib/ip.ts';
import type {
  EnvoySecurityPolicy,
  SecurityAuthorization,
  SecurityAuthorizationRule,
} from '../../model/envoy-security-policy.ts';
import type { HttpRequest, RouteUnknown } from '../../model/routing.ts';
import type { ObjectKey } from '../../model/types.ts';
import { gatewayGroup, type SecurityPolicyIndex } from './_security-index.ts';

/** Where a request went: the Gateway, the listener that took it (a Gateway's own), the route and rule that won. */
export interface SecurityAt {
  readonly gateway: ObjectKey;
  readonly listener?: string;
  readonly route?: ObjectKey;
  readonly ruleName?: string;
  /** The ListenerSet whose listener took the request, when not the Gateway's own. */
  readonly listenerSet?: { readonly kind: string; readonly namespace: string; readonly name: string };
}

/** What the SecurityPolicy in effect makes of one request: a status when it answers itself, notes and unknowns. */
export interface SecurityAnswer {
  readonly policy: ObjectKey;
  readonly status?: 403 | 500;
  readonly notes: readonly string[];
  readonly unknown: readonly RouteUnknown[];
}

/** The policies targeting `at`, most specific level first, each level in the provider's order (from the index). */
export function levels(
  index: SecurityPolicyIndex,
  at: SecurityAt,
): { label: string; policies: EnvoySecurityPolicy[] }[] {
  const on = (
    key: ObjectKey | undefined,
    section: (s: string | undefined) => boolean,
    bySelector: boolean,
  ) => {
    const out: EnvoySecurityPolicy[] = [];
    for (const a of (key !== undefined && index.attached.get(key)) || [])
      if ((a.bySelector ? bySelector : section(a.section)) && !out.includes(a.policy)) out.push(a.policy);
    return out;
  };
  const { route, gateway } = at;
  return [
    {
      label: `${route} rule ${at.ruleName}`,
      policies: at.ruleName ? on(route, (s) => s === at.ruleName, false) : [],
    },
    { label: `${route}`, policies: on(route, (s) => s === undefined, true) },
    {
      label: `${gateway} listener ${at.listener}`,
      policies: at.listener ? on(gateway, (s) => s === at.listener, false) : [],
    },
    { label: gateway, policies: on(gateway, (s) => s === undefined, true) },
  ];
}

/**
 * SecurityPolicies naming this answer's Gateway or route with another group than gateway.networking.k8s.io (the CRD
 * refuses it), or the ListenerSet whose listener took the request (not modeled): each is an unknown, never dropped.
 */
export function strayTargets(index: SecurityPolicyIndex, at: SecurityAt): RouteUnknown[] {
  const hits = [
    ...[at.gateway, at.route].flatMap((key) =>
      key === undefined ? [] : (index.refs.get(key) ?? []).filter((r) => r.group !== gatewayGroup),
    ),
    ...(at.listenerSet
      ? (index.refs.get(`${at.listenerSet.kind}/${at.listenerSet.namespace}/${at.listenerSet.name}`) ?? [])
      : []),
  ].sort((a, b) => a.position - b.position);
  return hits.map(({ policy: p, group, kind, name }) => {
    const key = `${kind}/${p.namespace}/${name}`;
    return key === at.gateway || key === at.route
      ? {
          object: p.key,
          path: 'spec.targetRefs',
          text: `SecurityPolicy ${p.namespace}/${p.name} targets ${key} with group "${group}", not gateway.networking.k8s.io: the CRD refuses it, so whether it exists and applies is not known`,
        }
      : {
          object: p.key,
          path: 'spec.targetRefs',
          text: `SecurityPolicy ${p.namespace}/${p.name} targets ${kind} ${p.namespace}/${name}, whose listener took the request: a policy on a ListenerSet is not modeled by kubetwin`,
        };
  });
}

export type Outcome =
  | { readonly action: 'Allow' | 'Deny'; readonly by: string }
  | { readonly action: 'unknown'; readonly why: string };

const ruleName = (p: EnvoySecurityPolicy, r: SecurityAuthorizationRule) =>
  `${p.namespace}/${p.name} spec.authorization.rules[${r.index}]${r.name ? ` (${r.name})` : ''}`;

/**
 * Whether one rule's conditions hold: true, false, or undefined (`why` says what is not known). `method`: the
 * request's; undefined for a TCP/UDP connection, which has none (a rule naming methods is then undecided).
 */
function ruleHolds(
  r: SecurityAuthorizationRule,
  method: string | undefined,
  address: string | undefined,
  unsureAddress: string,
): { holds: boolean | undefined; why?: string } {
  if (method !== undefined && r.methods.length && !r.methods.includes(method.toUpperCase()))
    return { holds: false };
  let why: string | undefined;
  if (r.clientCIDRs.length) {
    const ip = address === undefined ? undefined : parseIP(address);
    if (!ip) why = unsureAddress;
    else if (
      !r.clientCIDRs.some((c) => {
        const x = parseCidr(c);
        return !!x && cidrContains(x, ip);
      })
    )
      return { holds: false };
  }
  const undecidable = [
    ...r.undecidable,
    ...(method === undefined && r.methods.length ? ['operation.methods'] : []),
  ];
  if (undecidable.length)
    why = `it also requires ${undecidable.join(', ')}, which a ${method === undefined ? 'connection' : 'route request'} does not carry`;
  else if (!r.clientCIDRs.length && !r.methods.length) why = 'the rule states no condition kubetwin reads';
  return why ? { holds: undefined, why } : { holds: true };
}

/** The first-match outcome from rule `i` on, for one client address (undefined: not known). */
export function evaluate(
  p: EnvoySecurityPolicy,
  auth: SecurityAuthorization,
  method: string | undefined,
  address: string | undefined,
  unsureAddress: string,
  i = 0,
): Outcome {
  if (i >= auth.rules.length)
    return {
      action: auth.defaultAction,
      by: `${p.namespace}/${p.name} spec.authorization.defaultAction ${auth.defaultAction}${auth.rules.length ? ' (no rule matches)' : ''}`,
    };
  const r = auth.rules[i];
  const { holds, why } = ruleHolds(r, method, address, unsureAddress);
  if (holds === true) return { action: r.action, by: `${ruleName(p, r)} (${r.action}) matches` };
  const rest = evaluate(p, auth, method, address, unsureAddress, i + 1);
  if (holds === false) return rest;
  // Not known whether this rule matches: the answer is sure only when both branches agree.
  if (rest.action === r.action)
    return { action: r.action, by: `${ruleName(p, r)} or what follows it (${r.action} either way)` };
  return { action: 'unknown', why: `whether ${ruleName(p, r)} (${r.action}) matches is not known: ${why}` };
}

/**
 * What the Envoy Gateway SecurityPolicy in effect at `at` makes of `req`; undefined when none applies.
 */
export function securityPolicyAnswer(
  index: SecurityPolicyIndex | undefined,
  at: SecurityAt,
  req: HttpRequest,
): SecurityAnswer | undefined {
  if (!index) return undefined;
  const stray = strayTargets(index, at);
  const found = levels(index, at).find((l) => l.policies.length);
  if (!found) return stray.length ? { policy: stray[0].object, notes: [], unknown: stray } : undefined;
  const [p, ...conflicted] = found.policies;
  const notes = [
    `SecurityPolicy ${p.namespace}/${p.name} applies (attached to ${found.label}; a more specific policy would override it whole)`,
    ...conflicted.map(
      (c) =>
        `SecurityPolicy ${c.namespace}/${c.name} also targets ${found.label}: Conflicted, not applied (${p.namespace}/${p.name} is older or first by name)`,
    ),
  ];
  const unknown: RouteUnknown[] = [...stray];
  const unsure = (path: string, text: string) => unknown.push({ object: p.key, path, text });
  const credentials = p.features.filter((f) => f !== 'cors');
  if (credentials.length)
    unsure(
      `spec.${credentials[0]}`,
      `SecurityPolicy ${p.namespace}/${p.name} checks ${credentials.join(', ')}: it decides by credentials the input does not hold (the request may be refused with 401 or 403)`,
    );
  if (
    p.features.includes('cors') &&
    req.method.toUpperCase() === 'OPTIONS' &&
    req.headers.origin !== undefined
  )
    unsure(
      'spec.cors',
      `SecurityPolicy ${p.namespace}/${p.name} sets cors: Envoy answers this preflight itself from it, which kubetwin does not model`,
    );
  const auth = p.authorization;
  if (!auth) return { policy: p.key, notes, unknown };
  if (auth.defaultActionInvalid) {
    unsure(
      'spec.authorization.defaultAction',
      `SecurityPolicy ${p.namespace}/${p.name} spec.authorization.defaultAction is neither Allow nor Deny (the CRD refuses it)`,
    );
    return { policy: p.key, notes, unknown };
  }
  const bad = auth.rules.flatMap((r) => r.clientCIDRs.filter((c) => !parseCidr(c)).map((c) => ({ r, c })));
  if (bad.length)
    return {
      policy: p.key,
      status: 500,
      notes: [
        ...notes,
        `SecurityPolicy ${p.namespace}/${p.name} spec.authorization.rules[${bad[0].r.index}].principal.clientCIDRs holds "${bad[0].c}", not a CIDR: Envoy Gateway cannot translate the authorization and the route answers 500`,
      ],
      unknown,
    };
  const rewritten = index.addressRewritten.get(at.gateway);
  const addresses = rewritten ? [undefined] : (req.clientAddresses ?? [undefined]);
  const unsureAddress =
    rewritten ??
    'the client address is not known (route: --client-ip ADDRESS, the address Envoy sees as its peer)';
  const outcomes = addresses.map((a) => ({ a, o: evaluate(p, auth, req.method, a, unsureAddress) }));
  const first = outcomes[0].o;
  const same = outcomes.every((x) => x.o.action === first.action);
  if (!same || first.action === 'unknown') {
    const why = outcomes
      .map((x) => (x.o.action === 'unknown' ? x.o.why : `${x.a}: ${x.o.action} (${x.o.by})`))
      .filter((w, i, all) => all.indexOf(w) === i);
    unsure('spec.authorization', `SecurityPolicy ${p.namespace}/${p.name} authorization: ${why.join('; ')}`);
    return { policy: p.key, notes, unknown };
  }
  const who = req.clientAddresses?.length ? `client ${req.clientAddresses.join(' or ')}` : 'any client';
  const by = (first as { by: string }).by;
  if (first.action === 'Deny')
    return {
      policy: p.key,
      status: 403,
      notes: [...notes, `authorization: ${by} for ${who}: Envoy's RBAC filter answers 403 Forbidden`],
      unknown,
    };
  return { policy: p.key, notes: [...notes, `authorization: ${by} for ${who}: allowed`], unknown };
}
