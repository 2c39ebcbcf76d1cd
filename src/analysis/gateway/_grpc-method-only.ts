import type { RouteMatch, RouteUnknown } from '../../model/routing.ts';
import { describeMatch } from './_match.ts';

/**
 * What an answer cannot decide when a GRPCRoute match that names a method but no service (Exact) wins: the Gateway
 * API supports it at the implementation's choice ("Support: Implementation-specific (Exact with method specified but
 * no service specified)"; Core is service and method together), so a gateway that does not support it may refuse the
 * route rather than route the request by it. Undefined for every other match.
 * https://gateway-api.sigs.k8s.io/reference/spec/#grpcmethodmatch
 */
export function grpcMethodOnlyUnknown(winner: {
  readonly route: { readonly key: string };
  readonly rule: { readonly index: number };
  readonly match: RouteMatch;
}): RouteUnknown | undefined {
  const m = winner.match;
  if (!m.grpcMethod?.startsWith('*/') || m.grpcMethodRegex) return undefined;
  return {
    object: winner.route.key,
    path: `rules[${winner.rule.index}]`,
    text: `${winner.route.key} rules[${winner.rule.index}] (${describeMatch(m)}) names a gRPC method without a service, which the Gateway API leaves to the implementation to support (Core is service and method together): a gateway that does not support it may refuse the route instead`,
  };
}
