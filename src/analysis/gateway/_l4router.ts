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
import { toBackend } from './_router.ts';
import type { checkBackendRef } from './_refs.ts';

export interface L4Router {
  decide(req: L4Request): L4Decision;
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
  const attached = new Map<Listener, Attachment<L4Route>[]>();
  for (const a of analysis.l4Attachments)
    if (a.gateway === gateway) attached.set(a.listener, [...(attached.get(a.listener) ?? []), a]);
  const status = analysis.gateways.find((g) => g.key === gateway.key);
  return {
    decide(req) {
      const lost: LostCandidate[] = [];
      const sni = req.sni?.toLowerCase();
      const wanted = protocolOf[req.protocol];
      const onPort = gateway.listeners.filter((l) => l.port === req.port);
      const listener = onPort
        .filter((l) => l.protocol === wanted)
        .filter((l) => req.protocol !== 'tls' || !l.hostname || (sni && gatewayHostMatch(l.hostname, sni)))
        .sort((a, b) => hostScore(b.hostname) - hostScore(a.hostname))[0];
      if (!listener) {
        const other = onPort.map((l) => `${l.name} (${l.protocol})`).join(', ');
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
        `listener ${listener.name} (${listener.protocol} ${listener.port}${listener.hostname ? ` ${listener.hostname}` : ''})`,
      ];
      const programmed = status?.listeners
        .find((x) => x.name === listener.name)
        ?.conditions.find((c) => c.type === 'Programmed');
      if (programmed?.status !== 'True')
        notes.push(
          `LISTENER NOT PROGRAMMED (${programmed?.reason ?? 'Pending'}): a real gateway would not serve this listener`,
        );
      const tlsMode = listener.protocol === 'TLS' ? (listener.tls?.mode ?? 'Terminate') : undefined;
      const candidates = (attached.get(listener) ?? [])
        .map((a) => {
          const names = a.hostnames;
          const best =
            req.protocol !== 'tls' || !names
              ? 0
              : Math.max(-1, ...names.filter((h) => sni && gatewayHostMatch(h, sni)).map(hostScore));
          return { a, best };
        })
        .sort((x, y) => y.best - x.best || age(x.a.route, y.a.route));
      for (const c of candidates.filter((c) => c.best < 0))
        lost.push({
          ...source(c.a.route),
          reason: `hostnames ${c.a.hostnames?.join(', ')} do not match SNI ${sni ?? '(none)'}`,
        });
      const winners = candidates.filter((c) => c.best >= 0);
      if (!winners.length)
        return {
          listener: listener.name,
          tlsMode,
          backends: [],
          lost,
          notes,
          refused: `no ${listener.protocol === 'TLS' ? 'TLSRoute' : `${listener.protocol}Route`} on listener ${listener.name} ${req.protocol === 'tls' ? `matches SNI ${sni ?? '(none)'}` : 'is attached'}: the connection is refused`,
        };
      const [win, ...rest] = winners;
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
          `${winners.length} routes attach to listener ${listener.name}; the spec does not say how they share it — kubetwin shows the oldest`,
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
      return {
        listener: listener.name,
        tlsMode,
        winner: { ...source(route), at: rule ? `rules[${rule.index}]` : 'rules' },
        backends,
        lost,
        notes,
        refused: usable.length
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
