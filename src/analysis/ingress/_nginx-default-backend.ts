import type { Ingress, IngressBackend, RouteUnknown } from '../../model/routing.ts';

/** The nginx server a request reached: a rule host (exact or wildcard) or the catch-all server `_`. */
export type NginxServer = { readonly host: string } | { readonly catchAll: true };

/** What answers when no location of the server matches: an Ingress's defaultBackend, or the controller's 404. */
export interface NginxFallback {
  readonly defaultBackend?: { readonly ingress: Ingress; readonly backend: IngressBackend };
  readonly notes: string[];
  readonly unknown: RouteUnknown[];
}

/**
 * ingress-nginx's order of Ingresses: oldest `creationTimestamp` first; equal timestamps by `namespace/name`, the
 * greater first (store.go sortIngressSlice). Without timestamps the order is the ties' one.
 */
const controllerOrder = (a: Ingress, b: Ingress) => {
  const ta = a.creationTimestamp ?? '';
  const tb = b.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const na = `${a.namespace}/${a.name}`;
  const nb = `${b.namespace}/${b.name}`;
  return na === nb ? 0 : na > nb ? -1 : 1;
};

const outcome = (i: Ingress) => {
  const s = i.defaultBackend?.service;
  return s ? `Service ${i.namespace}/${s.name}:${s.port}` : i.defaultBackend ? 'a resource backend' : '404';
};

/**
 * The answer of an ingress-nginx server when none of its locations matches, as createServers builds it
 * (internal/ingress/controller/controller.go): a host's server is created by the first Ingress (in the controller's
 * order) with a rule for that host, and its root location goes to that Ingress's `spec.defaultBackend`, else to the
 * controller's default backend (404); the catch-all server `_` goes to the `spec.defaultBackend` of the first
 * Ingress that has one and no rules ("defines a backend but no rule"), else to the controller's default backend. An
 * Ingress's defaultBackend therefore never answers for another Ingress's host. When the order rests on creation
 * times the manifests do not carry and the candidates disagree, the answer is unknown.
 * https://github.com/kubernetes/ingress-nginx/blob/main/internal/ingress/controller/controller.go (createServers)
 */
export function nginxFallback(server: NginxServer, ingresses: readonly Ingress[]): NginxFallback {
  const candidates = (
    'host' in server
      ? ingresses.filter((i) => i.rules.some((r) => r.host === server.host))
      : ingresses.filter((i) => i.defaultBackend && !i.rules.length)
  ).sort(controllerOrder);
  const first = candidates[0];
  const where = 'host' in server ? `server ${server.host}` : 'the catch-all server';
  const notes: string[] = [];
  const unknown: RouteUnknown[] = [];
  const outcomes = new Set(candidates.map(outcome));
  if (outcomes.size > 1 && candidates.some((i) => i.creationTimestamp === undefined))
    unknown.push({
      object: first.key,
      ...(first.defaultBackend ? { path: 'spec.defaultBackend' } : {}),
      text: `${candidates.map((i) => `${i.key} (${outcome(i)})`).join(', ')} could each set the default of ${where}: ingress-nginx takes the oldest Ingress (creationTimestamp), which the manifests do not say — kubetwin shows ${first.key}`,
    });
  if (!first?.defaultBackend) {
    // Said only when another Ingress's defaultBackend might have been expected to answer here.
    if (first && ingresses.some((i) => i.defaultBackend))
      notes.push(
        `${where} was created by ${first.key}, which has no spec.defaultBackend: unmatched requests get the controller's default backend`,
      );
    return { notes, unknown };
  }
  const others = ingresses.filter((i) => i.defaultBackend && i !== first);
  if (others.length)
    notes.push(
      `${first.key}'s spec.defaultBackend answers for ${where}; ingress-nginx applies an Ingress's defaultBackend only to the hosts whose server it creates (or to the catch-all server when it has no rules), so ${others.map((i) => i.key).join(', ')} ${others.length > 1 ? 'do' : 'does'} not answer here`,
    );
  return { defaultBackend: { ingress: first, backend: first.defaultBackend }, notes, unknown };
}
