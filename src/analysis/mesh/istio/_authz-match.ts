/**
 * One Istio AuthorizationPolicy rule against one request: `from` sources, `to` operations and `when`
 * conditions, in three-valued logic (`_tri.ts`). A plaintext client has no principal and no namespace.
 * On a port Istio proxies as TCP, HTTP-only fields (methods, paths, hosts, requestPrincipals, request.*
 * conditions) make an ALLOW rule match nothing and are dropped from a DENY rule, as the TCP authorization
 * task documents. https://istio.io/latest/docs/reference/config/security/authorization-policy/
 * https://istio.io/latest/docs/reference/config/security/conditions/
 * https://istio.io/latest/docs/tasks/security/authorization/authz-tcp/
 */
import { cidrContains, parseCidr, parseIP } from '../../../lib/ip.ts';
import type { AuthzCondition, AuthzOperation, AuthzRule, AuthzSource } from '../../../model/mesh.ts';
import { all, any, not, tri, type Tri } from './_tri.ts';

/** One HTTP request (as `reach --http-*` gives it). */
export interface AuthzHttp {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What the server's sidecar knows about one connection (and request). */
export interface AuthzFacts {
  /** mTLS peer principal without `spiffe://` (`cluster.local/ns/foo/sa/sleep`); `plaintext`; or not known. */
  readonly peer: { readonly principal: string } | 'plaintext' | 'unknown';
  readonly sourceIp?: string;
  readonly destinationIp?: string;
  /** The workload (container) port. */
  readonly port: number;
  /** The port is proxied as TCP: HTTP-only fields cannot match. */
  readonly tcp: boolean;
  /** The request, when judged at L7. */
  readonly http?: AuthzHttp;
}

/** The reason a rule's verdict waits on whether the client speaks mTLS (a pod address, not a Service). */
export const IDENTITY_NOT_KNOWN = 'whether the client presents an mTLS identity is not known';

/** Why a value was `unknown`, collected per judgement. */
export type Unknowns = Set<string>;

const httpSourceFields = new Set(['requestPrincipals', 'notRequestPrincipals']);
const httpOperationFields = new Set(['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths']);
const isHttpKey = (k: string) => k.startsWith('request.');

/** Istio's string match: `*` any non-empty value, `abc*` prefix, `*abc` suffix, else exact. */
export function istioStringMatch(pattern: string, value: string): boolean {
  if (pattern === '*') return value !== '';
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

function ipIn(blocks: readonly string[], ip: string | undefined, u: Unknowns, what: string): Tri {
  if (!ip) {
    u.add(`${what}: the client address is not known`);
    return 'unknown';
  }
  const a = parseIP(ip);
  return tri(
    !!a &&
      blocks.some((b) => {
        const c = parseCidr(b.includes('/') ? b : `${b}/${b.includes(':') ? 128 : 32}`);
        return !!c && cidrContains(c, a);
      }),
  );
}

const principalOf = (f: AuthzFacts) => (typeof f.peer === 'object' ? f.peer.principal : undefined);
const namespaceOf = (p: string | undefined) => p?.match(/\/ns\/([^/]+)\//)?.[1];

/** A value only mTLS gives: none in plaintext; `unknown` when kubetwin cannot tell which. */
function identity(
  f: AuthzFacts,
  pick: (principal: string) => string | undefined,
  test: (v: string) => boolean,
  u: Unknowns,
  what: string,
): Tri {
  if (f.peer === 'unknown') {
    u.add(`${what}: ${IDENTITY_NOT_KNOWN}`);
    return 'unknown';
  }
  const v = f.peer === 'plaintext' ? undefined : pick(f.peer.principal);
  return tri(v !== undefined && test(v));
}

function header(f: AuthzFacts, name: string): string | undefined {
  const h = f.http?.headers ?? {};
  const k = Object.keys(h).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : h[k];
}

function sourceField(f: AuthzFacts, field: string, values: readonly string[], u: Unknowns): Tri {
  const neg = field.startsWith('not');
  const base = neg ? field[3].toLowerCase() + field.slice(4) : field;
  const m = (v: string) => values.some((p) => istioStringMatch(p, v));
  let r: Tri;
  if (base === 'principals') r = identity(f, (p) => p, m, u, field);
  else if (base === 'namespaces') r = identity(f, namespaceOf, m, u, field);
  else if (base === 'serviceAccounts')
    r = identity(
      f,
      (p) =>
        p
          .match(/\/ns\/([^/]+)\/sa\/([^/]+)$/)
          ?.slice(1)
          .join('/'),
      m,
      u,
      field,
    );
  else if (base === 'ipBlocks') r = ipIn(values, f.sourceIp, u, field);
  else if (base === 'remoteIpBlocks') {
    if (header(f, 'x-forwarded-for') !== undefined) {
      u.add(`${field}: the remote address comes from X-Forwarded-For, which kubetwin does not follow`);
      r = 'unknown';
    } else r = ipIn(values, f.sourceIp, u, field);
  } else if (base === 'requestPrincipals') {
    // A request principal comes from a JWT validated by RequestAuthentication, which kubetwin does not model.
    if (f.http && header(f, 'authorization') === undefined) r = 'no';
    else {
      u.add(
        `${field}: request principals come from JWTs (RequestAuthentication), which kubetwin does not model`,
      );
      r = 'unknown';
    }
  } else {
    u.add(`source field ${field} is not modeled by kubetwin`);
    r = 'unknown';
  }
  return neg ? not(r) : r;
}

function operationField(f: AuthzFacts, field: string, values: readonly string[], u: Unknowns): Tri {
  const neg = field.startsWith('not');
  const base = neg ? field[3].toLowerCase() + field.slice(4) : field;
  let r: Tri;
  if (base === 'ports') r = tri(values.some((v) => Number(v) === f.port));
  else if (!f.http) r = 'l7';
  else if (base === 'methods') r = tri(values.some((p) => istioStringMatch(p, f.http!.method)));
  else if (base === 'paths') {
    if (values.some((p) => p.includes('{'))) {
      u.add(`paths template (${values.find((p) => p.includes('{'))}) is not modeled by kubetwin`);
      r = 'unknown';
    } else r = tri(values.some((p) => istioStringMatch(p, f.http!.path.split('?')[0])));
  } else {
    const host = header(f, 'host');
    if (host === undefined) {
      u.add(`${field}: the request's Host header is not given (add it with -H 'Host: …')`);
      r = 'unknown';
    } else r = tri(values.some((p) => istioStringMatch(p.toLowerCase(), host.toLowerCase())));
  }
  return neg ? not(r) : r;
}

const knownKeys =
  /^(source\.ip|remote\.ip|source\.namespace|source\.principal|destination\.ip|destination\.port|request\.headers\[[^\]]+\])$/;

function condition(f: AuthzFacts, c: AuthzCondition, u: Unknowns): Tri {
  if (!knownKeys.test(c.key)) {
    u.add(`when key ${c.key} is not modeled by kubetwin`);
    return 'unknown';
  }
  const value = (test: (p: string) => boolean): Tri => {
    const pos = c.values.length ? c.values.some(test) : true;
    const neg = c.notValues.some(test);
    return tri(pos && !neg);
  };
  const k = c.key;
  if (k === 'source.ip' || k === 'remote.ip' || k === 'destination.ip') {
    const ip = k === 'destination.ip' ? f.destinationIp : f.sourceIp;
    const inAny = (vs: readonly string[]) => ipIn(vs, ip, u, k);
    return all([
      c.values.length ? inAny(c.values) : 'yes',
      c.notValues.length ? not(inAny(c.notValues)) : 'yes',
    ]);
  }
  if (k === 'destination.port') return value((p) => Number(p) === f.port);
  if (k === 'source.namespace' || k === 'source.principal') {
    if (f.peer === 'unknown') {
      u.add(`when ${k}: ${IDENTITY_NOT_KNOWN}`);
      return 'unknown';
    }
    const p = principalOf(f);
    const v = k === 'source.principal' ? p : namespaceOf(p);
    // No identity: `values` cannot match, `notValues` alone holds.
    if (v === undefined) return tri(!c.values.length);
    return value((x) => istioStringMatch(x, v));
  }
  if (!f.http) return 'l7';
  const name = k.slice('request.headers['.length, -1);
  const h = header(f, name);
  if (h === undefined) return tri(!c.values.length);
  return value((x) => istioStringMatch(x, h));
}

function sourceMatch(f: AuthzFacts, s: AuthzSource, u: Unknowns, dropHttp: boolean): Tri {
  return all(
    Object.entries(s.fields)
      .filter(([k]) => !(dropHttp && httpSourceFields.has(k)))
      .map(([k, vs]) => (f.tcp && httpSourceFields.has(k) ? 'no' : sourceField(f, k, vs!, u))),
  );
}

function operationMatch(f: AuthzFacts, o: AuthzOperation, u: Unknowns, dropHttp: boolean): Tri {
  return all(
    Object.entries(o.fields)
      .filter(([k]) => !(dropHttp && httpOperationFields.has(k)))
      .map(([k, vs]) => (f.tcp && httpOperationFields.has(k) ? 'no' : operationField(f, k, vs!, u))),
  );
}

/** Whether one rule matches; `deny`: on a TCP port, HTTP-only fields are dropped rather than failing. */
export function ruleMatches(f: AuthzFacts, r: AuthzRule, u: Unknowns, deny: boolean): Tri {
  const dropHttp = deny && f.tcp;
  return all([
    r.from ? any(r.from.map((s) => sourceMatch(f, s, u, dropHttp))) : 'yes',
    r.to ? any(r.to.map((o) => operationMatch(f, o, u, dropHttp))) : 'yes',
    ...r.when
      .filter((c) => !(dropHttp && isHttpKey(c.key)))
      .map((c) => (f.tcp && isHttpKey(c.key) ? 'no' : condition(f, c, u))),
  ]);
}

/** What the request shows for one source, operation or condition field, in words. */
function shown(f: AuthzFacts, field: string): string {
  const base = field.startsWith('not') ? field[3].toLowerCase() + field.slice(4) : field;
  if (['principals', 'namespaces', 'serviceAccounts', 'source.principal', 'source.namespace'].includes(base))
    return f.peer === 'plaintext'
      ? 'the client sends plaintext: no identity'
      : `the client is ${principalOf(f)}`;
  if (['ipBlocks', 'remoteIpBlocks', 'source.ip', 'remote.ip'].includes(base))
    return `the client is ${f.sourceIp}`;
  if (base === 'destination.ip') return `the destination is ${f.destinationIp}`;
  if (base === 'ports' || base === 'destination.port') return `the port is ${f.port}`;
  if (f.tcp) return 'the port is proxied as TCP: HTTP fields match nothing';
  if (base === 'methods') return `the request is ${f.http?.method}`;
  if (base === 'paths') return `the path is ${f.http?.path.split('?')[0]}`;
  if (base === 'hosts') return `the Host is ${header(f, 'host')}`;
  const h = field.match(/^request\.headers\[(.+)\]$/)?.[1];
  const v = h === undefined ? undefined : header(f, h);
  return v === undefined ? 'the request has no such header' : `the request has ${v}`;
}

const listed = (vs: readonly string[]) => vs.join(', ');

/**
 * The first part of a rule that does not match the request (`no`), in words: the field, what it asks and what
 * the request shows — so a denial by "no ALLOW rule matches" can say which condition the nearest rule missed.
 * Undefined when no part is a plain `no` (the rule matches, or depends on what is not known).
 */
export function firstMiss(f: AuthzFacts, r: AuthzRule): string | undefined {
  const u: Unknowns = new Set();
  const fieldMiss = (
    kind: string,
    fields: Readonly<Record<string, readonly string[] | undefined>>,
    judge: (k: string, vs: readonly string[]) => Tri,
  ) => {
    for (const [k, vs] of Object.entries(fields))
      if (judge(k, vs!) === 'no') return `${kind}.${k} [${listed(vs!)}] (${shown(f, k)})`;
    return undefined;
  };
  if (r.from && any(r.from.map((s) => sourceMatch(f, s, u, false))) === 'no')
    return fieldMiss('from.source', r.from[0].fields, (k, vs) =>
      f.tcp && httpSourceFields.has(k) ? 'no' : sourceField(f, k, vs, u),
    );
  if (r.to && any(r.to.map((o) => operationMatch(f, o, u, false))) === 'no')
    return fieldMiss('to.operation', r.to[0].fields, (k, vs) =>
      f.tcp && httpOperationFields.has(k) ? 'no' : operationField(f, k, vs, u),
    );
  for (const c of r.when)
    if ((f.tcp && isHttpKey(c.key) ? 'no' : condition(f, c, u)) === 'no')
      return `when ${c.key} ${c.values.length ? `[${listed(c.values)}]` : `not [${listed(c.notValues)}]`} (${shown(f, c.key)})`;
  return undefined;
}
