/**
 * Raw Linkerd policy objects (policy.linkerd.io) → slim records: Server, ServerAuthorization,
 * AuthorizationPolicy, MeshTLSAuthentication, NetworkAuthentication. What Linkerd's admission webhook or CRD
 * schema refuses (a Server without a port, a client with neither meshTLS nor unauthenticated, a target kind it
 * does not know, a CIDR that does not parse) is reported at its line and makes the object invalid, so it is
 * left out. https://linkerd.io/2.15/reference/authorization-policy/
 */
import { everything } from '../../lib/labels.ts';
import { parseCidr } from '../../lib/ip.ts';
import {
  linkerdDefaultPolicies,
  type LinkerdAuthorizationPolicy,
  type LinkerdDefaultPolicy,
  type LinkerdEgressNetwork,
  type LinkerdNetwork,
  type LinkerdRef,
  type LinkerdServer,
  type MeshTLSAuthentication,
  type NetworkAuthentication,
  type ServerAuthorization,
} from '../../model/mesh.ts';
import type { PathSegment } from '../../parse/index.ts';
import { namespacedMetaOf, type Envelope } from '../_envelope.ts';
import type { FieldReader } from '../_fields.ts';
import { readSelector } from '../_selectors.ts';

export const linkerdPolicyGroup = 'policy.linkerd.io';
const refused = "Linkerd's admission webhook refuses it, so kubetwin leaves the object out.";

const created = (f: FieldReader) => {
  const t = f.get(['metadata', 'creationTimestamp']);
  return typeof t === 'string' ? t : undefined;
};

/** A `config.linkerd.io/default-inbound-policy` value, or undefined (with an error at `at`) when it is not one. */
export function defaultPolicyValue(v: string | undefined): LinkerdDefaultPolicy | undefined {
  return v !== undefined && (linkerdDefaultPolicies as readonly string[]).includes(v)
    ? (v as LinkerdDefaultPolicy)
    : undefined;
}

function networks(f: FieldReader, at: PathSegment[]): LinkerdNetwork[] {
  return f.list(at).map((_, i) => {
    const cidr = f.str([...at, i, 'cidr']) ?? '';
    if (!parseCidr(cidr))
      f.report(
        'invalid-mesh-policy',
        'error',
        [...at, i, 'cidr'],
        `cidr "${cidr}" is not a CIDR; ${refused}`,
      );
    const except = f.list([...at, i, 'except']).map((__, j) => {
      const x = f.str([...at, i, 'except', j]) ?? '';
      if (!parseCidr(x))
        f.report(
          'invalid-mesh-policy',
          'error',
          [...at, i, 'except', j],
          `except "${x}" is not a CIDR; ${refused}`,
        );
      return x;
    });
    return { cidr, except };
  });
}

/** A Server: podSelector, port (number or name), proxyProtocol and v1beta3 accessPolicy. */
export function readServer(e: Envelope): LinkerdServer {
  const f = e.f;
  const port = f.intOrString(['spec', 'port']);
  if (port === undefined)
    f.report('invalid-mesh-policy', 'error', ['spec', 'port'], `a Server needs spec.port; ${refused}`);
  const access = f.str(['spec', 'accessPolicy']);
  const accessPolicy = defaultPolicyValue(access);
  if (access !== undefined && !accessPolicy)
    f.report(
      'invalid-mesh-policy',
      'error',
      ['spec', 'accessPolicy'],
      `accessPolicy "${access}" is not one of ${linkerdDefaultPolicies.join(', ')}; ${refused}`,
    );
  return {
    ...namespacedMetaOf(e),
    podSelector:
      f.get(['spec', 'podSelector']) !== undefined
        ? (readSelector(f, ['spec', 'podSelector']) ?? everything)
        : { requirements: [], nothing: true },
    port: port ?? 0,
    proxyProtocol: f.str(['spec', 'proxyProtocol']) ?? 'unknown',
    ...(accessPolicy ? { accessPolicy } : {}),
    creationTimestamp: created(f),
  };
}

/** A ServerAuthorization: the Server (name or selector) and the client (meshTLS or unauthenticated, networks). */
export function readServerAuthorization(e: Envelope): ServerAuthorization {
  const f = e.f;
  const ns = e.namespace ?? 'default';
  const name = f.str(['spec', 'server', 'name']);
  const selector = f.map(['spec', 'server', 'selector'])
    ? readSelector(f, ['spec', 'server', 'selector'])
    : undefined;
  if (!name === !selector)
    f.report(
      'invalid-mesh-policy',
      'error',
      ['spec', 'server'],
      `spec.server needs exactly one of name, selector; ${refused}`,
    );
  const c = ['spec', 'client'];
  const unauthenticated = f.bool([...c, 'unauthenticated']) ?? false;
  const hasTls = f.map([...c, 'meshTLS']) !== undefined;
  if (unauthenticated === hasTls)
    f.report(
      'invalid-mesh-policy',
      'error',
      c,
      `spec.client needs exactly one of meshTLS, unauthenticated: true; ${refused}`,
    );
  const m = [...c, 'meshTLS'];
  return {
    ...namespacedMetaOf(e),
    server: { ...(name ? { name } : {}), ...(selector ? { selector } : {}) },
    client: {
      unauthenticated,
      ...(hasTls
        ? {
            meshTLS: {
              unauthenticatedTLS: f.bool([...m, 'unauthenticatedTLS']) ?? false,
              identities: f.list([...m, 'identities']).map((_, i) => f.str([...m, 'identities', i]) ?? ''),
              serviceAccounts: f.list([...m, 'serviceAccounts']).map((_, i) => ({
                name: f.str([...m, 'serviceAccounts', i, 'name']) ?? '',
                namespace: f.str([...m, 'serviceAccounts', i, 'namespace']) ?? ns,
              })),
            },
          }
        : {}),
      ...(f.get([...c, 'networks']) !== undefined ? { networks: networks(f, [...c, 'networks']) } : {}),
    },
  };
}

function ref(f: FieldReader, at: PathSegment[]): LinkerdRef {
  return {
    group: f.str([...at, 'group']) ?? '',
    kind: f.str([...at, 'kind']) ?? '',
    name: f.str([...at, 'name']) ?? '',
    ...(f.str([...at, 'namespace']) ? { namespace: f.str([...at, 'namespace']) } : {}),
    source: f.raw.locate(at),
  };
}

/** A kind Linkerd accepts in a reference: its API group (`''` for the core group) and its kind. */
interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/** AuthorizationPolicy `targetRef` kinds (the policy controller's `validate_policy_target` and index `target`). */
export const linkerdTargetKinds: readonly GroupKind[] = [
  { group: linkerdPolicyGroup, kind: 'Server' },
  { group: linkerdPolicyGroup, kind: 'HTTPRoute' },
  { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' },
  { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute' },
  { group: '', kind: 'Namespace' },
];

/** `requiredAuthenticationRefs` kinds (the policy controller's index `authentication_ref`). */
export const linkerdAuthenticationKinds: readonly GroupKind[] = [
  { group: linkerdPolicyGroup, kind: 'MeshTLSAuthentication' },
  { group: linkerdPolicyGroup, kind: 'NetworkAuthentication' },
  { group: '', kind: 'ServiceAccount' },
];

const canonicalKind = (k: GroupKind) => (k.group ? `${k.kind}.${k.group}` : k.kind);

/**
 * The kind of `allowed` a reference names, as Linkerd's policy controller decides it (`targets_kind`): the group
 * (absent or empty meaning `core`) and the kind must both match, each compared without regard to ASCII case.
 * Undefined when none does: the kind name alone never matches (a ServiceAccount with group policy.linkerd.io is
 * no ServiceAccount). https://github.com/linkerd/linkerd2/blob/main/policy-controller/k8s/api/src/policy/mod.rs
 * (`targets_kind`) · https://linkerd.io/2.15/reference/authorization-policy/
 */
export function linkerdRefKind(
  ref: { readonly group: string; readonly kind: string },
  allowed: readonly GroupKind[],
): GroupKind | undefined {
  const group = (ref.group || 'core').toLowerCase();
  const kind = ref.kind.toLowerCase();
  return allowed.find((k) => (k.group || 'core').toLowerCase() === group && k.kind.toLowerCase() === kind);
}

/** The reference at `at`, its group and kind spelled as Linkerd's types are when it names one of `allowed`. */
function checkedRef(
  f: FieldReader,
  at: PathSegment[],
  allowed: readonly GroupKind[],
  what: string,
): LinkerdRef {
  const r = ref(f, at);
  const k = linkerdRefKind(r, allowed);
  if (k) return { ...r, group: k.group, kind: k.kind };
  const named = f.str([...at, 'group']) === undefined ? r.kind : canonicalKind(r);
  const sameName = allowed.some((x) => x.kind.toLowerCase() === r.kind.toLowerCase());
  f.report(
    'invalid-mesh-policy',
    'error',
    [...at, sameName ? 'group' : 'kind'],
    `${what} ${named || '(no kind)'} is not one of ${allowed.map(canonicalKind).join(', ')} (group and kind must both match; an absent group is the core group); ${refused}`,
  );
  return r;
}

/** An AuthorizationPolicy: targetRef (Server, HTTPRoute or its Namespace) and requiredAuthenticationRefs. */
export function readLinkerdAuthorizationPolicy(e: Envelope): LinkerdAuthorizationPolicy {
  const f = e.f;
  const targetRef = checkedRef(f, ['spec', 'targetRef'], linkerdTargetKinds, 'targetRef');
  if (targetRef.kind === 'Namespace' && targetRef.name !== (e.namespace ?? 'default'))
    f.report(
      'invalid-mesh-policy',
      'error',
      ['spec', 'targetRef', 'name'],
      `a Namespace target must be the policy's own namespace (${e.namespace ?? 'default'}); ${refused}`,
    );
  const refs = f
    .list(['spec', 'requiredAuthenticationRefs'])
    .map((_, i) =>
      checkedRef(
        f,
        ['spec', 'requiredAuthenticationRefs', i],
        linkerdAuthenticationKinds,
        'requiredAuthenticationRefs entry',
      ),
    );
  return { ...namespacedMetaOf(e), targetRef, requiredAuthenticationRefs: refs };
}

/** `identityRefs` kinds (the policy controller's `meshtls_authentication.rs`): a ServiceAccount or a Namespace. */
export const linkerdIdentityRefKinds: readonly GroupKind[] = [
  { group: '', kind: 'ServiceAccount' },
  { group: '', kind: 'Namespace' },
];

/**
 * A MeshTLSAuthentication: identities and identityRefs. A ServiceAccount ref is that account's identity (its
 * `namespace` defaulting to the authentication's); a Namespace ref is every ServiceAccount identity of the
 * namespace it names (`*.NS.serviceaccount.identity.linkerd.DOMAIN`), as the policy controller's
 * `namespace_identity` builds it. https://github.com/linkerd/linkerd2/blob/main/policy-controller/k8s/index/src/inbound/meshtls_authentication.rs
 */
export function readMeshTLSAuthentication(e: Envelope): MeshTLSAuthentication {
  const f = e.f;
  const ns = e.namespace ?? 'default';
  const identities = f.list(['spec', 'identities']).map((_, i) => f.str(['spec', 'identities', i]) ?? '');
  const identityRefs = f
    .list(['spec', 'identityRefs'])
    .flatMap((_, i): MeshTLSAuthentication['identityRefs'] => {
      const at = ['spec', 'identityRefs', i];
      const r = checkedRef(f, at, linkerdIdentityRefKinds, 'identityRefs entry');
      const name = f.str([...at, 'name']);
      if (r.kind === 'Namespace')
        return [{ kind: 'Namespace', ...(name ? { name } : {}), namespace: name ?? '' }];
      if (r.kind !== 'ServiceAccount') return [];
      return [
        { kind: 'ServiceAccount', ...(name ? { name } : {}), namespace: f.str([...at, 'namespace']) ?? ns },
      ];
    });
  if (!identities.length && !f.list(['spec', 'identityRefs']).length)
    f.report('invalid-mesh-policy', 'error', ['spec'], `spec needs identities or identityRefs; ${refused}`);
  return { ...namespacedMetaOf(e), identities, identityRefs };
}

/** A NetworkAuthentication: networks (cidr, except). */
export function readNetworkAuthentication(e: Envelope): NetworkAuthentication {
  const f = e.f;
  const nets = networks(f, ['spec', 'networks']);
  if (!nets.length)
    f.report(
      'invalid-mesh-policy',
      'error',
      ['spec', 'networks'],
      `spec.networks needs at least one network; ${refused}`,
    );
  return { ...namespacedMetaOf(e), networks: nets };
}

/**
 * Linkerd `EgressNetwork`: `networks` (none: everything outside the cluster networks) and `trafficPolicy`, which the
 * CRD requires to be Allow or Deny. https://linkerd.io/2.17/reference/egress-network/
 */
export function readEgressNetwork(e: Envelope): LinkerdEgressNetwork {
  const f = e.f;
  const policy = f.str(['spec', 'trafficPolicy']);
  if (policy !== 'Allow' && policy !== 'Deny')
    f.report(
      'invalid-mesh-policy',
      'error',
      ['spec', 'trafficPolicy'],
      `spec.trafficPolicy must be Allow or Deny (got ${policy === undefined ? 'none' : `"${policy}"`}); ${refused}`,
    );
  const t = f.get(['metadata', 'creationTimestamp']);
  return {
    ...namespacedMetaOf(e),
    networks: networks(f, ['spec', 'networks']),
    trafficPolicy: policy === 'Deny' ? 'Deny' : 'Allow',
    creationTimestamp: typeof t === 'string' ? t : undefined,
  };
}
