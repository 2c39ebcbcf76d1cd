import type { TraefikIngressRoute, TraefikRoute } from '../../model/traefik-ingressroute.ts';
import type { Envelope } from '../_envelope.ts';
import { namespacedMetaOf } from '../_envelope.ts';

/**
 * A Traefik IngressRoute: `entryPoints`, `routes[]` (match, priority, syntax, services, middlewares) and whether
 * `tls` is set (with its secretName). Routes of another kind than Rule do not exist for HTTP and are skipped.
 * https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/crd/http/ingressroute/
 */
export function readTraefikIngressRoute(e: Envelope): TraefikIngressRoute {
  const f = e.f;
  const meta = namespacedMetaOf(e);
  const strs = (path: (string | number)[]) => f.list(path).flatMap((_, i) => f.str([...path, i]) ?? []);
  const routes = f.list(['spec', 'routes']).map((_, i): TraefikRoute => {
    const at = ['spec', 'routes', i];
    const services = f.list([...at, 'services']).map((_, j) => {
      const s = [...at, 'services', j];
      const port = f.intOrString([...s, 'port']);
      return {
        kind: f.str([...s, 'kind']) || 'Service',
        name: f.str([...s, 'name']) ?? '',
        namespace: f.str([...s, 'namespace']) || meta.namespace,
        ...(port !== undefined ? { port } : {}),
        ...(f.int([...s, 'weight']) !== undefined ? { weight: f.int([...s, 'weight']) } : {}),
      };
    });
    const middlewares = f.list([...at, 'middlewares']).map((_, j) => ({
      name: f.str([...at, 'middlewares', j, 'name']) ?? '',
      namespace: f.str([...at, 'middlewares', j, 'namespace']) || meta.namespace,
    }));
    const priority = f.int([...at, 'priority']);
    const syntax = f.str([...at, 'syntax']);
    const kind = f.str([...at, 'kind']);
    return {
      at: `routes[${i}]`,
      ...(kind ? { kind } : {}),
      match: f.str([...at, 'match']) ?? '',
      ...(priority !== undefined ? { priority } : {}),
      ...(syntax ? { syntax } : {}),
      services,
      middlewares,
    };
  });
  const tls = f.map(['spec', 'tls']);
  const secretName = f.str(['spec', 'tls', 'secretName']);
  return {
    ...meta,
    group: e.group,
    entryPoints: strs(['spec', 'entryPoints']),
    routes,
    ...(tls ? { tls: secretName ? { secretName } : {} } : {}),
  };
}
