/**
 * Slim Traefik `Middleware` (traefik.io/v1alpha1, and the older traefik.containo.us/v1alpha1): the middlewares that
 * change where a request goes or the answer, as `src/cluster/routing/_traefik-middlewares.ts` reads them.
 * https://doc.traefik.io/traefik/reference/routing-configuration/http/middlewares/overview/
 */
import type { ObjectMeta } from './types.ts';

export type MiddlewareEffect =
  | {
      readonly type: 'redirectScheme';
      readonly scheme: string;
      readonly port?: string;
      readonly permanent: boolean;
    }
  | {
      readonly type: 'redirectRegex';
      readonly regex: string;
      readonly replacement: string;
      readonly permanent: boolean;
    }
  | { readonly type: 'stripPrefix'; readonly prefixes: readonly string[] }
  | { readonly type: 'stripPrefixRegex'; readonly regex: readonly string[] }
  | { readonly type: 'addPrefix'; readonly prefix: string }
  | { readonly type: 'replacePath'; readonly path: string }
  | { readonly type: 'replacePathRegex'; readonly regex: string; readonly replacement: string }
  | {
      readonly type: 'ipAllowList';
      readonly field: 'ipAllowList' | 'ipWhiteList';
      readonly sourceRange: readonly string[];
      /** `ipAllowList.rejectStatusCode`: what a refused client gets (403 by default). */
      readonly rejectStatusCode: number;
    }
  | { readonly type: 'basicAuth' }
  /** A middleware kubetwin does not model (headers, chain, rateLimit, forwardAuth, errors, …): named on answers. */
  | { readonly type: 'other'; readonly field: string };

export interface TraefikMiddleware extends ObjectMeta {
  readonly namespace: string;
  readonly group: string;
  /** One per key of `spec`, in the order written. */
  readonly effects: readonly MiddlewareEffect[];
}
