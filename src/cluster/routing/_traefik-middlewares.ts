import type { MiddlewareEffect, TraefikMiddleware } from '../../model/traefik-middleware.ts';
import type { Envelope } from '../_envelope.ts';
import { namespacedMetaOf } from '../_envelope.ts';

export const traefikGroups = ['traefik.io', 'traefik.containo.us'] as const;

/**
 * A Traefik Middleware: each key of `spec` is one middleware; the ones that change where a request goes or the
 * answer are read (redirectScheme, redirectRegex, stripPrefix, stripPrefixRegex, addPrefix, replacePath,
 * replacePathRegex, ipAllowList and its older name ipWhiteList, basicAuth), the others are kept by name.
 * https://doc.traefik.io/traefik/reference/routing-configuration/http/middlewares/overview/
 */
export function readTraefikMiddleware(e: Envelope): TraefikMiddleware {
  const f = e.f;
  const s = (k: string, field: string) => f.str(['spec', k, field]) ?? '';
  const strings = (k: string, field: string) =>
    f.list(['spec', k, field]).flatMap((_, i) => f.str(['spec', k, field, i]) ?? []);
  const effects: MiddlewareEffect[] = Object.keys(f.map(['spec']) ?? {}).map((k): MiddlewareEffect => {
    switch (k) {
      case 'redirectScheme':
        return {
          type: k,
          scheme: s(k, 'scheme') || 'https',
          port: f.str(['spec', k, 'port']),
          permanent: f.bool(['spec', k, 'permanent']) ?? false,
        };
      case 'redirectRegex':
        return {
          type: k,
          regex: s(k, 'regex'),
          replacement: s(k, 'replacement'),
          permanent: f.bool(['spec', k, 'permanent']) ?? false,
        };
      case 'stripPrefix':
        return { type: k, prefixes: strings(k, 'prefixes') };
      case 'stripPrefixRegex':
        return { type: k, regex: strings(k, 'regex') };
      case 'addPrefix':
        return { type: k, prefix: s(k, 'prefix') };
      case 'replacePath':
        return { type: k, path: s(k, 'path') };
      case 'replacePathRegex':
        return { type: k, regex: s(k, 'regex'), replacement: s(k, 'replacement') };
      case 'ipAllowList':
      case 'ipWhiteList':
        // rejectStatusCode exists on ipAllowList only (Traefik v3); 403 by default.
        // https://doc.traefik.io/traefik/reference/routing-configuration/http/middlewares/ipallowlist/
        return {
          type: 'ipAllowList',
          field: k,
          sourceRange: strings(k, 'sourceRange'),
          rejectStatusCode: (k === 'ipAllowList' ? f.int(['spec', k, 'rejectStatusCode']) : undefined) ?? 403,
        };
      case 'basicAuth':
        return { type: 'basicAuth' };
      default:
        return { type: 'other', field: k };
    }
  });
  return { ...namespacedMetaOf(e), group: e.group, effects };
}
