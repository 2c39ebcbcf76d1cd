import { parseCidr, parseIP } from '../lib/ip.ts';
import { isIanaSvcName } from '../lib/label-validation.ts';
import {
  ciliumEntities,
  type CiliumEntity,
  type CiliumHttpRule,
  type CiliumPeer,
  type CiliumPortRule,
  type CiliumProtocol,
  type CiliumRule,
  type CiliumSection,
} from '../model/cilium-policy.ts';
import type { PathSegment } from '../parse/index.ts';
import type { FieldReader } from './_fields.ts';
import { namespaceLabelsUnscoped, readCiliumSelector, scopeSelector } from './_cilium-selectors.ts';

/** The L3 fields of a rule; Cilium refuses a rule that combines two of them ("combining X and Y is not supported"). */
const l3Fields = {
  ingress: ['fromEndpoints', 'fromCIDR', 'fromCIDRSet', 'fromEntities', 'fromNodes', 'fromGroups'],
  egress: [
    'toEndpoints',
    'toCIDR',
    'toCIDRSet',
    'toEntities',
    'toServices',
    'toFQDNs',
    'toNodes',
    'toGroups',
  ],
} as const;

/** Rule fields kubetwin reads but does not model: verdicts they could change carry a warning. */
const unmodeledFields = ['fromRequires', 'toRequires', 'fromGroups', 'toGroups', 'authentication'] as const;

/** Port-rule fields kubetwin does not model. */
const portExtras = ['listener', 'originatingTLS', 'terminatingTLS', 'serverNames'] as const;

const protocols: readonly CiliumProtocol[] = ['TCP', 'UDP', 'SCTP', 'ANY'];

/**
 * Reads one rule of `ingress`, `egress`, `ingressDeny` or `egressDeny` as Cilium's rule sanitizer accepts it
 * (cilium/cilium pkg/policy/api/rule_validation.go): at most one kind of L3 peer, entities from the known list,
 * CIDRs that parse, ports as strings (a number 0-65535 or a port name), L7 rules only on allow rules, DNS rules
 * only at egress, regular expressions that compile. Problems are reported at their line; the policy is then
 * left out, as the Cilium agent refuses to import it.
 * https://docs.cilium.io/en/stable/security/policy/language/
 */
export function readCiliumRule(
  f: FieldReader,
  at: readonly PathSegment[],
  section: CiliumSection,
  index: number,
  namespace: string | undefined,
): CiliumRule {
  const ingress = section === 'ingress' || section === 'ingressDeny';
  const deny = section.endsWith('Deny');
  const rule = [...at, section, index];
  const name = `${section}[${index}]`;
  const present = (k: string) => f.get([...rule, k]) !== undefined && f.get([...rule, k]) !== null;
  const l3 = (ingress ? l3Fields.ingress : l3Fields.egress).filter(
    (k) => present(k) && f.list([...rule, k]).length > 0,
  );
  if (l3.length > 1)
    f.report(
      'cilium-invalid-rule',
      'error',
      [...rule, l3[1]],
      `${name}: combining ${l3[0]} and ${l3[1]} in one rule is not supported by Cilium; it refuses the policy`,
      'Split the peers into separate rules.',
    );
  if (deny && present('toFQDNs'))
    f.report(
      'cilium-invalid-rule',
      'error',
      [...rule, 'toFQDNs'],
      `${name}: deny rules do not support toFQDNs`,
    );
  const peers: CiliumPeer[] = [];
  for (const field of l3) readPeers(f, rule, field, namespace, peers);
  const emptyList = emptyPeerList(f, rule, ingress);
  const unmodeled: string[] = unmodeledFields.filter((k) => present(k));
  for (const field of ['fromCIDRSet', 'toCIDRSet'])
    f.list([...rule, field]).forEach((_, i) => {
      if (f.get([...rule, field, i, 'cidr']) === undefined) unmodeled.push(`${field}[${i}] (CIDR group)`);
    });
  const hasPorts = present('toPorts');
  // "toServices statements cannot be combined with toPorts statements in the same rule" (Cilium's language
  // reference, Services based, Limitations): the agent accepts it but what it enforces is not documented.
  if (hasPorts && l3.includes('toServices')) unmodeled.push('toServices with toPorts');
  const icmps = icmpRule(f, rule, name, hasPorts);
  const toPorts = hasPorts
    ? f.list([...rule, 'toPorts']).map((_, i) => readPortRule(f, [...rule, 'toPorts', i], i, name, section))
    : icmps
      ? []
      : ('all' as const);
  const portUnmodeled = toPorts === 'all' ? [] : toPorts.flatMap((pr) => pr.unmodeled);
  for (const u of [...unmodeled, ...portUnmodeled])
    f.report(
      'field-not-modeled',
      'warning',
      [...rule, u.replace(/[[ ].*$/, '')],
      `${name}.${u} is not modeled: verdicts this rule could change carry a warning (see docs/support.md)`,
    );
  for (const field of l3.filter((k) => k === 'fromNodes' || k === 'toNodes'))
    f.report(
      'field-not-modeled',
      'warning',
      [...rule, field],
      `${name}.${field}: Cilium accepts it only when the agent runs with enable-node-selector-labels (off by default) and otherwise refuses the whole policy; kubetwin does not read the agent's settings, so verdicts this policy judges are unknown (see docs/cilium.md)`,
    );
  return {
    section,
    index,
    // No L3 field: with toPorts (or icmps), every peer on those ports; with nothing at all, no peer (it only
    // isolates). An L3 field given as an empty list selects no peer, whatever the others hold.
    peers: emptyList ? [] : l3.length ? peers : hasPorts || icmps ? 'all' : [],
    ...(emptyList ? { emptyPeerList: emptyList } : {}),
    toPorts,
    ...(icmps ? { icmps } : {}),
    unmodeled,
    source: f.raw.locate(rule),
  };
}

/** The L3 fields whose explicitly empty list makes a rule select no peer (cilium/cilium#29608). */
const emptySelectsNothing = {
  ingress: ['fromEndpoints', 'fromCIDR', 'fromCIDRSet', 'fromEntities', 'fromNodes'],
  egress: ['toEndpoints', 'toCIDR', 'toCIDRSet', 'toEntities', 'toNodes'],
} as const;

/**
 * The first L3 field of the rule given as an explicitly empty list (`fromCIDR: []`), if any. Since Cilium 1.15 such
 * a rule selects no identity, so it admits (or denies) nothing and only enables default deny, where the same rule
 * without the field would admit every peer on its ports ("explicit (non-nil) empty slice [...] no identities should
 * be selected, thus falling back to default deny for an allow policy", cilium/cilium#29608; pkg/policy/types
 * `mergeEndpointSelectors`). Cilium before 1.15 read the empty list as absent.
 */
function emptyPeerList(f: FieldReader, rule: readonly PathSegment[], ingress: boolean): string | undefined {
  return (ingress ? emptySelectsNothing.ingress : emptySelectsNothing.egress).find((k) => {
    const v = f.get([...rule, k]);
    return Array.isArray(v) && v.length === 0;
  });
}

/**
 * `icmps`: Cilium turns each ICMP field into a port rule of protocol ICMP or ICMPv6 (cilium/cilium
 * pkg/policy/utils RulesToPolicyEntries, `icmpRules`), so the rule's L4 part is ICMP only: it admits (or denies)
 * no TCP, UDP or SCTP port, whatever its peers. With `toPorts` as well the rule is refused ("the ICMPs block may
 * only be present without ToPorts", pkg/policy/api/rule_validation.go).
 * https://docs.cilium.io/en/stable/security/policy/language/#icmp-icmpv6
 */
function icmpRule(
  f: FieldReader,
  rule: readonly PathSegment[],
  name: string,
  hasPorts: boolean,
): true | undefined {
  const v = f.get([...rule, 'icmps']);
  if (v === undefined || v === null || (Array.isArray(v) && !v.length)) return undefined;
  if (hasPorts)
    f.report(
      'cilium-invalid-rule',
      'error',
      [...rule, 'icmps'],
      `${name}: icmps may only be present without toPorts; Cilium refuses the policy`,
      'Put the ICMP rule and the port rule in separate rules.',
    );
  return true;
}

function readPeers(
  f: FieldReader,
  rule: readonly PathSegment[],
  field: string,
  namespace: string | undefined,
  out: CiliumPeer[],
): void {
  f.list([...rule, field]).forEach((_, i) => {
    const p = [...rule, field, i];
    const base = { path: `${field}[${i}]`, source: f.raw.locate(p) };
    if (field.endsWith('Endpoints')) {
      const sel = readCiliumSelector(f, p);
      if (!sel) return;
      const unscoped = namespaceLabelsUnscoped(sel, namespace);
      out.push({
        ...base,
        kind: 'endpoints',
        selector: scopeSelector(sel, namespace),
        ...(unscoped ? { unscoped } : {}),
      });
    } else if (field.endsWith('Nodes')) {
      const sel = readCiliumSelector(f, p);
      if (sel) out.push({ ...base, kind: 'nodes', selector: sel });
    } else if (field.endsWith('Entities')) {
      const e = f.str(p);
      if (e !== undefined && !(ciliumEntities as readonly string[]).includes(e))
        f.report(
          'cilium-unknown-entity',
          'error',
          p,
          `${field}[${i}]: "${e}" is not a Cilium entity (${ciliumEntities.join(', ')})`,
        );
      else if (e !== undefined) out.push({ ...base, kind: 'entity', entity: e as CiliumEntity });
    } else if (field.endsWith('CIDR')) {
      const c = cidrText(f, p, `${field}[${i}]`);
      if (c) out.push({ ...base, kind: 'cidr', cidr: c, except: [] });
    } else if (field.endsWith('CIDRSet')) {
      if (f.get([...p, 'cidr']) === undefined) return; // a CIDR group reference: listed as not modeled
      const c = cidrText(f, [...p, 'cidr'], `${field}[${i}].cidr`);
      const except = f
        .list([...p, 'except'])
        .map((_, j) => cidrText(f, [...p, 'except', j], `${field}[${i}].except[${j}]`))
        .filter((x): x is string => !!x);
      if (c) out.push({ ...base, kind: 'cidr', cidr: c, except });
    } else if (field === 'toServices') {
      const svcNs = (q: PathSegment[]) => f.str([...q, 'namespace']) ?? namespace ?? 'default';
      if (f.map([...p, 'k8sService'])) {
        const q = [...p, 'k8sService'];
        out.push({ ...base, kind: 'service', namespace: svcNs(q), name: f.str([...q, 'serviceName']) });
      } else if (f.map([...p, 'k8sServiceSelector'])) {
        const q = [...p, 'k8sServiceSelector'];
        const sel = readCiliumSelector(f, [...q, 'selector']);
        if (sel) out.push({ ...base, kind: 'service', namespace: svcNs(q), selector: sel });
      }
    } else if (field === 'toFQDNs') {
      const matchName = f.str([...p, 'matchName']);
      const matchPattern = f.str([...p, 'matchPattern']);
      if (matchPattern !== undefined) checkPattern(f, [...p, 'matchPattern'], matchPattern);
      out.push({ ...base, kind: 'fqdn', matchName, matchPattern });
    }
  });
}

function cidrText(f: FieldReader, p: readonly PathSegment[], name: string): string | undefined {
  const v = f.str(p);
  if (v === undefined) return undefined;
  const ip = parseIP(v);
  const text = ip ? `${v}/${ip.family === 4 ? 32 : 128}` : v;
  if (parseCidr(text)) return text;
  f.report('cilium-invalid-cidr', 'error', p, `${name}: "${v}" is not a CIDR or an IP address`);
  return undefined;
}

function readPortRule(
  f: FieldReader,
  p: readonly PathSegment[],
  index: number,
  rule: string,
  section: CiliumSection,
): CiliumPortRule {
  const ports: CiliumPortRule['ports'][number][] = [];
  f.list([...p, 'ports']).forEach((_, i) => {
    const q = [...p, 'ports', i];
    const raw = f.get([...q, 'port']);
    const where = `${rule}.toPorts[${index}].ports[${i}]`;
    if (raw !== undefined && typeof raw !== 'string') {
      f.report(
        'cilium-invalid-port',
        'error',
        [...q, 'port'],
        `${where}.port: expected a string, got ${typeof raw} (${JSON.stringify(raw)}); Cilium's schema types ports as strings: quote it ("${String(raw)}")`,
      );
      return;
    }
    const text = raw ?? '0';
    const num = /^\d+$/.test(text) ? Number(text) : undefined;
    if (num === undefined ? !isIanaSvcName(text) : num > 65535) {
      f.report(
        'cilium-invalid-port',
        'error',
        [...q, 'port'],
        `${where}.port "${text}" is not a port number or name`,
      );
      return;
    }
    const protocol = (f.str([...q, 'protocol']) ?? 'ANY').toUpperCase() as CiliumProtocol;
    if (!protocols.includes(protocol)) {
      f.report(
        'cilium-invalid-port',
        'error',
        [...q, 'protocol'],
        `${where}.protocol must be TCP, UDP, SCTP or ANY`,
      );
      return;
    }
    const endPort = f.int([...q, 'endPort']);
    ports.push({ port: num ?? text, protocol, ...(endPort !== undefined && endPort > 0 ? { endPort } : {}) });
  });
  const r = [...p, 'rules'];
  const http = f.get([...r, 'http']) !== undefined ? readHttp(f, [...r, 'http']) : undefined;
  const dnsList = f.get([...r, 'dns']) !== undefined ? f.list([...r, 'dns']) : undefined;
  const dns = dnsList?.map((_, i) => {
    const matchPattern = f.str([...r, 'dns', i, 'matchPattern']);
    if (matchPattern !== undefined) checkPattern(f, [...r, 'dns', i, 'matchPattern'], matchPattern);
    return { matchName: f.str([...r, 'dns', i, 'matchName']), matchPattern };
  });
  const other = ['kafka', 'l7proto', 'l7'].find((k) => f.get([...r, k]) !== undefined);
  const l7 = [http && 'http', dns && 'dns', other].filter(Boolean);
  if (l7.length > 1)
    f.report(
      'cilium-invalid-rule',
      'error',
      r,
      `${rule}.toPorts[${index}].rules: only one L7 protocol per port rule (got ${l7.join(', ')})`,
    );
  if (l7.length && section.endsWith('Deny'))
    f.report('cilium-invalid-rule', 'error', r, `${rule}: deny rules cannot carry L7 rules`);
  if (dns && section === 'ingress')
    f.report(
      'cilium-invalid-rule',
      'error',
      [...r, 'dns'],
      `${rule}: DNS rules are supported at egress only`,
    );
  const unmodeled = portExtras
    .filter((k) => f.get([...p, k]) !== undefined)
    .map((k) => `toPorts[${index}].${k}`);
  if (other) unmodeled.push(`toPorts[${index}].rules.${other}`);
  f.list([...r, 'http']).forEach((_, j) => {
    if (f.get([...r, 'http', j, 'headerMatches']) !== undefined)
      unmodeled.push(`toPorts[${index}].rules.http[${j}].headerMatches`);
  });
  return {
    ports,
    unmodeled,
    ...(http ? { http } : {}),
    ...(dns ? { dns } : {}),
    ...(other ? { otherL7: other } : {}),
    index,
    source: f.raw.locate(p),
  };
}

function readHttp(f: FieldReader, p: readonly PathSegment[]): CiliumHttpRule[] {
  return f.list(p).map((_, i) => {
    const q = [...p, i];
    const regex = (k: string) => {
      const v = f.str([...q, k]);
      if (v !== undefined) {
        try {
          new RegExp(`^(?:${v})$`);
        } catch (e) {
          f.report(
            'cilium-invalid-regex',
            'error',
            [...q, k],
            `http[${i}].${k}: "${v}" is not a valid regular expression (${(e as Error).message})`,
          );
        }
      }
      return v;
    };
    const headers = f.list([...q, 'headers']).flatMap((_, j) => {
      const h = f.str([...q, 'headers', j]);
      return h === undefined ? [] : [ciliumHeader(h)];
    });
    return {
      method: regex('method'),
      path: regex('path'),
      host: regex('host'),
      headers,
      index: i,
      source: f.raw.locate(q),
    };
  });
}

/** A DNS pattern: letters, digits, `-`, `_`, `.` and `*` (cilium/cilium pkg/fqdn/matchpattern). */
function checkPattern(f: FieldReader, p: readonly PathSegment[], pattern: string): void {
  if (!/^[-a-zA-Z0-9_.*]+$/.test(pattern))
    f.report(
      'cilium-invalid-pattern',
      'error',
      p,
      `matchPattern "${pattern}" may only use letters, digits, -, _, . and *`,
    );
}

/**
 * One `headers` entry as Cilium hands it to Envoy (cilium/cilium pkg/envoy, `getHTTPRule`): split at the first
 * space — the part before it, trailing colons removed, is the header name and the rest its exact value
 * (`X-My-Header: true`); with no space the whole entry is a header name that must be present. So
 * `X-My-Header:true` asks for a header named `X-My-Header:true`, which no request carries, and `X-My-Header true`
 * for `X-My-Header` equal to `true`.
 */
export function ciliumHeader(entry: string): { name: string; value?: string } {
  const space = entry.indexOf(' ');
  if (space < 0) return { name: entry };
  return { name: entry.slice(0, space).replace(/:+$/, ''), value: entry.slice(space + 1) };
}
