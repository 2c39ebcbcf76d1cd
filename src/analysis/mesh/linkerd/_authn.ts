/**
 * Whether one Linkerd authorization admits a client: a ServerAuthorization's `client`, or an
 * AuthorizationPolicy's `requiredAuthenticationRefs` (every one must be satisfied). A plaintext client has no
 * identity, so it satisfies only network authentications and `unauthenticated: true`.
 * https://linkerd.io/2.15/reference/authorization-policy/
 */
import { cidrContains, parseCidr, parseIP } from '../../../lib/ip.ts';
import type {
  LinkerdAuthorizationPolicy,
  LinkerdNetwork,
  LinkerdPolicy,
  ServerAuthorization,
} from '../../../model/mesh.ts';
import type { Tri } from '../istio/_tri.ts';

/** The client as the server's proxy sees it: its mTLS identity (absent: plaintext) and source address. */
export interface LinkerdClient {
  readonly identity?: string;
  readonly ip?: string;
}

export interface Admission {
  readonly t: Tri;
  /** Why (admits, does not, or not known). */
  readonly why: string;
}

/** `*` matches every identity, `*.suffix` every identity in that domain, anything else only itself. */
export function identityMatches(pattern: string, identity: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return identity.endsWith(pattern.slice(1));
  return pattern === identity;
}

/** Whether `ip` is in one of the networks (minus their `except`s). */
export function inNetworks(ip: string | undefined, networks: readonly LinkerdNetwork[]): boolean {
  const a = ip ? parseIP(ip) : undefined;
  if (!a) return false;
  const has = (c: string) => {
    const n = parseCidr(c);
    return !!n && n.family === a.family && cidrContains(n, a);
  };
  return networks.some((n) => has(n.cidr) && !n.except.some(has));
}

export const saIdentity = (name: string, ns: string, domain: string) =>
  `${name}.${ns}.serviceaccount.identity.linkerd.${domain}`;

/**
 * A ServerAuthorization's client: `unauthenticated: true` admits any client, `meshTLS` one with an identity it
 * names (`unauthenticatedTLS`: any TLS client); `networks` limits the source addresses. Without `networks` the
 * proxy's default applies ("typically, all IPs or the cluster's pod network"): a client inside the cluster
 * networks is admitted either way, one outside is not known.
 */
export function serverAuthorizationAdmits(
  sa: ServerAuthorization,
  c: LinkerdClient,
  clusterNetworks: readonly LinkerdNetwork[],
  domain: string,
): Admission {
  const tls = sa.client.meshTLS;
  if (!sa.client.unauthenticated) {
    if (!c.identity) return { t: 'no', why: `${sa.key} admits only meshed (mTLS) clients` };
    const ok =
      tls?.unauthenticatedTLS ||
      tls?.identities.some((p) => identityMatches(p, c.identity!)) ||
      tls?.serviceAccounts.some((s) => saIdentity(s.name, s.namespace, domain) === c.identity);
    if (!ok) return { t: 'no', why: `${sa.key} does not name identity ${c.identity}` };
  }
  if (sa.client.networks) {
    if (!inNetworks(c.ip, sa.client.networks))
      return { t: 'no', why: `${sa.key}: source ${c.ip ?? '(unknown)'} is outside its networks` };
  } else if (!inNetworks(c.ip, clusterNetworks))
    return {
      t: 'unknown',
      why: `${sa.key} sets no networks and the source ${c.ip ?? '(unknown)'} is outside the cluster networks: the proxy's default networks are not modeled by kubetwin`,
    };
  return { t: 'yes', why: `admitted by ${sa.key}` };
}

/**
 * An AuthorizationPolicy admits a client when every required authentication holds: a MeshTLSAuthentication
 * (an identity it lists or a ServiceAccount it refers to), a NetworkAuthentication (a network it lists), a
 * ServiceAccount (that identity). A reference to an object that is not in the input makes Linkerd ignore the
 * policy. A policy without required authentications is not judged (unknown).
 */
export function policyAdmits(
  p: LinkerdAuthorizationPolicy,
  c: LinkerdClient,
  policy: LinkerdPolicy,
  domain: string,
): Admission {
  if (!p.requiredAuthenticationRefs.length)
    return { t: 'unknown', why: `${p.key} has no requiredAuthenticationRefs, which kubetwin does not model` };
  for (const r of p.requiredAuthenticationRefs) {
    const ns = r.namespace ?? p.namespace;
    if (r.kind === 'ServiceAccount') {
      const id = saIdentity(r.name, ns, domain);
      if (c.identity !== id)
        return {
          t: 'no',
          why: `${p.key} requires identity ${id} (${c.identity ? `the client is ${c.identity}` : 'the client sends plaintext'})`,
        };
      continue;
    }
    if (r.kind === 'MeshTLSAuthentication') {
      const m = policy.meshTLSAuthentications.find((x) => x.namespace === ns && x.name === r.name);
      if (!m)
        return {
          t: 'no',
          why: `${p.key} requires MeshTLSAuthentication ${ns}/${r.name}, which is not in the input: Linkerd ignores the policy`,
        };
      if (!c.identity)
        return { t: 'no', why: `${p.key} requires mTLS (${m.key}); the client sends plaintext` };
      // The CRD lets a ref omit `name` ("every object of the kind"), but the policy controller's
      // NamespacedTargetRef requires one (policy-controller/k8s/api/src/policy/target_ref.rs): not known.
      const unnamed = m.identityRefs.findIndex((x) => !x.name);
      if (unnamed >= 0)
        return {
          t: 'unknown',
          why: `${m.key} spec.identityRefs[${unnamed}] has no name: the CRD reads it as every ${m.identityRefs[unnamed].kind}, but Linkerd's policy controller requires a name, so whether it admits ${c.identity} is not known`,
        };
      // A ServiceAccount ref is that identity; a Namespace ref every ServiceAccount identity of the namespace
      // (policy-controller/k8s/index/src/inbound/meshtls_authentication.rs, ClusterInfo::namespace_identity).
      const ok =
        m.identities.some((x) => identityMatches(x, c.identity!)) ||
        m.identityRefs.some((x) =>
          x.kind === 'ServiceAccount'
            ? saIdentity(x.name!, x.namespace, domain) === c.identity
            : c.identity!.endsWith(`.${x.name!}.serviceaccount.identity.linkerd.${domain}`),
        );
      if (!ok) return { t: 'no', why: `${m.key} does not name identity ${c.identity}` };
      continue;
    }
    const n = policy.networkAuthentications.find((x) => x.namespace === ns && x.name === r.name);
    if (!n)
      return {
        t: 'no',
        why: `${p.key} requires NetworkAuthentication ${ns}/${r.name}, which is not in the input: Linkerd ignores the policy`,
      };
    if (!inNetworks(c.ip, n.networks))
      return { t: 'no', why: `${n.key}: source ${c.ip ?? '(unknown)'} is outside its networks` };
  }
  return { t: 'yes', why: `admitted by ${p.key}` };
}
