/**
 * An `https://` request whose SNI a Gateway `TLS` listener in `Passthrough` mode takes: the gateway reads only the
 * SNI, and the TLSRoute whose hostname matches it most specifically picks the backend; the encrypted stream goes to
 * the backend untouched, so no HTTPRoute runs, the gateway sends no HTTP answer and presents no certificate — the
 * backend's own TLS does, which is not in the input. `route tls://HOST` follows the same TLSRoute.
 * https://gateway-api.sigs.k8s.io/guides/tls/#listeners-and-tls (Passthrough)
 * https://gateway-api.sigs.k8s.io/reference/spec/#tlsroutespec
 */
import type { Pod } from '../../model/types.ts';
import { unknownLines, type Router, type RouteResult } from '../route/index.ts';
import type { TraceContext } from './_context.ts';
import type { Leg } from './_north-south.ts';
import type { Hop } from './types.ts';

/** What a Passthrough listener leaves to the backend: the TLS handshake, and so the HTTP answer. */
export const backendOwnTls = (host: string, backend: string) =>
  `the backend's own TLS on ${backend} (whether it serves TLS there, and with a certificate for ${host}): a TLS Passthrough listener leaves the handshake to the backend, whose certificate is not in the input`;

/**
 * The leg after the gateway pods for an HTTPS request a TLS Passthrough listener takes (the route answer's
 * certificate is `passthrough`), or undefined for any other request: the TLSRoute hop, the TLS hop saying what
 * kubetwin cannot know, and the backend Service the trace follows from the gateway pod.
 */
export function passthroughLeg(
  ctx: TraceContext,
  router: Router,
  result: RouteResult,
  gatewayPods: readonly Pod[],
): Omit<Leg, 'client'> | undefined {
  const req = result.request;
  if (req.scheme !== 'https' || result.certificate?.status !== 'passthrough') return undefined;
  const sni = (req.sni ?? req.host).toLowerCase();
  // The client address the trace keeps (a path that preserves it) is the one an Envoy Gateway SecurityPolicy judges.
  const c = router.connect({
    protocol: 'tls',
    port: req.port,
    sni,
    ...(req.clientAddresses ? { clientAddresses: req.clientAddresses } : {}),
  });
  const d = c.decision;
  const winner = d.winner ? `${d.winner.object} ${d.winner.at} (${d.winner.match})` : 'no TLSRoute';
  const lost = d.lost.slice(0, 5).map((l) => `lost: ${l.object} — ${l.reason}`);
  const details = [
    `won: ${winner}`,
    ...lost,
    ...d.notes,
    'the gateway does not read HTTP: the path, method and headers play no part, and no HTTPRoute applies',
  ];
  const objects = d.winner ? [{ key: d.winner.object }] : [];
  const title = `${c.via}: TLS SNI ${sni} (${d.tlsMode ?? 'TLS'})`;
  const b = d.backends.find((x) => !x.problem && x.weight > 0);
  if (d.refused || !b) {
    const reason = d.refused ?? 'no usable backendRef';
    const hops: Hop[] = [
      { kind: 'route', title: `${title} → refused`, verdict: 'fail', details: [...details, reason], objects },
    ];
    return {
      hops,
      reason: `${c.via} refuses the TLS connection for SNI ${sni}: ${reason}`,
      fix: {
        summary: d.winner
          ? `give ${d.winner.object} a backendRef to an existing Service port`
          : `attach a TLSRoute with hostname ${sni} to listener ${d.listener ?? '(the TLS listener)'}`,
      },
    };
  }
  const backend = `${b.namespace}/${b.name}:${b.port ?? '?'}`;
  const others = d.backends
    .filter((x) => x !== b)
    .map(
      (x) =>
        `also: ${x.namespace}/${x.name}:${x.port ?? '?'} weight ${x.weight}${x.problem ? ` — ${x.problem}` : ''}`,
    );
  const unknown = backendOwnTls(sni, backend);
  // What the router could not decide (a SecurityPolicy's authorization, a backendRef kind) leaves the hop undecided.
  const undecided = (d.unknown ?? []).map((u) => u.text);
  const hops: Hop[] = [
    {
      kind: 'route',
      title: `${title} → Service ${backend}`,
      verdict: undecided.length ? 'warn' : 'ok',
      destinations: [{ target: `service:${b.namespace}/${b.name}`, port: b.port ?? 0 }],
      details: [...details, ...others, ...unknownLines(d.unknown)],
      objects,
      ...(undecided.length ? { unknown: undecided } : {}),
    },
    {
      kind: 'tls',
      title: `TLS: passthrough — no gateway certificate; the TLS of ${backend} is not known`,
      verdict: 'warn',
      details: [`the gateway presents no certificate for ${sni}`, `unknown: ${unknown}`],
      objects: [],
      unknown: [unknown],
    },
  ];
  const service = ctx.serviceNamed(b.namespace, b.name);
  if (!service || b.port === undefined)
    return { hops, reason: `backend Service ${b.namespace}/${b.name} not found` };
  return { hops, next: { service, port: b.port, from: gatewayPods[0] } };
}
