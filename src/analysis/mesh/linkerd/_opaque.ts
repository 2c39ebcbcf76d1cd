/**
 * Whether a meshed Linkerd client proxies a Service port as opaque TCP (no protocol detection, so no HTTP
 * routing: HTTPRoutes and ServiceProfile routes do not apply, every ready endpoint takes connections):
 * - the Service's `config.linkerd.io/opaque-ports` annotation (ports, `a-b` ranges), which the proxy injector
 *   copies from the namespace onto a Service that has none (linkerd/linkerd2#5766); it replaces the default list;
 * - without one, Linkerd's default opaque ports: 25, 587 (SMTP), 3306 (MySQL), 4444 (Galera), 5432 (Postgres),
 *   6379 (Redis), 9300 (ElasticSearch), 11211 (Memcache), as of 2.12;
 * - the port's `appProtocol: linkerd.io/opaque` (Linkerd 2.18, edge-25.2.3); from 2.18 (edge-25.4.4) another
 *   appProtocol than HTTP ones is opaque too, which depends on the version: unknown.
 * Port names do not matter to Linkerd (`tcp-…` is Istio's convention).
 * https://linkerd.io/2.15/features/protocol-detection/
 */
import type { Namespace, Service, ServicePort } from '../../../model/types.ts';
import { portListed } from './_inbound.ts';

export const opaquePortsAnnotation = 'config.linkerd.io/opaque-ports';
export const defaultOpaquePorts: readonly number[] = [25, 587, 3306, 4444, 5432, 6379, 9300, 11211];

/** appProtocol values Linkerd routes as HTTP (Kubernetes' well-known ones and plain http). */
const httpAppProtocols = new Set(['http', 'kubernetes.io/h2c', 'kubernetes.io/ws']);

export type LinkerdPortProtocol =
  | { readonly opaque: false }
  | { readonly opaque: true; readonly by: string }
  | { readonly opaque: 'unknown'; readonly by: string };

/** How a meshed client's Linkerd proxy treats `sp` of `svc` (namespace `ns` for the inherited annotation). */
export function linkerdPortProtocol(
  svc: Service,
  sp: ServicePort,
  ns: Namespace | undefined,
): LinkerdPortProtocol {
  const app = sp.appProtocol?.toLowerCase();
  if (app === 'linkerd.io/opaque') return { opaque: true, by: `its appProtocol ${sp.appProtocol}` };
  const own = svc.annotations[opaquePortsAnnotation];
  const inherited = own === undefined ? ns?.annotations[opaquePortsAnnotation] : undefined;
  const list = own ?? inherited;
  if (list !== undefined) {
    if (portListed(list, sp.port))
      return {
        opaque: true,
        by:
          own !== undefined
            ? `the Service's ${opaquePortsAnnotation} annotation (${list})`
            : `${opaquePortsAnnotation} (${list}) on namespace ${svc.namespace}, which the proxy injector copies onto the Service`,
      };
  } else if (defaultOpaquePorts.includes(sp.port))
    return { opaque: true, by: `Linkerd's default opaque ports (${defaultOpaquePorts.join(', ')})` };
  if (app && !httpAppProtocols.has(app))
    return {
      opaque: 'unknown',
      by: `its appProtocol ${sp.appProtocol}: Linkerd 2.18 and later proxy a port with an appProtocol they do not know as opaque TCP (no HTTP routes), earlier versions detect the protocol`,
    };
  return { opaque: false };
}
