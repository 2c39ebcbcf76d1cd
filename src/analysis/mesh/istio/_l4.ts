/**
 * Istio VirtualService `tcp` and `tls` rules: which rule takes a connection, as istiod builds the proxy's
 * filter chains and Envoy picks one of them.
 * - Static predicates (`gateways`, `port`, `sourceLabels`, `sourceNamespace`) are settled per proxy (istio/istio
 *   pilot/pkg/networking/core listener building, `matchTCP`/`matchTLS`): a block that fails them yields no chain.
 * - `tcp`: VirtualServices in order, rules in order; a rule without match, or whose matching block has no
 *   `destinationSubnets`, is the catch-all and ends the walk; blocks with subnets before it add chains matched on
 *   the destination address. No catch-all: the Service's own chain (every endpoint).
 * - `tls` (TLS and HTTPS ports, gateway PASSTHROUGH servers): each matching block is a chain on its `sniHosts`
 *   (and subnets); a repeated (sniHosts, subnets) pair is kept once, the first. No chain at all: the Service's
 *   own chain; chains but none for the connection's SNI: no filter chain matches and the connection is closed.
 * - Envoy picks among chains by the most specific destination prefix first, then the server name (exact before
 *   the longest wildcard) — https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/listener/v3/listener_components.proto#config-listener-v3-filterchainmatch
 * - At a gateway istiod settles a block by `port` (the server's) and `gateways` alone (pilot/pkg/networking/core/
 *   gateway.go `l4SingleMatch`): `destinationSubnets`, `sourceLabels` and `sourceNamespace` are not consulted
 *   there, and its `tls` chains carry only `sniHosts`; a block whose SNI host an earlier block on the port took
 *   is skipped (`CheckDuplicates`). A maintainer: "destinationSubnets only works for sidecars"
 *   (https://github.com/istio/istio/issues/54449). So a subnet rule at a gateway takes every connection on its
 *   port, whatever address the client dialed, and the answer says so.
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#TCPRoute
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#TLSRoute
 */
import { cidrContains, parseCidr, parseIP, type Cidr } from '../../../lib/ip.ts';
import type { IstioL4Match, IstioL4Route, VirtualService } from '../../../model/mesh.ts';
import type { LostCandidate } from '../../../model/routing.ts';
import type { MeshClient } from '../types.ts';

/** One connection as the proxy sees it. */
export interface L4Connection {
  readonly kind: 'tcp' | 'tls';
  /** The destination port (a Service port, or a gateway server's port). */
  readonly port: number;
  /** The address the client dialed; undefined when not one address (a headless Service). */
  readonly destIP?: string;
  /** The TLS server name (tls only). */
  readonly sni?: string;
}

export interface L4Winner {
  readonly vs: VirtualService;
  readonly rule: IstioL4Route;
  readonly at: string;
  readonly match: string;
}

export interface L4Outcome {
  /** The rule that takes the connection; undefined: the Service's own chain (no rule applies). */
  readonly won?: L4Winner;
  readonly lost: readonly LostCandidate[];
  /** Chains exist but none takes this connection: the proxy closes it. */
  readonly closed?: string;
  /** What the twin cannot decide (the verdict is unknown). */
  readonly unknown?: string;
  /** Predicates a gateway does not consult, on the blocks that were settled. */
  readonly notes: readonly string[];
}

const labelsText = (l: Readonly<Record<string, string>>) =>
  Object.entries(l)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

export function describeL4Match(m: IstioL4Match | undefined): string {
  if (!m) return 'any connection';
  const parts: string[] = [];
  if (m.sniHosts.length) parts.push(`sni ${m.sniHosts.join(', ')}`);
  if (m.port !== undefined) parts.push(`port ${m.port}`);
  if (m.destinationSubnets.length) parts.push(`destination ${m.destinationSubnets.join(', ')}`);
  if (m.sourceLabels) parts.push(`source labels ${labelsText(m.sourceLabels)}`);
  if (m.sourceNamespace) parts.push(`source namespace ${m.sourceNamespace}`);
  if (m.gateways) parts.push(`gateways ${m.gateways.join(', ')}`);
  return parts.join(', ') || 'any connection';
}

/**
 * Why a block's static predicates exclude this proxy, or undefined. The block's `gateways` override the
 * VirtualService's; an empty list means `mesh` (the sidecars).
 */
function staticFailure(
  vs: VirtualService,
  m: IstioL4Match,
  c: L4Connection,
  client: MeshClient,
): string | undefined {
  const gws = m.gateways ?? (vs.gateways.length ? vs.gateways : ['mesh']);
  const ref = (g: string) => (g.includes('/') ? g : `${vs.namespace}/${g}`);
  if (!client.gateway && !gws.includes('mesh'))
    return `applies only to gateways ${gws.join(', ')}, not to sidecars`;
  if (client.gateway && !gws.some((g) => g !== 'mesh' && ref(g) === client.gateway))
    return `applies only to ${gws.join(', ')}, not to gateway ${client.gateway}`;
  if (m.port !== undefined && m.port !== c.port) return `destination port ${c.port} is not ${m.port}`;
  if (client.gateway) return undefined;
  if (m.sourceNamespace !== undefined && client.pod.namespace !== m.sourceNamespace)
    return `client namespace ${client.pod.namespace} is not ${m.sourceNamespace}`;
  for (const [k, v] of Object.entries(m.sourceLabels ?? {}))
    if (client.pod.labels[k] !== v)
      return `client ${client.pod.namespace}/${client.pod.name} lacks label ${k}=${v}`;
  return undefined;
}

const asCidr = (x: string): Cidr | undefined => {
  if (x.includes('/')) return parseCidr(x);
  const ip = parseIP(x);
  return ip ? parseCidr(`${x}/${ip.family === 4 ? 32 : 128}`) : undefined;
};

/** The longest prefix among `subnets` containing `ip`: -1 when none does. */
function prefixFor(subnets: readonly string[], ip: string): number {
  const addr = parseIP(ip);
  if (!addr) return -1;
  let best = -1;
  for (const s of subnets) {
    const c = asCidr(s);
    if (c && cidrContains(c, addr)) best = Math.max(best, c.prefix);
  }
  return best;
}

/** How specifically an SNI pattern takes a name: exact beats every wildcard, a longer wildcard a shorter one. */
function sniScore(pattern: string, name: string): number {
  if (pattern === name) return 1e6;
  if (pattern === '*') return 0;
  if (pattern.startsWith('*.') && name.endsWith(pattern.slice(1))) return pattern.length;
  return -1;
}

interface Chain {
  readonly w: L4Winner;
  /** Empty: no destination prefix (the listener's own address). */
  readonly subnets: readonly string[];
  readonly sniHosts: readonly string[];
}

const lostOf = (w: L4Winner, reason: string): LostCandidate => ({
  object: w.vs.key,
  at: w.at,
  match: w.match,
  reason,
});

/** Narrows chains to those Envoy considers for `destIP`: the most specific matching prefix, else the unprefixed. */
function byDestination(chains: readonly Chain[], c: L4Connection, lost: LostCandidate[]): Chain[] | string {
  const prefixed = chains.filter((x) => x.subnets.length);
  if (prefixed.length && c.destIP === undefined)
    return `${prefixed.map((x) => `${x.w.vs.key} ${x.w.at}`).join(', ')} match on destinationSubnets, and the connection has no single destination address (a headless Service): which rule applies is not known`;
  const scored = chains.map((x) => ({ x, p: x.subnets.length ? prefixFor(x.subnets, c.destIP!) : -1 }));
  const best = Math.max(-1, ...scored.map((s) => s.p));
  const keep = best >= 0 ? scored.filter((s) => s.p === best) : scored.filter((s) => !s.x.subnets.length);
  for (const s of scored)
    if (!keep.includes(s))
      lost.push(
        lostOf(
          s.x.w,
          s.x.subnets.length && s.p < 0
            ? `destination ${c.destIP} is not in ${s.x.subnets.join(', ')}`
            : `a chain with a more specific destination prefix takes ${c.destIP}`,
        ),
      );
  return keep.map((s) => s.x);
}

/** At a gateway, the predicates of a settled block istiod leaves out, in words; undefined when none. */
function ignoredAtGateway(m: IstioL4Match, at: string, gateway: string): string | undefined {
  const left = [
    ...(m.destinationSubnets.length ? [`destinationSubnets ${m.destinationSubnets.join(', ')}`] : []),
    ...(m.sourceLabels ? [`sourceLabels ${labelsText(m.sourceLabels)}`] : []),
    ...(m.sourceNamespace ? [`sourceNamespace ${m.sourceNamespace}`] : []),
  ];
  return left.length
    ? `${at}: ${left.join(', ')} not consulted at gateway ${gateway} (istiod matches a gateway's tcp/tls blocks on port and gateways only; destinationSubnets work for sidecars): the block takes every connection on its port`
    : undefined;
}

/** The SNI hosts of `m` an earlier block on this gateway port already took (istiod skips such a block). */
const takenHosts = (m: IstioL4Match, taken: Set<string>) => m.sniHosts.filter((h) => taken.has(h));

/**
 * The rule of `vss` (in creation order, already filtered to those that apply to the destination and are
 * visible to the client) that takes connection `c` from `client` (a sidecar, or a gateway proxy).
 */
export function chooseL4(vss: readonly VirtualService[], c: L4Connection, client: MeshClient): L4Outcome {
  const lost: LostCandidate[] = [];
  const chains: Chain[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  let terminal: Chain | undefined;
  const gw = client.gateway;
  const subnetsOf = (m: IstioL4Match) => (gw ? [] : m.destinationSubnets);
  for (const vs of vss)
    for (const rule of c.kind === 'tcp' ? vs.tcp : vs.tls) {
      const base = `spec.${c.kind}[${rule.index}]`;
      const w = (m?: IstioL4Match): L4Winner => ({
        vs,
        rule,
        at: m ? `${base}.match[${m.index}]` : base,
        match: describeL4Match(m),
      });
      if (terminal) {
        lost.push(lostOf(w(), `${terminal.w.vs.key} ${terminal.w.at} matches first and ends the walk`));
        continue;
      }
      if (!rule.matches.length) {
        chains.push((terminal = { w: w(), subnets: [], sniHosts: [] }));
        continue;
      }
      const subnets: string[] = [];
      for (const m of rule.matches) {
        const why = staticFailure(vs, m, c, client);
        if (why) {
          lost.push(lostOf(w(m), why));
          continue;
        }
        const ignored = gw && ignoredAtGateway(m, `${vs.key} ${w(m).at}`, gw);
        if (c.kind === 'tls' && gw && takenHosts(m, seen).length) {
          lost.push(
            lostOf(
              w(m),
              `SNI host ${takenHosts(m, seen).join(', ')} is taken by an earlier block on this port`,
            ),
          );
          continue;
        }
        if (ignored) notes.push(ignored);
        if (c.kind === 'tls') {
          const key = `${m.sniHosts.join(',')}|${m.destinationSubnets.join(',')}`;
          if (gw) m.sniHosts.forEach((h) => seen.add(h));
          else if (seen.has(key)) {
            lost.push(lostOf(w(m), 'an earlier block has the same sniHosts and destinationSubnets'));
            continue;
          } else seen.add(key);
          chains.push({ w: w(m), subnets: subnetsOf(m), sniHosts: m.sniHosts });
        } else if (!subnetsOf(m).length) {
          chains.push((terminal = { w: w(m), subnets: [], sniHosts: [] }));
          break;
        } else subnets.push(...m.destinationSubnets);
      }
      if (subnets.length && (!terminal || terminal.w.rule !== rule))
        chains.push({ w: { ...w(), match: `destination ${subnets.join(', ')}` }, subnets, sniHosts: [] });
    }
  if (!chains.length) return { lost, notes };
  const narrowed = byDestination(chains, c, lost);
  if (typeof narrowed === 'string') return { lost, unknown: narrowed, notes };
  if (c.kind === 'tcp') return { won: narrowed[0]?.w, lost, notes };
  const sni = c.sni ?? '';
  const scored = narrowed.map((x) => ({ x, s: Math.max(-1, ...x.sniHosts.map((h) => sniScore(h, sni))) }));
  const best = Math.max(-1, ...scored.map((s) => s.s));
  const winner = best >= 0 ? scored.find((s) => s.s === best)!.x : undefined;
  for (const s of scored)
    if (s.x !== winner)
      lost.push(
        lostOf(
          s.x.w,
          s.s < 0
            ? `SNI ${sni || '(none)'} is not among ${s.x.sniHosts.join(', ')}`
            : 'a more specific sniHosts entry takes it',
        ),
      );
  if (!winner)
    return {
      lost,
      notes,
      closed: `no tls rule's sniHosts take SNI ${sni || '(none)'}: no filter chain matches and the proxy closes the connection`,
    };
  return { won: winner.w, lost, notes };
}
