/**
 * Envoy Gateway `SecurityPolicy` on a TCP, TLS or UDP connection through a Gateway: only `authorization` applies to
 * such a connection, and only by `principal.clientCIDRs` ("TCP supports Authorization with ClientCIDRs ONLY";
 * internal/gatewayapi/securitypolicy.go validateSecurityPolicyForTCP). Which policy: as for HTTP, a TCPRoute rule
 * (`sectionName`), the TCPRoute, a listener, the Gateway — but per connection the first that carries an
 * `authorization` ("if already set - there's a specific level policy, so skip" sets only the route's Authorization;
 * translateSecurityPolicyForRoute case KindTCPRoute, translateSecurityPolicyForGateway "Apply to TCP listeners
 * (Authorization only)"). A policy on a TCPRoute that also sets cors, basicAuth, jwt, oidc, apiKeyAuth or extAuth is
 * refused there ("only authorization is supported for TCP") and does not apply; one on a Gateway applies its
 * authorization to the TCP listeners whatever else it sets.
 *
 * Versions: the Envoy Gateway docs list TCPRoute among a SecurityPolicy's targets from their current release (v1.7
 * docs; the v1.3 docs name Gateway, HTTPRoute and GRPCRoute only), and later releases changed how rules a TCP
 * listener cannot enforce are treated (release note 9868: unsupported Allow rules skipped, Deny rules fail closed).
 * kubetwin does not know the version that runs: a connection the authorization allows passes under every version
 * (an older one applies nothing), one it denies is unknown (closed by a version that authorizes TCP, passed by one
 * that does not). https://gateway.envoyproxy.io/docs/tasks/security/restrict-ip-access/
 * Pure.
 */
import { parseCidr } from '../../lib/ip.ts';
import type { EnvoySecurityPolicy } from '../../model/envoy-security-policy.ts';
import type { L4Request, RouteUnknown } from '../../model/routing.ts';
import type { SecurityPolicyIndex } from './_security-index.ts';
import { evaluate, levels, strayTargets, type SecurityAt } from './_security-policy.ts';

/** What the SecurityPolicies at a connection's Gateway, listener and route make of it: notes and unknowns. */
export interface SecurityConnectionAnswer {
  readonly notes: readonly string[];
  readonly unknown: readonly RouteUnknown[];
  /** The policy whose authorization was judged (undefined: none carries one here). */
  readonly policy?: EnvoySecurityPolicy['key'];
}

const named = (p: EnvoySecurityPolicy) => `SecurityPolicy ${p.namespace}/${p.name}`;

/**
 * The SecurityPolicy answer for one Layer-4 connection that went through `at` (its route kind in `routeKind`);
 * undefined when no policy is attached there.
 */
export function securityPolicyConnectionAnswer(
  index: SecurityPolicyIndex | undefined,
  at: SecurityAt & { readonly routeKind?: string },
  req: L4Request,
): SecurityConnectionAnswer | undefined {
  if (!index) return undefined;
  const unit = `${req.protocol.toUpperCase()} connection`;
  const notes: string[] = [];
  const unknown: RouteUnknown[] = [...strayTargets(index, at)];
  const found = levels(index, at).flatMap((l, i) =>
    l.policies.length ? [{ label: l.label, p: l.policies[0], onRoute: i < 2 }] : [],
  );
  let chosen: { label: string; p: EnvoySecurityPolicy } | undefined;
  for (const { label, p, onRoute } of found) {
    if (onRoute && at.routeKind !== 'TCPRoute') {
      unknown.push({
        object: p.key,
        path: 'spec.targetRefs',
        text: `${named(p)} targets ${label}: whether Envoy Gateway applies a SecurityPolicy on a ${at.routeKind} to its connections is not modeled by kubetwin`,
      });
      return { notes, unknown, policy: p.key };
    }
    if (!p.authorization) {
      notes.push(
        `${named(p)} (attached to ${label}) sets no authorization: nothing of it applies to a ${unit}`,
      );
      continue;
    }
    if (onRoute && p.features.length) {
      notes.push(
        `${named(p)} (attached to ${label}) also sets ${p.features.join(', ')}: Envoy Gateway refuses it on a TCPRoute (only authorization is supported for TCP) and does not apply it`,
      );
      continue;
    }
    chosen = { label, p };
    break;
  }
  if (!chosen) return found.length || unknown.length ? { notes, unknown } : undefined;
  const { p, label } = chosen;
  const auth = p.authorization!;
  notes.push(`${named(p)} applies its authorization (attached to ${label})`);
  const unsure = (path: string, text: string) => unknown.push({ object: p.key, path, text });
  const bad = auth.rules.flatMap((r) => r.clientCIDRs.filter((c) => !parseCidr(c)).map((c) => ({ r, c })));
  if (auth.defaultActionInvalid)
    unsure(
      'spec.authorization.defaultAction',
      `${named(p)} spec.authorization.defaultAction is neither Allow nor Deny (the CRD refuses it)`,
    );
  else if (bad.length)
    unsure(
      `spec.authorization.rules[${bad[0].r.index}].principal.clientCIDRs`,
      `${named(p)} holds clientCIDR "${bad[0].c}", not a CIDR: Envoy Gateway cannot translate the authorization, and what its ${req.protocol.toUpperCase()} listener then does is not modeled by kubetwin`,
    );
  if (auth.defaultActionInvalid || bad.length) return { notes, unknown, policy: p.key };
  const rewritten = index.addressRewritten.get(at.gateway);
  const addresses = rewritten ? [undefined] : (req.clientAddresses ?? [undefined]);
  const unsureAddress =
    rewritten ??
    'the client address is not known (route: --client-ip ADDRESS, the address Envoy sees as its peer)';
  const outcomes = addresses.map((a) => ({ a, o: evaluate(p, auth, undefined, a, unsureAddress) }));
  const who = req.clientAddresses?.length ? `client ${req.clientAddresses.join(' or ')}` : 'any client';
  if (outcomes.every((x) => x.o.action === 'Allow'))
    notes.push(
      `authorization: ${(outcomes[0].o as { by: string }).by} for ${who}: allowed (a version of Envoy Gateway that does not authorize ${unit}s lets it through too)`,
    );
  else if (outcomes.every((x) => x.o.action === 'Deny'))
    unsure(
      'spec.authorization',
      `${named(p)} authorization: ${(outcomes[0].o as { by: string }).by} denies ${who}: an Envoy Gateway version that authorizes ${unit}s (SecurityPolicy on TCPRoute and TCP listeners, in the current docs; not in v1.3's) closes it, an older one lets it through, and kubetwin does not know which version runs`,
    );
  else
    unsure(
      'spec.authorization',
      `${named(p)} authorization: ${outcomes
        .map((x) => (x.o.action === 'unknown' ? x.o.why : `${x.a}: ${x.o.action} (${x.o.by})`))
        .filter((w, i, all) => all.indexOf(w) === i)
        .join('; ')}`,
    );
  return { notes, unknown, policy: p.key };
}
