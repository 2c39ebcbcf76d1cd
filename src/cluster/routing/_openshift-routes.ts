import type {
  InsecureEdgeTerminationPolicy,
  OpenShiftRoute,
  RouteTarget,
  RouteTermination,
} from '../../model/openshift-route.ts';
import type { PathSegment } from '../../parse/index.ts';
import type { Envelope } from '../_envelope.ts';
import { namespacedMetaOf } from '../_envelope.ts';

export const openshiftRouteGroup = 'route.openshift.io';
const refuse = 'The API server would refuse this Route; kubetwin leaves it out.';
const terminations: readonly RouteTermination[] = ['edge', 'passthrough', 'reencrypt'];
const insecure: readonly InsecureEdgeTerminationPolicy[] = ['None', 'Allow', 'Redirect'];
/** Route fields that change what the router does and that kubetwin names on answers instead of modeling. */
const unmodeledPaths = ['spec.httpHeaders', 'spec.subdomain', 'spec.tls.externalCertificate'];
const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123 = (h: string) => h.length <= 253 && h.split('.').every((l) => label.test(l));

/**
 * OpenShift Route (route.openshift.io/v1), validated as openshift-apiserver validates it: `host` a DNS-1123
 * subdomain, `path` absolute and refused with passthrough termination, `to` (and up to three `alternateBackends`)
 * of kind Service with a weight 0..256 (default 100), `tls.termination` edge, passthrough or reencrypt,
 * `insecureEdgeTerminationPolicy` None, Allow or Redirect (Allow refused for passthrough), `wildcardPolicy` None or
 * Subdomain (Subdomain needs a host).
 * https://docs.redhat.com/en/documentation/openshift_container_platform/4.17/html/network_apis/route-route-openshift-io-v1
 * https://github.com/openshift/openshift-apiserver/blob/master/pkg/route/apis/route/validation/validation.go
 */
export function readOpenShiftRoute(e: Envelope): OpenShiftRoute {
  const f = e.f;
  const bad = (path: PathSegment[], message: string) =>
    f.report('invalid-route', 'error', path, message, refuse);
  const host = f.str(['spec', 'host']) || undefined;
  if (host !== undefined && !dns1123(host))
    bad(
      ['spec', 'host'],
      `host "${host}" must be a lower-case DNS subdomain (DNS-1123), without port or wildcard`,
    );
  const path = f.str(['spec', 'path']) || undefined;
  if (path !== undefined && !path.startsWith('/')) bad(['spec', 'path'], `path "${path}" must begin with /`);
  const target = (at: PathSegment[], where: string): RouteTarget => {
    const kind = f.str([...at, 'kind']) ?? 'Service';
    if (kind !== 'Service') bad([...at, 'kind'], `${where}.kind "${kind}" must be Service`);
    const name = f.str([...at, 'name']) ?? '';
    if (!name) bad([...at, 'name'], `${where}.name is required`);
    return { name, weight: f.int([...at, 'weight']) ?? 100, at: where };
  };
  const to = target(['spec', 'to'], 'spec.to');
  const alternateBackends = f
    .list(['spec', 'alternateBackends'])
    .map((_, i) => target(['spec', 'alternateBackends', i], `spec.alternateBackends[${i}]`));
  if (alternateBackends.length > 3)
    bad(['spec', 'alternateBackends'], `at most 3 alternateBackends (${alternateBackends.length} given)`);
  const termination = f.str(['spec', 'tls', 'termination']);
  const policy = f.str(['spec', 'tls', 'insecureEdgeTerminationPolicy']) || 'None';
  const hasTls = f.get(['spec', 'tls']) !== undefined && f.get(['spec', 'tls']) !== null;
  if (hasTls && !terminations.includes(termination as RouteTermination))
    bad(['spec', 'tls', 'termination'], `tls.termination must be edge, passthrough or reencrypt`);
  if (hasTls && !insecure.includes(policy as InsecureEdgeTerminationPolicy))
    bad(
      ['spec', 'tls', 'insecureEdgeTerminationPolicy'],
      `insecureEdgeTerminationPolicy "${policy}" must be None, Allow or Redirect`,
    );
  if (termination === 'passthrough' && policy === 'Allow')
    bad(
      ['spec', 'tls', 'insecureEdgeTerminationPolicy'],
      'passthrough termination allows insecureEdgeTerminationPolicy None or Redirect only',
    );
  if (termination === 'passthrough' && path !== undefined)
    bad(['spec', 'path'], 'passthrough termination does not support paths');
  const wildcardPolicy = f.str(['spec', 'wildcardPolicy']) ?? 'None';
  if (wildcardPolicy !== 'None' && wildcardPolicy !== 'Subdomain')
    bad(['spec', 'wildcardPolicy'], `wildcardPolicy "${wildcardPolicy}" must be None or Subdomain`);
  else if (wildcardPolicy === 'Subdomain' && !host)
    bad(['spec', 'wildcardPolicy'], 'wildcardPolicy Subdomain needs spec.host');
  const created = f.map(['metadata'])?.creationTimestamp;
  return {
    ...namespacedMetaOf(e),
    host: host?.toLowerCase(),
    path,
    to,
    alternateBackends,
    targetPort: f.intOrString(['spec', 'port', 'targetPort']),
    tls: hasTls
      ? {
          termination: (termination ?? 'edge') as RouteTermination,
          insecureEdgeTerminationPolicy: policy as InsecureEdgeTerminationPolicy,
          certificate: !!f.str(['spec', 'tls', 'certificate']),
          destinationCACertificate: !!f.str(['spec', 'tls', 'destinationCACertificate']),
        }
      : undefined,
    wildcardPolicy: wildcardPolicy as OpenShiftRoute['wildcardPolicy'],
    creationTimestamp: typeof created === 'string' ? created : undefined,
    unmodeled: unmodeledPaths.filter((p) => f.get(p.split('.')) !== undefined),
  };
}
