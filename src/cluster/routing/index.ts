/**
 * Raw objects → the routing model (Ingress, Gateway API, TLS Secrets, cert-manager objects). Invalid objects
 * are reported with file:line:col and marked invalid, so the builder leaves them out of `others` too.
 */
import { gatewayApiWeightsAtRest } from './_argo-rollouts-gateway-api.ts';
import type { RoutingModel } from '../../model/routing.ts';
import { byNamespaceName } from '../../model/keys.ts';
import type { Envelope } from '../_envelope.ts';
import { readIngress, readIngressClass } from './_ingress.ts';
import { gatewayGroup, readGateway, readGatewayClass, readReferenceGrant } from './_gateway.ts';
import { readRoute } from './_routes.ts';
import { readL4Route } from './_l4routes.ts';
import { mergeListenerSets, readListenerSet } from './_listenersets.ts';
import type { Namespace } from '../../model/types.ts';
import { readBackendTLSPolicy } from './_backend-tls.ts';
import { openshiftRouteGroup, readOpenShiftRoute } from './_openshift-routes.ts';
import { readTraefikMiddleware, traefikGroups } from './_traefik-middlewares.ts';
import { readTraefikIngressRoute } from './_traefik-ingressroutes.ts';
import { envoyGatewayGroup, readEnvoySecurityPolicy } from './_envoy-security-policies.ts';
import { impliedCertificates, readCertificate, readTlsSecret } from './_tls.ts';

export { readRoute } from './_routes.ts';
export { resolveExtensionRefs } from './_extension-refs.ts';

/** Reads every routing object among `envs`; `sink` receives the diagnostics. */
export function buildRouting(envs: readonly Envelope[], namespaces: readonly Namespace[] = []): RoutingModel {
  const of = (kind: string, group: string) =>
    envs.filter((e) => e.kind === kind && e.group === group && !e.f.invalid);
  const keep = <T>(e: Envelope, v: T) => (e.f.invalid ? [] : [v]);
  const ingresses = of('Ingress', 'networking.k8s.io')
    .flatMap((e) => keep(e, readIngress(e)))
    .sort(byNamespaceName);
  const merged = mergeListenerSets(
    of('Gateway', gatewayGroup)
      .flatMap((e) => keep(e, readGateway(e)))
      .sort(byNamespaceName),
    [...of('ListenerSet', gatewayGroup), ...of('XListenerSet', 'gateway.networking.x-k8s.io')]
      .flatMap((e) => keep(e, readListenerSet(e)))
      .sort(byNamespaceName),
    namespaces,
  );
  const gateways = merged.gateways;
  const routes = gatewayApiWeightsAtRest(
    envs,
    [...of('HTTPRoute', gatewayGroup), ...of('GRPCRoute', gatewayGroup)]
      .flatMap((e) => keep(e, readRoute(e)))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  );
  const l4Routes = ['TLSRoute', 'TCPRoute', 'UDPRoute']
    .flatMap((k) => of(k, gatewayGroup))
    .flatMap((e) => keep(e, readL4Route(e)))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const declared = of('Certificate', 'cert-manager.io').map(readCertificate);
  const declaredKeys = new Set(declared.map((c) => c.key));
  const certificates = [
    ...declared,
    ...impliedCertificates(ingresses, gateways).filter((c) => !declaredKeys.has(c.key)),
  ].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const securityPolicies = of('SecurityPolicy', envoyGatewayGroup)
    .flatMap((e) => keep(e, readEnvoySecurityPolicy(e)))
    .sort(byNamespaceName);
  return {
    ingressClasses: of('IngressClass', 'networking.k8s.io').map(readIngressClass).sort(byNamespaceName),
    ingresses,
    gatewayClasses: of('GatewayClass', gatewayGroup).map(readGatewayClass).sort(byNamespaceName),
    gateways,
    routes,
    l4Routes,
    listenerSets: merged.listenerSets,
    referenceGrants: of('ReferenceGrant', gatewayGroup).map(readReferenceGrant).sort(byNamespaceName),
    backendTLSPolicies: of('BackendTLSPolicy', gatewayGroup)
      .flatMap((e) => keep(e, readBackendTLSPolicy(e)))
      .sort(byNamespaceName),
    tlsSecrets: of('Secret', '')
      .flatMap((e) => readTlsSecret(e) ?? [])
      .sort(byNamespaceName),
    certificates,
    issuers: [...of('Issuer', 'cert-manager.io'), ...of('ClusterIssuer', 'cert-manager.io')]
      .map((e) => e.key)
      .sort(),
    openshiftRoutes: of('Route', openshiftRouteGroup)
      .flatMap((e) => keep(e, readOpenShiftRoute(e)))
      .sort(byNamespaceName),
    traefikMiddlewares: traefikGroups
      .flatMap((g) => of('Middleware', g))
      .flatMap((e) => keep(e, readTraefikMiddleware(e)))
      .sort(byNamespaceName),
    traefikIngressRoutes: traefikGroups
      .flatMap((g) => of('IngressRoute', g))
      .flatMap((e) => keep(e, readTraefikIngressRoute(e)))
      .sort(byNamespaceName),
    // Present only when the input holds one, so models without Envoy Gateway policies serialise as before.
    ...(securityPolicies.length ? { envoySecurityPolicies: securityPolicies } : {}),
  };
}
