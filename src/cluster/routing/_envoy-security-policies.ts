import type {
  EnvoySecurityPolicy,
  SecurityAuthorizationRule,
  SecurityPolicyTarget,
} from '../../model/envoy-security-policy.ts';
import type { Envelope } from '../_envelope.ts';
import { namespacedMetaOf } from '../_envelope.ts';

export const envoyGatewayGroup = 'gateway.envoyproxy.io';

const features = ['cors', 'basicAuth', 'jwt', 'oidc', 'apiKeyAuth', 'extAuth'] as const;

/** Principal and operation fields a route request cannot decide (credentials, headers, geography, a CEL program). */
const undecidableFields: readonly (readonly string[])[] = [
  ['principal', 'jwt'],
  ['principal', 'headers'],
  ['principal', 'clientIPGeoLocations'],
  ['principal', 'clientCert'],
  ['operation', 'path'],
  ['cel'],
];

/**
 * An Envoy Gateway SecurityPolicy: its targets, `authorization` (defaultAction, rules with action, clientCIDRs,
 * operation.methods; the fields a request cannot decide named per rule) and the credential features present.
 * https://gateway.envoyproxy.io/docs/api/extension_types/#securitypolicyspec
 * https://gateway.envoyproxy.io/docs/api/extension_types/#authorization
 */
export function readEnvoySecurityPolicy(e: Envelope): EnvoySecurityPolicy {
  const f = e.f;
  const target = (path: (string | number)[]): SecurityPolicyTarget[] => {
    const kind = f.str([...path, 'kind']);
    const name = f.str([...path, 'name']);
    if (!kind || !name) return [];
    const sectionName = f.str([...path, 'sectionName']);
    return [{ group: f.str([...path, 'group']) ?? '', kind, name, ...(sectionName ? { sectionName } : {}) }];
  };
  const targets = [
    ...(f.map(['spec', 'targetRef']) ? target(['spec', 'targetRef']) : []),
    ...f.list(['spec', 'targetRefs']).flatMap((_, i) => target(['spec', 'targetRefs', i])),
  ];
  const auth = f.map(['spec', 'authorization']);
  const rules = f.list(['spec', 'authorization', 'rules']).map((_, i): SecurityAuthorizationRule => {
    const at = ['spec', 'authorization', 'rules', i];
    const strings = (p: string[]) => f.list([...at, ...p]).flatMap((_, j) => f.str([...at, ...p, j]) ?? []);
    const name = f.str([...at, 'name']);
    const action = f.str([...at, 'action']);
    return {
      index: i,
      ...(name ? { name } : {}),
      // The CRD admits Allow and Deny only; another value is named undecidable rather than guessed.
      action: action === 'Deny' ? 'Deny' : 'Allow',
      clientCIDRs: strings(['principal', 'clientCIDRs']),
      methods: strings(['operation', 'methods']).map((m) => m.toUpperCase()),
      undecidable: [
        ...(action === 'Allow' || action === 'Deny' ? [] : ['action']),
        ...undecidableFields.filter((p) => f.get([...at, ...p]) !== undefined).map((p) => p.join('.')),
      ],
    };
  });
  const meta = f.map(['metadata']);
  return {
    ...namespacedMetaOf(e),
    creationTimestamp: typeof meta?.creationTimestamp === 'string' ? meta.creationTimestamp : undefined,
    targets,
    ...(auth
      ? {
          authorization: {
            defaultAction: f.str(['spec', 'authorization', 'defaultAction']) === 'Allow' ? 'Allow' : 'Deny',
            ...(['Allow', 'Deny', undefined].includes(f.str(['spec', 'authorization', 'defaultAction']))
              ? {}
              : { defaultActionInvalid: true }),
            rules,
          },
        }
      : {}),
    features: features.filter((k) => f.get(['spec', k]) !== undefined),
  };
}
