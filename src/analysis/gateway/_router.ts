import type { DecisionBackend, Gateway, HTTPRoute, HttpRequest, Listener, LostCandidate, RouteDecision, RouteMatch, RouteRule } from '../../model/routing.ts';
import { applyFilters } from './_filters.ts';
import { gatewayHostMatch, hostScore } from './_hostnames.ts';
import { describeMatch, matchFailure, matchRank } from './_match.ts';
import type { GatewayAnalysis } from './_status.ts';
import { checkBackendRef } from './_refs.ts';

interface Entry {
  readonly route: HTTPRoute;
  readonly rule: RouteRule;
  readonly match: RouteMatch;
  readonly matchIndex: number;
  readonly rank: readonly (number | string)[];
}

interface ListenerTable {
  readonly listener: Listener;
  /** Entries per exact hostname, per wildcard hostname, and for routes serving any host; each sorted by precedence. */
  readonly exact: Map<string, Entry[]>;
  readonly wildcard: Map<string, Entry[]>;
  readonly any: Entry[];
}

export interface GatewayRouter {
  readonly gateway: Gateway;
  route(req: HttpRequest, explain?: boolean): RouteDecision;
}

const cmp = (a: readonly (number | string)[], b: readonly (number | string)[]) => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
};

/**
 * Compiles one Gateway's routing tables: per listener, its accepted routes' matches grouped by hostname and
 * sorted by the spec's precedence (match specificity, then oldest route, then `namespace/name`, then rule
 * and match order). Per request: the listener of the port with the most specific matching hostname, then
 * the most specific route hostname first, the first match in precedence order winning.
 * https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule
 */
export function compileGatewayRouter(analysis: GatewayAnalysis, gateway: Gateway, grants: Parameters<typeof checkBackendRef>[2]): GatewayRouter {
  const tables: ListenerTable[] = gateway.listeners.map((listener) => {
    const t: ListenerTable = { listener, exact: new Map(), wildcard: new Map(), any: [] };
    for (const a of analysis.attachments) {
      if (a.gateway !== gateway || a.listener !== listener) continue;
      const ts = a.route.creationTimestamp ?? '9999';
      for (const rule of a.route.rules)
        rule.matches.forEach((match, matchIndex) => {
          const e: Entry = { route: a.route, rule, match, matchIndex, rank: [...matchRank(match), ts, `${a.route.namespace}/${a.route.name}`, a.route.kind, rule.index, matchIndex] };
          if (!a.hostnames) t.any.push(e);
          else for (const h of a.hostnames) (h.startsWith('*.') ? t.wildcard : t.exact).set(h, [...((h.startsWith('*.') ? t.wildcard : t.exact).get(h) ?? []), e]);
        });
    }
    for (const list of [...t.exact.values(), ...t.wildcard.values(), t.any]) list.sort((x, y) => cmp(x.rank, y.rank));
    return t;
  });
  return {
    gateway,
    route(req, explain = false) {
      const lost: LostCandidate[] = [];
      const host = req.host.toLowerCase();
      const onPort = tables.filter((t) => t.listener.port === req.port && (!t.listener.hostname || gatewayHostMatch(t.listener.hostname, host)));
      const table = onPort.sort((a, b) => hostScore(b.listener.hostname) - hostScore(a.listener.hostname))[0];
      const empty = { backends: [], mirrors: [], lost };
      if (!table) return { status: 404, ...empty, notes: [`no listener of ${gateway.key} on port ${req.port} accepts host ${host}${tables.some((t) => t.listener.port === req.port) ? '' : ' (nothing listens on that port: the connection is refused)'}`] };
      const wantTls = table.listener.protocol === 'HTTPS' || table.listener.protocol === 'TLS';
      if (wantTls !== (req.scheme === 'https')) return { status: 400, ...empty, notes: [`listener ${table.listener.name} speaks ${table.listener.protocol}; a ${req.scheme} request cannot be served on it`] };
      const groups: Entry[][] = [];
      const exact = table.exact.get(host);
      if (exact) groups.push(exact);
      const wild: [string, Entry[]][] = [];
      for (let i = host.indexOf('.'); i >= 0; i = host.indexOf('.', i + 1)) {
        const w = table.wildcard.get(`*${host.slice(i)}`);
        if (w) wild.push([host.slice(i), w]);
      }
      groups.push(...wild.sort((a, b) => b[0].length - a[0].length).map((w) => w[1]), table.any);
      let winner: Entry | undefined;
      for (const g of groups)
        for (const e of g) {
          const why = matchFailure(e.match, req);
          if (!why && !winner) {
            winner = e;
            if (!explain) break;
          } else if (explain && e !== winner) lost.push({ object: e.route.key, at: `rules[${e.rule.index}].matches[${e.matchIndex}]`, match: describeMatch(e.match), reason: why ?? `matches, but ${winner!.route.key} rules[${winner!.rule.index}] takes precedence` });
          if (winner && !explain) break;
        }
      const notes = [`listener ${table.listener.name} (${table.listener.protocol} ${table.listener.port}${table.listener.hostname ? ` ${table.listener.hostname}` : ''})`];
      const programmed = analysis.gateways.find((g) => g.key === gateway.key)?.listeners.find((l) => l.name === table.listener.name)?.conditions.find((c) => c.type === 'Programmed');
      if (programmed?.status !== 'True') notes.push(`LISTENER NOT PROGRAMMED (${programmed?.reason ?? 'Pending'}): a real gateway would not serve this listener; what follows is the routing it would apply once the listener is fixed`);
      if (!winner) return { status: 404, ...empty, notes: [...notes, 'no route rule matches: the gateway answers 404'] };
      return decide(winner, req, analysis, grants, lost, notes);
    },
  };
}

function decide(e: Entry, req: HttpRequest, analysis: GatewayAnalysis, grants: Parameters<typeof checkBackendRef>[2], lost: LostCandidate[], notes: string[]): RouteDecision {
  const winner = { object: e.route.key, at: `rules[${e.rule.index}].matches[${e.matchIndex}]`, match: describeMatch(e.match) };
  const fx = applyFilters(e.rule.filters, e.match, req);
  notes.push(...fx.notes);
  const toBackend = (b: RouteRule['backendRefs'][number]): DecisionBackend => {
    const problem = checkBackendRef(b, e.route, grants, analysis.services);
    return { namespace: b.namespace ?? e.route.namespace, name: b.name, port: b.port, weight: b.weight, problem: problem ? `${problem.reason}: ${problem.message}` : undefined };
  };
  const base = { winner, lost, notes, mirrors: fx.mirrors.map(toBackend), requestHeaders: fx.requestHeaders, responseHeaders: fx.responseHeaders };
  if (fx.redirect) return { ...base, status: fx.redirect.status, redirect: fx.redirect, backends: [] };
  const backends = e.rule.backendRefs.map(toBackend);
  const usable = backends.filter((b) => !b.problem && b.weight > 0);
  if (!backends.length) notes.push('the rule has no backendRefs: the gateway answers 500');
  else if (!usable.length) notes.push('no backendRef is usable (invalid, or every weight is 0): the gateway answers 500');
  else if (usable.length < backends.filter((b) => b.weight > 0).length) notes.push('requests weighted to invalid backendRefs get 500');
  return { ...base, status: usable.length ? 200 : 500, backends, rewrittenPath: fx.rewrittenPath, rewrittenHost: fx.rewrittenHost };
}
