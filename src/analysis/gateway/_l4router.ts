import type {
  DecisionSource,
  Gateway,
  L4Decision,
  L4Request,
  L4Route,
  Listener,
  LostCandidate,
} from '../../model/routing.ts';
import { gatewayHostMatch, hostScore } from './_hostnames.ts';
import type { Attachment, GatewayAnalysis } from './_status.ts';
import { otherKindUnknowns, toBackend } from './_router.ts';
import { listenerLabel } from './_listener.ts';
import { listenerNotServedOf } from './_not-programmed.ts';
import type { checkBackendRef } from './_refs.ts';

export interface L4Router {
  /** `explain`: also list the routes that lost and why (slower; `route` asks for it, the server does not). */
  decide(req: L4Request, explain?: boolean): L4Decision;
}

/** A listener's attached routes indexed by hostname, each list oldest first (hostnames: TLSRoute only). */
interface Index {
  readonly exact: Map<string, Attachment<L4Route>[]>;
  readonly wildcard: Map<string, Attachment<L4Route>[]>;
  readonly any: Attachment<L4Route>[];
  readonly all: Attachment<L4Route>[];
}

const protocolOf = { tls: 'TLS', tcp: 'TCP', udp: 'UDP' } as const;

/** Oldest first, then `namespace/name`: the spec's tie-break between conflicting routes. */
const age = (a: L4Route, b: L4Route) =>
  (a.creationTimestamp ?? '9999').localeCompare(b.creationTimestamp ?? '9999') ||
  `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`);

/**
 * One Gateway's Layer-4 routing. A connection reaches the listener of its port and protocol; for TLS the one
 * whose hostname matches the SNI most specifically. On a TLS listener the TLSRoute whose hostname (intersected
 * with the listener's) matches the SNI most specifically wins, then the oldest; `Passthrough` forwards the TLS
 * stream untouched, `Terminate` ends TLS at the Gateway. On a TCP or UDP listener the attached route is used
 * (the oldest when several attach, with a note: the spec leaves that case open). A route whose backendRefs are
 * all invalid or missing gets the connection "actively rejected".
 * https://gateway-api.sigs.k8s.io/reference/spec/#tlsroutespec
 * https://gateway-api.sigs.k8s.io/reference/spec/#tcprouterule (BackendRefs)
 */
export function compileL4Router(
  analysis: GatewayAnalysis,
  gateway: Gateway,
  grants: Parameters<typeof checkBackendRef>[2],
): L4Router {
  const indexes = new Map<Listener, Index>();
  for (const a of analysis.l4Attachments) {
    if (a.gateway !== gateway) continue;
    let ix = indexes.get(a.listener);
    if (!ix) indexes.set(a.listener, (ix = { exact: new Map(), wildcard: new Map(), any: [], all: [] }));
    ix.all.push(a);
    if (!a.hostnames || a.route.kind !== 'TLSRoute') ix.any.push(a);
    else
      for (const h of a.hostnames) {
        const m = h.startsWith('*.') ? ix.wildcard : ix.exact;
        m.set(h, [...(m.get(h) ?? []), a]);
      }
  }
  const byAge = (x: Attachment<L4Route>, y: Attachment<L4Route>) => age(x.route, y.route);
  for (const ix of indexes.values())
    for (const list of [...ix.exact.values(), ...ix.wildcard.values(), ix.any, ix.all]) list.sort(byAge);
  /** The attachments matching `sni`, most specific hostname first, each level oldest first. */
  const matching = (ix: Index, sni: string | undefined): { a: Attachment<L4Route>; best: number }[] => {
    const out: { a: Attachment<L4Route>; best: number }[] = [];
    if (sni) {
      for (const a of ix.exact.get(sni) ?? []) out.push({ a, best: hostScore(sni) });
      // `*.b.c` then `*.c` for `a.b.c`: longer wildcards are more specific.
      for (let i = sni.indexOf('.'); i >= 0; i = sni.indexOf('.', i + 1)) {
        const w = `*${sni.slice(i)}`;
        for (const a of ix.wildcard.get(w) ?? []) out.push({ a, best: hostScore(w) });
      }
    }
    for (const a of ix.any) out.push({ a, best: 0 });
    const seen = new Set<L4Route>();
    return out.filter((c) => !seen.has(c.a.route) && seen.add(c.a.route));
  };
  return {
    decide(req, explain = false) {
      const lost: LostCandidate[] = [];
      const sni = req.sni?.toLowerCase();
      const wanted = protocolOf[req.protocol];
      const onPort = gateway.listeners.filter((l) => l.port === req.port);
      const listener = onPort
        .filter((l) => l.protocol === wanted)
        .filter((l) => req.protocol !== 'tls' || !l.hostname || (sni && gatewayHostMatch(l.hostname, sni)))
        .sort((a, b) => hostScore(b.hostname) - hostScore(a.hostname))[0];
      if (!listener) {
        const other = onPort.map((l) => `${listenerLabel(l)} (${l.protocol})`).join(', ');
        return {
          backends: [],
          lost,
          notes: [],
          refused: other
            ? `no ${wanted} listener on port ${req.port}${req.protocol === 'tls' ? ` for SNI ${sni ?? '(none)'}` : ''}; port ${req.port} has ${other}`
            : `${gateway.key} has no listener on port ${req.port}`,
        };
      }
      const notes = [
        `listener ${listenerLabel(listener)} (${listener.protocol} ${listener.port}${listener.hostname ? ` ${listener.hostname}` : ''})`,
      ];
      const notServed = listenerNotServedOf(gateway, listener, {
        status: analysis.listenerStatus.get(listener),
        grants,
      });
      if (notServed) notes.push(notServed.message);
      const off = notServed ? { notServed } : {};
      const tlsMode = listener.protocol === 'TLS' ? (listener.tls?.mode ?? 'Terminate') : undefined;
      const ix = indexes.get(listener);
      const winners = ix ? matching(ix, req.protocol === 'tls' ? sni : undefined) : [];
      if (explain && ix)
        for (const a of ix.all)
          if (!winners.some((w) => w.a.route === a.route))
            lost.push({
              ...source(a.route),
              reason: `hostnames ${a.hostnames?.join(', ')} do not match SNI ${sni ?? '(none)'}`,
            });
      if (!winners.length)
        return {
          listener: listenerLabel(listener),
          tlsMode,
          backends: [],
          lost,
          notes,
          ...off,
          refused: `no ${listener.protocol === 'TLS' ? 'TLSRoute' : `${listener.protocol}Route`} on listener ${listenerLabel(listener)} ${req.protocol === 'tls' ? `matches SNI ${sni ?? '(none)'}` : 'is attached'}: the connection is refused`,
        };
      const [win, ...rest] = winners;
      if (explain)
        for (const c of rest)
          lost.push({
            ...source(c.a.route),
            reason:
              c.best < win.best
                ? 'a more specific hostname wins'
                : `${win.a.route.key} is older (or first by namespace/name): it wins the conflict`,
          });
      if (req.protocol !== 'tls' && rest.length)
        notes.push(
          `${winners.length} routes attach to listener ${listenerLabel(listener)}; the spec does not say how they share it — kubetwin shows the oldest`,
        );
      const route = win.a.route;
      const rule = route.rules[0];
      if (route.rules.length > 1)
        notes.push(
          `${route.key} has ${route.rules.length} rules with no matches between them; which one a connection uses is implementation-specific — kubetwin shows rules[0]`,
        );
      if (tlsMode === 'Passthrough')
        notes.push('TLS passthrough: the Gateway reads the SNI and forwards the encrypted stream unchanged');
      else if (tlsMode === 'Terminate')
        notes.push(
          "TLS terminated at the Gateway with the listener's certificate; the backend receives plain TCP",
        );
      const backends = (rule?.backendRefs ?? []).map((b) => toBackend(b, route, analysis, grants));
      const usable = backends.filter((b) => !b.problem && b.weight > 0);
      // A kind other than Service is the implementation's to support: its share may be forwarded, not refused.
      const unknown = rule ? otherKindUnknowns(route.key, rule.index, backends, 'l4') : [];
      return {
        listener: listenerLabel(listener),
        tlsMode,
        winner: { ...source(route), at: rule ? `rules[${rule.index}]` : 'rules' },
        backends,
        lost,
        notes,
        ...off,
        ...(unknown.length ? { unknown } : {}),
        refused:
          usable.length || unknown.length
            ? undefined
            : 'no valid backendRef: the implementation "MUST actively reject connection attempts"',
      };
    },
  };
}

const source = (route: L4Route): DecisionSource => ({
  object: route.key,
  at: 'rules[0]',
  match: route.hostnames.length ? `hostnames ${route.hostnames.join(', ')}` : 'any connection',
});
