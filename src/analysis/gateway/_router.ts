import type {
  BackendRef,
  DecisionBackend,
  DecisionSource,
  FrontendValidation,
  Gateway,
  HTTPRoute,
  HttpRequest,
  Listener,
  ListenerSet,
  LostCandidate,
  RouteDecision,
  RouteMatch,
  RouteRule,
  RouteUnknown,
} from '../../model/routing.ts';
import type { ObjectKey } from '../../model/types.ts';
import { applyFilters, type FilterEffect } from './_filters.ts';
import {
  customFilters,
  customFilterUnknowns,
  unresolvedExtensionRef,
  unresolvedExtensionRefNote,
} from './_custom-filters.ts';
import { gatewayHostMatch, lowerHost } from './_hostnames.ts';
import { describeMatch, matchFailure, matchRank } from './_match.ts';
import type { GatewayAnalysis } from './_status.ts';
import type { Condition, RouteStatus } from './_conditions.ts';
import { checkBackendRef, refKind } from './_refs.ts';
import { frontendValidationOf } from './_frontend.ts';
import { listenerLabel } from './_listener.ts';
import { listenerNotServedOf, routingOnceFixed } from './_not-programmed.ts';
import { regexPrecedenceUnknown } from './_regex-precedence.ts';
import { crossKindUnknown, type OnListener } from './_cross-kind.ts';
import { grpcMethodOnlyUnknown } from './_grpc-method-only.ts';
import { repeatedQueryUnknown } from './_repeated-query.ts';
import { hostIndex, listenerForHost, type HostIndex } from './_host-index.ts';
import { portHostLookup, type HostRoutes } from './_port-hosts.ts';
import { firstMatch, indexMatchGroup, type MatchGroup } from './_path-index.ts';

/** HTTPS and TLS listeners terminate or pass TLS: a handshake's SNI selects among them. */
const isTls = (l: Listener) => l.protocol === 'HTTPS' || l.protocol === 'TLS';

const caNames = (fv: FrontendValidation, gw: Gateway) =>
  fv.caCertificateRefs.map((r) => `${r.kind} ${r.namespace ?? gw.namespace}/${r.name}`).join(', ') || 'none';

interface Entry {
  readonly route: HTTPRoute;
  readonly rule: RouteRule;
  readonly match: RouteMatch;
  readonly matchIndex: number;
  readonly rank: readonly (number | string)[];
  /** The decision's `winner`, computed once. */
  readonly source: DecisionSource;
}

interface ListenerTable {
  readonly listener: Listener;
  /** Whether the listener speaks TLS (read per request from the table, whatever the listener's own shape). */
  readonly tls: boolean;
  /** Entries per exact hostname, per wildcard hostname, and for routes serving any host; each sorted by precedence. */
  readonly exact: Map<string, MatchGroup<Entry>>;
  readonly wildcard: Map<string, MatchGroup<Entry>>;
  readonly any: MatchGroup<Entry>;
  /** The routes attached here with their hostnames, kept only when HTTPRoutes and GRPCRoutes both attach. */
  readonly mixedKinds?: readonly OnListener[];
}

export interface GatewayRouter {
  readonly gateway: Gateway;
  route(req: HttpRequest, explain?: boolean): RouteDecision;
  /** The TLS listener (HTTPS or TLS) on `port` whose certificate a handshake naming `sni` gets, if any. */
  listenerForSni(port: number, sni: string): Listener | undefined;
  /** The listener that takes a request for `host` on `port` (the one `route` answers through), if any. */
  listenerForHost(port: number, host: string): Listener | undefined;
}

/** `d` with its arrays frozen, to be handed out to every caller. */
const deepFreeze = (d: RouteDecision): RouteDecision =>
  Object.freeze({
    ...d,
    backends: Object.freeze([...d.backends]),
    mirrors: Object.freeze([...d.mirrors]),
    lost: Object.freeze([...d.lost]),
    notes: Object.freeze([...d.notes]),
  });

/** The losers of a decision that does not explain: none, one frozen list for all (it is never pushed to). */
const noLosers = Object.freeze([]) as unknown as LostCandidate[];

const cmp = (a: readonly (number | string)[], b: readonly (number | string)[]) => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
};

/**
 * A Gateway that is not Accepted (no GatewayClass among the manifests, as in every gateway-api.sigs.k8s.io guide,
 * or one that rejects it) has no routes attached: its 404 says nothing about the routes, so the answer names why.
 * https://gateway-api.sigs.k8s.io/reference/spec/#gatewayconditiontype (Accepted; Pending while no controller acts)
 */
function gatewayNotAccepted(analysis: GatewayAnalysis, gateway: Gateway): string | undefined {
  const st = analysis.gateways.find((g) => g.key === gateway.key);
  const accepted = st?.conditions.find((c) => c.type === 'Accepted');
  // Only when nothing attached: a Gateway refused for its listeners (ListenersNotValid) still has routes attached,
  // and the listener's own LISTENER NOT PROGRAMMED note covers it.
  if (!st || accepted?.status === 'True' || st.listeners.some((l) => l.attachedRoutes > 0)) return undefined;
  const fix = classOf(analysis, st.className)
    ? 'see why with kubetwin get gateways -o wide and kubetwin get gatewayclasses'
    : `add the GatewayClass ${st.className} (with its spec.controllerName) to the manifests to see them`;
  return `GATEWAY NOT ACCEPTED (Accepted=${accepted?.status ?? 'Unknown'}(${accepted?.reason ?? 'Pending'}): ${accepted?.message ?? 'no status'}): no route attaches to it and no controller serves it, so the answer below says nothing about its routes; ${fix}`;
}

/** The HTTPRoutes a 404 through one Gateway may name, found once when its router is compiled. */
interface UnattachedRoutes {
  /** HTTPRoutes with no parentRefs: they attach to no Gateway. */
  readonly parentless: readonly RouteStatus[];
  /** HTTPRoutes naming this Gateway as a parent that it did not accept, with that parent's Accepted condition. */
  readonly refused: readonly {
    readonly route: RouteStatus;
    readonly parent: string;
    readonly accepted: Condition;
  }[];
  /** HTTPRoutes whose attachment to this Gateway is unknown (Accepted=Unknown: namespace labels not in the input). */
  readonly unsure: readonly { readonly route: RouteStatus; readonly accepted: Condition }[];
}

/**
 * The HTTPRoutes that a 404 through `gateway` names when they are for the requested host: those with no parentRefs
 * (a route attaches only to the parents it names; the guides' snippets, e.g. http-redirect-rewrite's
 * http-filter-rewrite, leave them out; https://gateway-api.sigs.k8s.io/reference/spec/#commonroutespec), and those
 * naming this Gateway that it did not accept (Accepted=False: NotAllowedByListeners, NoMatchingListenerHostname, …;
 * https://gateway-api.sigs.k8s.io/reference/spec/#routeconditionreason), so the route the user meant is not
 * silently absent from the answer.
 */
function unattachedRoutes(analysis: GatewayAnalysis, gateway: Gateway): UnattachedRoutes {
  const self = `Gateway/${gateway.namespace}/${gateway.name}`;
  const parentless: RouteStatus[] = [];
  const refused: UnattachedRoutes['refused'][number][] = [];
  const unsure: UnattachedRoutes['unsure'][number][] = [];
  for (const route of analysis.routes) {
    if (route.kind !== 'HTTPRoute') continue;
    if (!route.parents.length) parentless.push(route);
    for (const p of route.parents) {
      if (p.parent !== self && !p.parent.startsWith(`${self}/`) && !p.parent.startsWith(`${self}:`)) continue;
      const accepted = p.conditions.find((x) => x.type === 'Accepted');
      if (accepted?.status === 'False') refused.push({ route, parent: p.parent, accepted });
      else if (accepted?.status === 'Unknown' && accepted.reason === 'NotAllowedByListeners')
        unsure.push({ route, accepted });
    }
  }
  return { parentless, refused, unsure };
}

/**
 * The routes for `host` whose attachment to this Gateway is unknown: if they attach, they may take the request, so
 * every answer for the host says so.
 */
function unsureFor(u: UnattachedRoutes, gateway: Gateway, host: string): RouteUnknown[] {
  return u.unsure
    .filter((x) => isFor(x.route, host))
    .map(({ route, accepted }) => ({
      object: route.key,
      path: 'spec.parentRefs',
      text: `${route.key} may attach to ${gateway.key} and take this request: ${accepted.message}`,
    }));
}

/** A route without hostnames is for every host. */
const isFor = (r: RouteStatus, host: string) =>
  !r.hostnames.length || r.hostnames.some((h) => gatewayHostMatch(h, host));

/** Notes naming the routes for `host` that have no parentRefs. */
function parentlessFor(u: UnattachedRoutes, gateway: Gateway, host: string): string[] {
  return u.parentless
    .filter((r) => isFor(r, host))
    .map(
      (r) =>
        `${r.key} is for ${host} but has no parentRefs, so it attaches to no Gateway (add parentRefs: [{name: ${gateway.name}, namespace: ${gateway.namespace}}])`,
    );
}

/** Notes naming the routes for `host` that name this Gateway but that it did not accept, with the reason. */
function refusedFor(u: UnattachedRoutes, host: string): string[] {
  return u.refused
    .filter((x) => isFor(x.route, host))
    .map(
      ({ route, parent, accepted: c }) =>
        `${route.key} names ${parent} but is not attached to it: ${c.reason}${c.message ? ` — ${c.message}` : ''}`,
    );
}

const classOf = (analysis: GatewayAnalysis, name: string) => analysis.classes.find((c) => c.name === name);

/** The ListenerSets of `sets` whose parent is `gateway` and that have a listener for `host` on `port`. */
function listeningFor(
  sets: readonly ListenerSet[],
  gateway: Gateway,
  port: number,
  host: string,
): readonly ListenerSet[] {
  return sets.filter(
    (s) =>
      s.attachment.gateway === gateway.key &&
      s.listeners.some((l) => l.port === port && (!l.hostname || gatewayHostMatch(l.hostname, host))),
  );
}

/**
 * ListenerSets that would listen for `host` on `port` but that the Gateway does not admit (GEP-1713 handshake): the
 * answer names them, so a 404 or a refused connection is not a mystery.
 */
function detachedFor(analysis: GatewayAnalysis, gateway: Gateway, port: number, host: string): string[] {
  return listeningFor(analysis.detachedListenerSets, gateway, port, host).map(
    (s) => `${s.key} has a listener for ${host} on port ${port} but is not attached: ${s.attachment.message}`,
  );
}

/**
 * ListenerSets whose handshake with this Gateway is unknown and that have a listener for `host` on `port`: if the
 * Gateway admits them, their listeners (and the routes on them) may take the request, so the answer says so.
 * https://gateway-api.sigs.k8s.io/geps/gep-1713/#allowedlisteners
 */
function unsureSetsFor(
  analysis: GatewayAnalysis,
  gateway: Gateway,
  port: number,
  host: string,
): RouteUnknown[] {
  return listeningFor(analysis.unsureListenerSets, gateway, port, host).map((s) => ({
    object: s.key,
    path: 'spec.parentRef',
    text: `${s.key} has a listener for ${host} on port ${port} and may be attached: ${s.attachment.message}`,
  }));
}

/**
 * Compiles one Gateway's routing tables: per listener, its accepted routes' matches grouped by hostname and
 * sorted by the spec's precedence (match specificity, then oldest route, then `namespace/name`, then rule
 * and match order). Per request: the listener of the port with the most specific matching hostname, then
 * the most specific route hostname first, the first match in precedence order winning; the listener and its route
 * groups for a Host come from one lookup (_port-hosts.ts), however many ListenerSets share the port.
 * https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule
 */
export function compileGatewayRouter(
  analysis: GatewayAnalysis,
  gateway: Gateway,
  grants: Parameters<typeof checkBackendRef>[2],
): GatewayRouter {
  const tables: ListenerTable[] = gateway.listeners.map((listener) => {
    const t = { exact: new Map<string, Entry[]>(), wildcard: new Map<string, Entry[]>(), any: [] as Entry[] };
    const here: OnListener[] = [];
    for (const a of analysis.attachments) {
      if (a.gateway !== gateway || a.listener !== listener) continue;
      here.push({ route: a.route, hostnames: a.hostnames });
      const ts = a.route.creationTimestamp ?? '9999';
      for (const rule of a.route.rules)
        rule.matches.forEach((match, matchIndex) => {
          const e: Entry = {
            route: a.route,
            rule,
            match,
            matchIndex,
            source: {
              object: a.route.key,
              at: `rules[${rule.index}].matches[${matchIndex}]`,
              match: describeMatch(match),
            },
            rank: [
              ...matchRank(match, a.route.kind),
              ts,
              `${a.route.namespace}/${a.route.name}`,
              a.route.kind,
              rule.index,
              matchIndex,
            ],
          };
          if (!a.hostnames) t.any.push(e);
          else
            for (const h of a.hostnames)
              (h.startsWith('*.') ? t.wildcard : t.exact).set(h, [
                ...((h.startsWith('*.') ? t.wildcard : t.exact).get(h) ?? []),
                e,
              ]);
        });
    }
    const indexed = (list: Entry[]) => indexMatchGroup(list.sort((x, y) => cmp(x.rank, y.rank)));
    const indexAll = (m: Map<string, Entry[]>) => new Map([...m].map(([h, list]) => [h, indexed(list)]));
    return {
      listener,
      tls: isTls(listener),
      exact: indexAll(t.exact),
      wildcard: indexAll(t.wildcard),
      any: indexed(t.any),
      ...(new Set(here.map((a) => a.route.kind)).size > 1 ? { mixedKinds: here } : {}),
    };
  });
  // Per port, the listeners by hostname (exact ones by a Map lookup), and the TLS ones alone for the SNI a
  // handshake names (the listener whose certificate it gets), each index built once.
  const byPort = new Map<number, ListenerTable[]>();
  for (const t of tables) {
    const list = byPort.get(t.listener.port);
    if (list) list.push(t);
    else byPort.set(t.listener.port, [t]);
  }
  // One lookup per request resolves the listener and its route groups for the Host (_port-hosts.ts).
  const hostsByPort = new Map<
    number,
    (host: string) => HostRoutes<ListenerTable, MatchGroup<Entry>> | undefined
  >();
  const tlsByPort = new Map<number, HostIndex<ListenerTable>>();
  for (const [port, list] of byPort) {
    hostsByPort.set(port, portHostLookup<MatchGroup<Entry>, ListenerTable>(list));
    tlsByPort.set(port, hostIndex(list.filter((t) => t.tls)));
  }
  const notAccepted = gatewayNotAccepted(analysis, gateway);
  // Every answer through a listener that is not programmed says so as data (`notServed`) and in its notes.
  const notServedOf = new Map(
    tables.map((t) => {
      const off = listenerNotServedOf(gateway, t.listener, {
        status: analysis.listenerStatus.get(t.listener),
        grants,
      });
      return [t, off ? { notServed: Object.freeze(off) } : {}] as const;
    }),
  );
  const listenerNotes = new Map(
    tables.map((t) => {
      const l = t.listener;
      const notes = [
        `listener ${listenerLabel(l)} (${l.protocol} ${l.port}${l.hostname ? ` ${l.hostname}` : ''})`,
      ];
      const fv = frontendValidationOf(gateway, l);
      if (fv)
        notes.push(
          fv.mode === 'AllowValidOnly'
            ? `client certificate required (spec.tls.frontend, AllowValidOnly; trust anchors ${caNames(fv, gateway)}): kubetwin assumes the client presents one that validates; without one the TLS handshake fails`
            : `client certificate requested (spec.tls.frontend, AllowInsecureFallback; trust anchors ${caNames(fv, gateway)}): a client without a valid one is admitted too, and authorizing it is left to the backend`,
        );
      if (notAccepted) notes.push(notAccepted);
      const off = notServedOf.get(t)!.notServed;
      if (off) notes.push(`${off.message}${routingOnceFixed}`);
      return [t, notes] as const;
    }),
  );
  // No rule matches: the 404 a listener answers. It names the routes for the host that attach nowhere or that this
  // Gateway refused; when there are none (the common case) it is the same for every host, built once per listener
  // and frozen (a shared answer).
  const unattached = unattachedRoutes(analysis, gateway);
  const hostNotesPossible = unattached.parentless.length + unattached.refused.length > 0;
  const unmatched = (t: ListenerTable, lost: readonly LostCandidate[], host?: string): RouteDecision => ({
    status: 404,
    backends: [],
    mirrors: [],
    lost,
    ...notServedOf.get(t)!,
    notes: [
      ...listenerNotes.get(t)!,
      notAccepted
        ? 'no route is attached: the Gateway is not accepted (a real one would have no address to answer on)'
        : 'no route rule matches: the gateway answers 404',
      ...(host !== undefined && hostNotesPossible
        ? [...parentlessFor(unattached, gateway, host), ...refusedFor(unattached, host)]
        : []),
    ],
  });
  const unmatchedOf = new Map(tables.map((t) => [t, deepFreeze(unmatched(t, []))]));
  const backends = new Map<RouteRule, RuleBackends>();
  const backendsOf = (e: Entry) => {
    let b = backends.get(e.rule);
    if (!b)
      backends.set(
        e.rule,
        (b = {
          ...ruleBackends(e.rule.backendRefs.map((r) => toBackend(r, e.route, analysis, grants))),
          filtered: e.rule.backendRefs.some((r) => r.filters?.length),
        }),
      );
    return b;
  };
  const answer: GatewayRouter['route'] = (req, explain = false) => {
    // Losers are listed only when explaining; `decide` shares one empty list (nothing allocated per request).
    const lost: LostCandidate[] = explain ? [] : noLosers;
    const host = lowerHost(req.host);
    const found = hostsByPort.get(req.port)?.(host);
    const empty = () => ({ backends: [], mirrors: [], lost });
    if (!found)
      return {
        status: 404,
        ...empty(),
        notes: [
          `no listener of ${gateway.key} on port ${req.port} accepts host ${host}${byPort.has(req.port) ? '' : ' (nothing listens on that port: the connection is refused)'}`,
          ...detachedFor(analysis, gateway, req.port, host),
          ...refusedFor(unattached, host),
        ],
      };
    const { table, groups } = found;
    const wantTls = table.tls;
    if (
      req.clientCertificate === 'none' &&
      req.scheme === 'https' &&
      frontendValidationOf(gateway, table.listener)?.mode === 'AllowValidOnly'
    )
      return {
        status: 0,
        ...empty(),
        notes: [
          `listener ${listenerLabel(table.listener)} requires a client certificate (spec.tls.frontend, AllowValidOnly) and the client presents none: the TLS handshake fails (no HTTP answer)`,
        ],
      };
    if (req.sni !== undefined && wantTls && req.scheme === 'https') {
      const misdirected = misdirectedBySni(tlsByPort.get(req.port), table, req.sni, host);
      if (misdirected) return { ...misdirected, ...empty() };
    }
    if (wantTls !== (req.scheme === 'https'))
      return {
        status: 400,
        ...empty(),
        notes: [
          `listener ${listenerLabel(table.listener)} speaks ${table.listener.protocol}; a ${req.scheme} request cannot be served on it`,
        ],
      };
    // A TLS listener takes the handshake for its hostname: HTTPRoutes do not run there (TLSRoutes do).
    if (table.listener.protocol === 'TLS')
      return {
        status: 0,
        ...empty(),
        ...notServedOf.get(table)!,
        notes: [...listenerNotes.get(table)!, tlsListenerNote(table.listener, host, req.port)],
      };
    let winner: Entry | undefined;
    let winnerGroup: MatchGroup<Entry> | undefined;
    if (!explain)
      for (const g of groups) {
        winner = firstMatch(g, req);
        if (winner) {
          winnerGroup = g;
          break;
        }
      }
    // Explaining walks every match to say why each one lost; the winner is the first that matches, as above.
    if (explain)
      for (const g of groups)
        for (const e of g.entries) {
          const why = matchFailure(e.match, req, true);
          if (!why && !winner) [winner, winnerGroup] = [e, g];
          else
            lost.push({
              object: e.route.key,
              at: `rules[${e.rule.index}].matches[${e.matchIndex}]`,
              match: describeMatch(e.match),
              reason:
                why ?? `matches, but ${winner!.route.key} rules[${winner!.rule.index}] takes precedence`,
            });
        }
    if (!winner) return explain || hostNotesPossible ? unmatched(table, lost, host) : unmatchedOf.get(table)!;
    const undecided = [
      regexPrecedenceUnknown(winnerGroup!, winner, req),
      repeatedQueryUnknown(winnerGroup!, req),
      table.mixedKinds && crossKindUnknown(winner, table.mixedKinds, groups, req),
      grpcMethodOnlyUnknown(winner),
    ].filter((u) => u !== undefined);
    const decided = decide(
      winner,
      req,
      backendsOf(winner),
      (r) => toBackend(r, winner!.route, analysis, grants),
      lost,
      [...listenerNotes.get(table)!],
    );
    const off = notServedOf.get(table)!;
    return undecided.length || off.notServed
      ? {
          ...decided,
          ...off,
          ...(undecided.length ? { unknown: [...(decided.unknown ?? []), ...undecided] } : {}),
        }
      : decided;
  };
  return {
    gateway,
    listenerForSni: (port, sni) => listenerForHost(tlsByPort.get(port), sni)?.listener,
    listenerForHost: (port, host) => hostsByPort.get(port)?.(lowerHost(host))?.table.listener,
    route(req, explain = false) {
      const d = answer(req, explain);
      const host = lowerHost(req.host);
      const maybe = [
        ...(unattached.unsure.length ? unsureFor(unattached, gateway, host) : []),
        ...(analysis.unsureListenerSets.length ? unsureSetsFor(analysis, gateway, req.port, host) : []),
      ];
      return maybe.length ? { ...d, unknown: [...(d.unknown ?? []), ...maybe] } : d;
    },
  };
}

/**
 * 421 Misdirected Request when the SNI the connection was opened with selects another listener than the request's
 * Host (HTTP/2 connection coalescing over a certificate valid for both names): routing by either listener would
 * break the Gateway's intent, so the gateway refuses and the client retries on a new connection. GEP-3567 (B):
 * "The Gateway spec for listener.hostname will be updated to recommend returning a 421"; the listener's hostname
 * "SHOULD match at both the TLS and HTTP protocol layers". An SNI no listener accepts gets no certificate: the
 * handshake fails (status 0, no HTTP answer).
 * https://gateway-api.sigs.k8s.io/geps/gep-3567/ https://www.rfc-editor.org/rfc/rfc9110#section-15.5.20
 */
function misdirectedBySni(
  tlsOnPort: HostIndex<ListenerTable> | undefined,
  byHost: ListenerTable,
  sni: string,
  host: string,
): Pick<RouteDecision, 'status' | 'notes'> | undefined {
  const bySni = listenerForHost(tlsOnPort, sni);
  if (!bySni)
    return {
      status: 0,
      notes: [
        `no listener on port ${byHost.listener.port} accepts SNI ${sni}: the gateway has no certificate for it and the TLS handshake fails (no HTTP answer)`,
      ],
    };
  if (bySni === byHost) return undefined;
  return {
    status: 421,
    notes: [
      `SNI ${sni} selected listener ${listenerLabel(bySni.listener)}${bySni.listener.hostname ? ` (${bySni.listener.hostname})` : ''} but Host ${host} selects listener ${listenerLabel(byHost.listener)}${byHost.listener.hostname ? ` (${byHost.listener.hostname})` : ''}: the gateway answers 421 Misdirected Request and the client retries on a new connection (GEP-3567)`,
    ],
  };
}

export function toBackend(
  b: BackendRef,
  route: { kind: string; namespace: string },
  analysis: GatewayAnalysis,
  grants: Parameters<typeof checkBackendRef>[2],
): DecisionBackend {
  const problem = checkBackendRef(b, route, grants, analysis.services);
  const namespace = b.namespace ?? route.namespace;
  // A BackendTLSPolicy governs the HTTP(S) a gateway sends (HTTPRoute, GRPCRoute); TLSRoute, TCPRoute and UDPRoute
  // backends are piped as they come, as the support catalogue says.
  const tls =
    !problem &&
    (route.kind === 'HTTPRoute' || route.kind === 'GRPCRoute') &&
    b.port !== undefined &&
    b.kind === 'Service' &&
    b.group === ''
      ? analysis.backendTLS.forPort(namespace, b.name, b.port)
      : undefined;
  return {
    namespace,
    name: b.name,
    ...(b.group !== '' || b.kind !== 'Service' ? { kind: refKind(b) } : {}),
    port: b.port,
    weight: b.weight,
    problem: problem ? `${problem.reason}: ${problem.message}` : tls?.problem,
    ...(tls ? { tls: tls.tls } : {}),
  };
}

/** A rule's backends checked once: the status they give and the note that explains a 500. */
interface RuleBackends {
  readonly backends: readonly DecisionBackend[];
  /** Whether any backendRef has filters of its own (applied per request). */
  readonly filtered?: boolean;
  readonly status: 200 | 500;
  readonly note?: string;
}

/**
 * A backendRef's own `filters`, applied only to the requests forwarded to that backend ("Filters defined at this
 * level should be executed if and only if the request is being forwarded to the backend defined here"), after the
 * rule's filters. Header modifiers, URLRewrite and RequestMirror take effect; a redirect or CORS filter at this
 * level is named as not applied (a backend-level filter cannot answer for the gateway).
 * https://gateway-api.sigs.k8s.io/reference/spec/#httpbackendref
 */
function backendFilters(
  b: DecisionBackend,
  ref: BackendRef,
  match: RouteMatch,
  req: HttpRequest,
  mirror: (b: BackendRef) => DecisionBackend,
): DecisionBackend {
  if (!ref.filters?.length) return b;
  const fx = applyFilters(ref.filters, match, req);
  const notes = fx.notes.filter((n) => !n.startsWith('CORS'));
  if (fx.redirect || fx.cors)
    notes.push(
      `a ${fx.redirect ? 'RequestRedirect' : 'CORS'} filter on backendRef ${b.namespace}/${b.name} is not applied: kubetwin applies header modifiers, URLRewrite and RequestMirror at the backendRef level`,
    );
  return {
    ...b,
    filtered: {
      requestHeaders: fx.requestHeaders,
      responseHeaders: fx.responseHeaders,
      rewrittenPath: fx.rewrittenPath,
      rewrittenHost: fx.rewrittenHost,
      mirrors: fx.mirrors.map((m) => ({ ...mirror(m), percent: m.percent })),
      notes,
    },
  };
}

function ruleBackends(backends: readonly DecisionBackend[]): RuleBackends {
  const usable = backends.filter((b) => !b.problem && b.weight > 0).length;
  if (!backends.length)
    return { backends, status: 500, note: 'the rule has no backendRefs: the gateway answers 500' };
  if (!usable)
    return {
      backends,
      status: 500,
      note: 'no backendRef is usable (invalid, or every weight is 0): the gateway answers 500',
    };
  if (usable < backends.filter((b) => b.weight > 0).length)
    return { backends, status: 200, note: 'requests weighted to invalid backendRefs get 500' };
  return { backends, status: 200 };
}

const noEffect: FilterEffect = { mirrors: [], custom: [], notes: [] };

/** The decision for the winning match: filters applied to the request (skipped when the rule has none). */
function decide(
  e: Entry,
  req: HttpRequest,
  rb: RuleBackends,
  mirror: (b: BackendRef) => DecisionBackend,
  lost: LostCandidate[],
  notes: string[],
): RouteDecision {
  const fx = e.rule.filters.length ? applyFilters(e.rule.filters, e.match, req) : noEffect;
  for (const n of fx.notes) notes.push(n);
  const mirrors = fx.mirrors.length ? fx.mirrors.map((m) => ({ ...mirror(m), percent: m.percent })) : [];
  const { timeouts, retry } = e.rule;
  const at = `rules[${e.rule.index}]`;
  const unresolved = unresolvedExtensionRef(fx.custom);
  if (unresolved) {
    notes.push(unresolvedExtensionRefNote(unresolved, { namespace: e.route.namespace, at }));
    return { status: 500, winner: e.source, backends: [], mirrors: [], lost, notes };
  }
  const where = { route: e.route.key, namespace: e.route.namespace };
  // A custom filter may refuse before a redirect or a preflight answer is sent: those answers carry it too.
  const ruleUnknown = customFilterUnknowns(fx.custom, { ...where, at });
  const early = ruleUnknown.length ? { unknown: ruleUnknown } : {};
  if (fx.cors?.preflight)
    return {
      status: 200,
      winner: e.source,
      preflight: true,
      backends: [],
      mirrors: [],
      lost,
      notes,
      responseHeaders: { set: fx.cors.headers, add: [], remove: [] },
      ...early,
    };
  const responseHeaders = fx.cors?.headers.length
    ? {
        set: [...(fx.responseHeaders?.set ?? []), ...fx.cors.headers],
        add: fx.responseHeaders?.add ?? [],
        remove: fx.responseHeaders?.remove ?? [],
      }
    : fx.responseHeaders;
  if (fx.redirect)
    return {
      status: fx.redirect.status,
      winner: e.source,
      redirect: fx.redirect,
      backends: [],
      mirrors,
      lost,
      notes,
      requestHeaders: fx.requestHeaders,
      responseHeaders,
      ...early,
    };
  if (rb.note)
    notes.push(
      ruleUnknown.length && !rb.backends.length
        ? `${rb.note}, unless a filter of the rule answers first`
        : rb.note,
    );
  const backends = rb.filtered
    ? rb.backends.map((b, i) => backendFilters(b, e.rule.backendRefs[i], e.match, req, mirror))
    : rb.backends;
  for (const b of backends) if (b.filtered) notes.push(...b.filtered.notes);
  const decision: { -readonly [K in keyof RouteDecision]: RouteDecision[K] } = {
    status: rb.status,
    winner: e.source,
    backends,
    mirrors,
    lost,
    notes,
    requestHeaders: fx.requestHeaders,
    responseHeaders,
    rewrittenPath: fx.rewrittenPath,
    rewrittenHost: fx.rewrittenHost,
  };
  // Set after the literal (not spread into it): the object keeps one shape and its keys their order.
  if (timeouts) decision.timeouts = timeouts;
  if (retry) decision.retry = retry;
  const unknown = [
    ...ruleUnknown,
    ...e.rule.backendRefs.flatMap((ref, i) =>
      ref.weight > 0
        ? customFilterUnknowns(customFilters(ref.filters), { ...where, at: `${at}.backendRefs[${i}]` })
        : [],
    ),
    ...otherKindUnknowns(e.route.key, e.rule.index, backends, 'http'),
  ];
  if (unknown.length) decision.unknown = unknown;
  return decision;
}

/**
 * The backendRefs of the winning rule that name a kind other than a core Service and get a share: support for them
 * is implementation-specific, so where that share lands (the referent, or a 500 / a rejected connection from a
 * controller that does not support the kind) is open. `layer`: an HTTPRoute/GRPCRoute request (such a controller
 * answers 500) or a TCP/TLS/UDP route's connection (it rejects the connection).
 * https://gateway-api.sigs.k8s.io/reference/spec/#httpbackendref https://gateway-api.sigs.k8s.io/reference/spec/#backendref
 */
export function otherKindUnknowns(
  route: ObjectKey,
  ruleIndex: number,
  backends: readonly DecisionBackend[],
  layer: 'http' | 'l4',
): RouteUnknown[] {
  const out: RouteUnknown[] = [];
  const [unit, refusal] =
    layer === 'http' ? ['the request', 'answers 500'] : ['the connection', 'rejects the connection'];
  backends.forEach((b, i) => {
    if (b.kind && b.weight > 0)
      out.push({
        object: route,
        path: `rules[${ruleIndex}].backendRefs[${i}]`,
        text: `backendRef ${b.kind} ${b.namespace}/${b.name}: the Gateway API leaves kinds other than Service to the implementation; a controller that supports ${b.kind.replace(/^.*\//, '')} forwards ${backends.length > 1 ? 'its share' : unit} there (kubetwin does not model where it lands), one that does not ${refusal} (ResolvedRefs=False, InvalidKind)`,
      });
  });
  return out;
}

/**
 * An HTTPS request whose SNI a `TLS` listener takes (the most specific hostname on the port wins the handshake):
 * with `Passthrough` the gateway forwards the encrypted stream unread, with `Terminate` it ends TLS and forwards
 * the bytes; either way a TLSRoute, not an HTTPRoute, picks the backend, and the gateway sends no HTTP answer.
 * https://gateway-api.sigs.k8s.io/guides/tls/ (listener modes), https://gateway-api.sigs.k8s.io/reference/spec/#tlsroute
 */
function tlsListenerNote(l: Listener, host: string, port: number): string {
  const mode = l.tls?.mode ?? 'Terminate';
  return `SNI ${host} reaches listener ${listenerLabel(l)} (TLS ${mode}): ${mode === 'Passthrough' ? 'the gateway forwards the encrypted stream without reading it (the backend presents its own certificate)' : 'the gateway ends TLS and forwards the bytes without reading HTTP'}, so no HTTPRoute applies and the gateway sends no HTTP answer; its TLSRoute decides: kubetwin route tls://${host}${port === 443 ? '' : `:${port}`}`;
}
