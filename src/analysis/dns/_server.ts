/**
 * One CoreDNS server answering a question: the server block with the most specific zone is chosen, then its
 * plugins run in CoreDNS's fixed order (plugin.cfg): cache → rewrite → hosts → kubernetes → forward; a plugin
 * kubetwin does not model that answers the name at its own place in that order makes the reply unknown. No block for
 * the name: REFUSED; no plugin answers: SERVFAIL. kubetwin never sends a query: `forward` answers from the
 * profile's `externalHosts`; otherwise the upstream's reply is unknown (SERVFAIL with `unknown` set), except for an
 * A or AAAA query of a single-label name, assumed NXDOMAIN (see `dotlessAssumed`).
 * https://coredns.io/manual/toc/#server-blocks · https://github.com/coredns/coredns/blob/master/plugin.cfg
 */
import type { CacheConfig, DnsServerConfig, ForwardConfig, ServerConfig } from '../corefile/index.ts';
import { claimedBy } from './_unmodeled.ts';
import type { DnsIndex } from './_index.ts';
import { serveHosts } from './_hosts.ts';
import { serveKubernetes, type KubernetesContext } from './_kubernetes.ts';
import { bestZone, canonicalName, inZone } from './_names.ts';
import { rewriteAnswers, rewriteName } from './_rewrite.ts';
import type { AnsweredBy, DnsQuestion, DnsResponse, Rcode, ResourceRecord } from './types.ts';

export interface ServerContext {
  readonly config: DnsServerConfig;
  readonly index: DnsIndex;
  /** Canonical external name → addresses (the profile's `externalHosts`). */
  readonly externalHosts: ReadonlyMap<string, readonly string[]>;
}

/** TTL kubetwin gives upstream answers, whose real TTL it cannot know (before the cache cap). */
const upstreamTTL = 300;

export function serve(ctx: ServerContext, q: DnsQuestion, depth = 0): DnsResponse {
  const qname = q.name.endsWith('.') ? q.name : `${q.name}.`;
  const type = q.type.toUpperCase();
  const name = canonicalName(qname);
  const question = { name: qname, type };
  const server = pickServer(ctx.config.servers, name);
  if (!server)
    return {
      question,
      ...noAnswer('REFUSED', 'none', false, `no server block of the Corefile serves ${name}`),
    };
  const rewritten = rewriteName(server.rewrites, name);
  const rewrote = rewritten.applied.length > 0;
  const notes: string[] = [
    ...(server.assumed ? [server.assumed] : []),
    ...(rewrote ? [`rewrite name: ${name} → ${rewritten.name}`] : []),
  ];
  const target = rewritten.name;
  const r = runPlugins(ctx, server, target, rewrote ? target : qname, type, depth, notes);
  const out: DnsResponse = {
    question,
    rcode: r.rcode,
    authoritative: r.authoritative,
    recursionAvailable: r.recursionAvailable,
    answer: rewrote ? rewriteAnswers(r.answer, rewritten.applied, qname, target) : r.answer,
    authority: r.authority,
    additional: r.additional,
    answeredBy: r.answeredBy,
    notes: notes.length ? [...notes, ...r.notes] : r.notes,
    ...(r.unknown !== undefined ? { unknown: r.unknown } : {}),
  };
  return server.cache ? capTTLs(out, server.cache) : out;
}

type PluginsResult = Pick<
  DnsResponse,
  | 'rcode'
  | 'authoritative'
  | 'recursionAvailable'
  | 'answer'
  | 'authority'
  | 'additional'
  | 'answeredBy'
  | 'notes'
  | 'unknown'
>;

function runPlugins(
  ctx: ServerContext,
  server: ServerConfig,
  name: string,
  qname: string,
  type: string,
  depth: number,
  notes: string[],
): PluginsResult {
  const claimed = (before: string) => unmodeledReply(server, name, type, before);
  const beforeHosts = claimed('hosts');
  if (beforeHosts) return beforeHosts;
  if (server.hosts) {
    const h = serveHosts(server.hosts, name, qname, type);
    if (!('next' in h))
      return {
        rcode: h.rcode,
        authoritative: true,
        recursionAvailable: false,
        answer: h.answer,
        authority: [],
        additional: [],
        answeredBy: 'hosts',
        notes: h.notes,
        ...(h.unknown !== undefined ? { unknown: h.unknown } : {}),
      };
  }
  const beforeKubernetes = claimed('kubernetes');
  if (beforeKubernetes) return beforeKubernetes;
  const k = server.kubernetes;
  const zone = k && bestZone(name, k.zones);
  if (k && zone) {
    const kctx: KubernetesContext = {
      index: ctx.index,
      cfg: k,
      upstream: (n, t, d) => (d > 8 ? undefined : serve(ctx, { name: n, type: t }, d)),
    };
    const a = serveKubernetes(kctx, zone, qname, type, depth);
    if (!('next' in a))
      return {
        rcode: a.rcode,
        authoritative: true,
        recursionAvailable: false,
        answer: a.answer,
        authority: a.authority,
        additional: a.additional,
        answeredBy: 'kubernetes',
        notes: a.notes,
        ...(a.unknown !== undefined ? { unknown: a.unknown } : {}),
      };
    notes.push(`kubernetes: ${a.next}; fallthrough passes the query on`);
  }
  const beforeForward = claimed('forward');
  if (beforeForward) return beforeForward;
  const f = forwardFor(server, name);
  if (f) {
    const upstream = f.to.join(' ');
    if (f.clusterDNS) {
      // Only reached when node-local-dns's own plugins passed the name on (see serveNodeLocal).
      const why = `node-local-dns forwards ${name} to cluster DNS after plugins of its own, which kubetwin does not combine, so the reply is unknown`;
      return { ...noAnswer('SERVFAIL', 'forward', true, why), unknown: why };
    }
    const ips = ctx.externalHosts.get(name);
    if (!ips && dotlessAssumed(name, type))
      return noAnswer(
        'NXDOMAIN',
        'forward',
        true,
        `forwarded to ${upstream}: kubetwin sends no query; a single-label name has no A or AAAA record in public DNS (ICANN SAC053: dotless domains are prohibited), so NXDOMAIN is assumed`,
      );
    if (!ips) {
      const why = `forwarded to ${upstream}: kubetwin sends no query and the profile's externalHosts does not list ${name}, so the upstream's reply is unknown`;
      return { ...noAnswer('SERVFAIL', 'forward', true, why), unknown: why };
    }
    const answer = ips
      .filter((ip) => (type === 'A' && !ip.includes(':')) || (type === 'AAAA' && ip.includes(':')))
      .map((ip): ResourceRecord => ({
        name: qname,
        ttl: upstreamTTL,
        rdata: { type: ip.includes(':') ? 'AAAA' : 'A', address: ip },
      }));
    return {
      rcode: 'NOERROR',
      authoritative: false,
      recursionAvailable: true,
      answer,
      authority: [],
      additional: [],
      answeredBy: 'forward',
      notes: [
        `forwarded to ${upstream}: answered from the profile's externalHosts (upstream TTL unknown, ${upstreamTTL} s assumed)`,
      ],
    };
  }
  return (
    claimed('end') ??
    noAnswer(
      'SERVFAIL',
      'none',
      false,
      'no plugin of the server block answers this name: CoreDNS replies SERVFAIL',
    )
  );
}

/**
 * A query to node-local-dns (NodeLocal DNSCache) at `via`: a name of a block that only forwards to cluster DNS is
 * answered as cluster DNS answers it, under node-local-dns's cache; any other name is answered by node-local-dns's
 * own Corefile (its upstream is the node's resolv.conf, so CoreDNS's rules for that name do not apply).
 * https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/
 */
export function serveNodeLocal(
  front: ServerContext,
  cluster: ServerContext,
  q: DnsQuestion & { via: string; kind?: 'node-local-dns' | 'cloud-dns' },
): DnsResponse {
  const name = canonicalName(q.name.endsWith('.') ? q.name : `${q.name}.`);
  const type = q.type.toUpperCase();
  const server = pickServer(front.config.servers, name);
  const cloudDns = q.kind === 'cloud-dns';
  const note = cloudDns
    ? `asked GKE's metadata server (Cloud DNS for GKE) at ${q.via}`
    : `asked node-local-dns (NodeLocal DNSCache) at ${q.via}`;
  const f = server && forwardFor(server, name);
  const delegated =
    server &&
    f?.clusterDNS &&
    !server.hosts &&
    !server.rewrites.length &&
    !claimedBy(server.unmodeledAnswerers, name, type, 'forward');
  if (!delegated) {
    const r = serve(front, q);
    return { ...r, notes: [`${note}, which answers ${name} itself, not through cluster DNS`, ...r.notes] };
  }
  const r = serve(cluster, q);
  const out = {
    ...r,
    notes: [
      cloudDns
        ? `${note}, which answers ${server.zones.join(' ')} from the records Cloud DNS provisions, taken to be cluster DNS's answers`
        : `${note}, which forwards ${server.zones.join(' ')} to cluster DNS`,
      ...r.notes,
    ],
  };
  return server.cache ? capTTLs(out, server.cache) : out;
}

/**
 * The reply when a plugin kubetwin does not model takes the question before the plugin `before` would: unknown,
 * naming the plugin and its Corefile line (SERVFAIL stands in for the reply kubetwin cannot compute).
 */
function unmodeledReply(
  server: ServerConfig,
  name: string,
  type: string,
  before: string,
): PluginsResult | undefined {
  const a = claimedBy(server.unmodeledAnswerers, name, type, before);
  if (!a) return undefined;
  const why =
    a.reason ??
    `the Corefile's ${a.plugin} plugin (line ${a.line}) answers ${name} ${type} and kubetwin does not model it, so the reply is unknown`;
  return { ...noAnswer('SERVFAIL', 'none', false, why), unknown: why };
}

/**
 * The `forward` stanza of the block that takes `name`: CoreDNS chains a block's stanzas in Corefile order, and each
 * passes a name on unless it is in the stanza's `from` zone and not under an `except` zone (the `from` name itself
 * is always taken). https://github.com/coredns/coredns/blob/master/plugin/forward/forward.go (`match`,
 * `isAllowedDomain`), plugin/forward/setup.go (a stanza's next handler is the next stanza)
 */
export function forwardFor(server: ServerConfig, name: string): ForwardConfig | undefined {
  return server.forwards.find(
    (f) => inZone(name, f.from) && (name === f.from || !f.except.some((z) => inZone(name, z))),
  );
}

/**
 * Whether an upstream's reply to `type` for `name` is assumed NXDOMAIN: an A or AAAA query of a single-label
 * (dotless) name, which is what a search-list walk asks last once every expansion missed. ICANN's SSAC advises
 * against A, AAAA and MX records at a TLD's apex and the New gTLD Program Committee prohibited dotless domains
 * (2013-08-13), so no public resolver answers one. SAC053: https://www.icann.org/en/system/files/files/sac-053-en.pdf
 */
export function dotlessAssumed(name: string, type: string): boolean {
  return (type === 'A' || type === 'AAAA') && /^[^.]+\.$/.test(name);
}

/** A reply with no records and no AA flag, for the reason `note`. */
function noAnswer(
  rcode: Rcode,
  answeredBy: AnsweredBy,
  recursionAvailable: boolean,
  note: string,
): PluginsResult {
  return {
    rcode,
    authoritative: false,
    recursionAvailable,
    answer: [],
    authority: [],
    additional: [],
    answeredBy,
    notes: [note],
  };
}

function pickServer(servers: readonly ServerConfig[], name: string): ServerConfig | undefined {
  let best: ServerConfig | undefined;
  let bestLen = -1;
  for (const s of servers) {
    const z = bestZone(name, s.zones);
    if (z !== undefined && z.length > bestLen) {
      best = s;
      bestLen = z.length;
    }
  }
  return best;
}

/**
 * The cache plugin's reply TTL: every record gets the message's minimal TTL (the SOA's for denials), held between
 * MINTTL and the cap. https://coredns.io/plugins/cache/ (When that changes no TTL, the reply is returned as it is.)
 */
function capTTLs(r: DnsResponse, cache: CacheConfig): DnsResponse {
  if (r.rcode !== 'NOERROR' && r.rcode !== 'NXDOMAIN') return r;
  const denial = r.rcode === 'NXDOMAIN' || r.answer.length === 0;
  let minimal = Infinity;
  let records = 0;
  if (denial) {
    for (const x of r.authority)
      if (x.rdata.type === 'SOA') {
        minimal = Math.min(minimal, x.ttl, x.rdata.minimum);
        records++;
      }
  } else
    for (const section of [r.answer, r.authority, r.additional])
      for (const x of section) {
        minimal = Math.min(minimal, x.ttl);
        records++;
      }
  if (!records) return r;
  const ttl = denial
    ? Math.max(cache.denialMinTTL, Math.min(cache.denialTTL, minimal))
    : Math.max(cache.successMinTTL, Math.min(cache.successTTL, minimal));
  const kept = (xs: readonly ResourceRecord[]) => xs.every((x) => x.ttl === ttl);
  if (kept(r.answer) && kept(r.authority) && kept(r.additional)) return r;
  const set = (xs: readonly ResourceRecord[]) => xs.map((x) => (x.ttl === ttl ? x : { ...x, ttl }));
  return { ...r, answer: set(r.answer), authority: set(r.authority), additional: set(r.additional) };
}

export type { AnsweredBy, Rcode };
