/**
 * Slim Traefik `IngressRoute` (traefik.io/v1alpha1, and the older traefik.containo.us/v1alpha1): the HTTP routers
 * it declares, as `src/cluster/routing/_traefik-ingressroutes.ts` reads them.
 * https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/crd/http/ingressroute/
 */
import type { ObjectMeta } from './types.ts';

/** One `routes[].services[]` entry; `kind` Service (the default) or TraefikService (not modeled). */
export interface TraefikRouteService {
  readonly kind: string;
  readonly name: string;
  /** Defaults to the IngressRoute's namespace. */
  readonly namespace: string;
  readonly port?: number | string;
  /** Weighted round robin weight; undefined: 1. */
  readonly weight?: number;
}

/** One `routes[]` entry of kind Rule: a router of its own. */
export interface TraefikRoute {
  /** `routes[i]`, for answers. */
  readonly at: string;
  /** `kind` as written; Traefik only builds routes of kind Rule (or unset). */
  readonly kind?: string;
  readonly match: string;
  /** `priority` as written; undefined or 0: the length of `match`. */
  readonly priority?: number;
  /** `syntax` (v2 or v3) when written. */
  readonly syntax?: string;
  readonly services: readonly TraefikRouteService[];
  /** Middlewares in order; `namespace` defaults to the IngressRoute's namespace. */
  readonly middlewares: readonly { readonly name: string; readonly namespace: string }[];
}

export interface TraefikIngressRoute extends ObjectMeta {
  readonly namespace: string;
  readonly group: string;
  /** `spec.entryPoints`; empty: every default entry point. */
  readonly entryPoints: readonly string[];
  readonly routes: readonly TraefikRoute[];
  /** `spec.tls` when present: the routers then answer TLS requests only. */
  readonly tls?: { readonly secretName?: string };
}
