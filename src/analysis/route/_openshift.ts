import type { HttpRequest, RouteDecision, RouteUnknown } from '../../model/routing.ts';
import type { ClusterModel, Service } from '../../model/types.ts';
import type { CertificateChoice } from '../tls/index.ts';
import { compileOpenShiftRouter, hostMatch, routerAssumptions } from '../openshift/index.ts';
import type { Router, Via } from './index.ts';

type Finish = (
  decide: (r: HttpRequest, explain: boolean) => RouteDecision,
  secretFor: Router['secretFor'],
  profile?: undefined,
  viaNotes?: readonly string[],
) => Router;

/**
 * The certificate an OpenShift Route's TLS is served with: passthrough — the pods' own (not in the input); edge and
 * reencrypt — the Route's inline `spec.tls.certificate`, else the router's default certificate (a wildcard for the
 * cluster's ingress domain, not in the input either).
 * https://docs.redhat.com/en/documentation/openshift_container_platform/4.17/html/networking/configuring-routes
 */
function routeCertificate(model: ClusterModel, d: RouteDecision): CertificateChoice | undefined {
  const r = model.routing?.openshiftRoutes?.find((x) => x.key === d.winner?.object);
  if (!r?.tls) return undefined;
  if (r.tls.termination === 'passthrough') return undefined;
  return r.tls.certificate
    ? {
        status: 'ok',
        from: `${r.key} spec.tls.certificate`,
        message: "the Route's own certificate (inline PEM; kubetwin does not check its names or validity)",
      }
    : {
        status: 'router-default',
        from: `${r.key} spec.tls`,
        message:
          "the Route has no certificate of its own: the router serves its default certificate, a wildcard for the cluster's ingress domain that is not in the input (clients accept it only for hosts under that domain)",
      };
}

/** `--via router[:NAME]`: the OpenShift router over the model's Routes. */
export function openshiftRouter(
  model: ClusterModel,
  services: ReadonlyMap<string, Service>,
  via: Extract<Via, { kind: 'router' }>,
  finish: Finish,
): Router | string {
  const routes = model.routing?.openshiftRoutes ?? [];
  if (!routes.length) return 'no OpenShift Route (route.openshift.io/v1) among the manifests';
  const router = compileOpenShiftRouter(model.routing!, services);
  const viaNotes =
    via.name === 'default'
      ? routerAssumptions
      : [
          ...routerAssumptions,
          `assumed: IngressController ${via.name} serves the same Routes as the default one (its sharding is not in the input)`,
        ];
  const base = finish(
    (r, e) => router.route(r, e),
    () => undefined,
    undefined,
    viaNotes,
  );
  return {
    ...base,
    explain(req) {
      const r = base.explain(req);
      return req.scheme === 'https' ? { ...r, certificate: routeCertificate(model, r.decision) } : r;
    },
  };
}

/**
 * On an answer through an Ingress controller or a Gateway: the OpenShift Routes that expose the same host on the
 * OpenShift router, another entry point for it — which one a client reaches depends on where DNS sends it.
 */
export function otherRouterUnknowns(model: ClusterModel, host: string): RouteUnknown[] {
  return (model.routing?.openshiftRoutes ?? [])
    .filter((r) => hostMatch(r, host))
    .map((r) => ({
      object: r.key,
      path: 'spec.host',
      text: `OpenShift Route ${r.namespace}/${r.name}${r.source ? ` at ${r.source.file}:${r.source.line}` : ''} also exposes ${host} on the OpenShift router; which router answers depends on where DNS sends the client (route --via router answers for that one)`,
    }));
}
