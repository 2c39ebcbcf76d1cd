import { compileMesh, type MeshInbound } from '../mesh/index.ts';
import type { Protocol, Service } from '../../model/types.ts';
import type { HttpRequest, Party } from '../policy/index.ts';
import type { TraceContext } from './_context.ts';
import type { Target } from './_policy.ts';
import type { Delivery, Fix, Hop } from './types.ts';
import type { RoutedEndpoints } from './_mesh.ts';

const at = (s?: { file: string; line: number }) => (s ? ` (${s.file}:${s.line})` : '');
const label = (p: Party) => (p.kind === 'pod' ? `${p.pod.namespace}/${p.pod.name}` : (p.label ?? p.ip));

/**
 * The server-side mesh hops after the policy hop: mTLS (who presents which identity, or plaintext, against the
 * server port's PeerAuthentication mode) and the server sidecar's authorization verdict, naming the policy,
 * rule and file:line. Keeps the deliveries the mesh admits. No hops when no delivered pod runs a judged proxy.
 * https://istio.io/latest/docs/concepts/security/
 */
export function meshInboundHops(
  ctx: TraceContext,
  from: Party,
  targets: readonly Target[],
  delivered: readonly Delivery[],
  protocol: Protocol,
  options: {
    readonly service?: Service;
    readonly http?: HttpRequest;
    readonly routed?: RoutedEndpoints;
    readonly waypointRouted?: boolean;
  } = {},
): { hops: Hop[]; delivered: Delivery[]; reason?: string; fix?: Fix } {
  const mesh = compileMesh(ctx.model);
  const judged: { d: Delivery; t: Target; m: MeshInbound }[] = [];
  const kept: Delivery[] = [];
  for (const d of delivered) {
    const t = targets.find((x) => `${x.pod?.namespace}/${x.pod?.name}` === d.pod && x.port === d.port);
    const m = t?.pod
      ? mesh.inbound({
          client: from.kind === 'pod' ? { pod: from.pod } : { ip: from.ip },
          server: t.pod,
          port: d.port,
          protocol,
          service: options.service,
          http: options.http,
          routedSubsets: options.routed?.get(t.address),
          ...(options.waypointRouted ? { waypointRouted: true } : {}),
        })
      : undefined;
    if (!m || !t) {
      kept.push(d);
      continue;
    }
    judged.push({ d, t, m });
    if (m.allowed) kept.push(d);
  }
  if (!judged.length) return { hops: [], delivered: [...delivered] };
  const who = label(from);
  const mtlsDetails = judged.map(({ t, m }) => {
    const x = m.mtls;
    const transport =
      x.transport === 'mtls'
        ? `mTLS: ${x.clientIdentity} → ${x.serverIdentity}`
        : x.transport === 'plaintext'
          ? 'plaintext'
          : 'mTLS or plaintext (not known)';
    // Linkerd's proxy accepts both; its inbound policy (next hop) decides.
    if (m.mesh === 'linkerd') return `${who} → ${t.label}:${t.port}: ${transport} (${x.why})`;
    return `${who} → ${t.label}:${t.port}: ${transport} (${x.why}); port mode ${x.mode} by ${x.modeBy}${at(x.modeSource)}${x.refused ? ' — REFUSED' : ''}`;
  });
  const refused = judged.filter((j) => j.m.mtls.refused);
  const unknown = [...new Set(judged.flatMap((j) => j.m.unknown))].sort();
  const objects = (pick: (m: MeshInbound) => { key?: string; source?: Hop['objects'][0]['source'] }) => {
    const out = new Map<string, Hop['objects'][0]>();
    for (const { m } of judged) {
      const o = pick(m);
      if (o.key) out.set(o.key, { key: o.key, source: o.source });
    }
    return [...out.values()];
  };
  // Without an authorization hop (an Istio ambient server: no sidecar judges it) the unknowns go on this one.
  const tlsUnknown = judged.some((j) => j.m.authz) ? [] : unknown;
  const hops: Hop[] = [
    {
      kind: 'tls',
      title: `mesh mTLS: ${judged.length - refused.length}/${judged.length} accepted`,
      verdict:
        refused.length === judged.length ? 'fail' : refused.length || tlsUnknown.length ? 'warn' : 'ok',
      details: [...mtlsDetails, ...tlsUnknown.map((u) => `unknown: ${u}`)],
      ...(tlsUnknown.length ? { unknown: tlsUnknown } : {}),
      objects: objects((m) => ({
        key: m.mtls.modeBy.split(' ')[0].includes('/') ? m.mtls.modeBy.split(' ')[0] : undefined,
        source: m.mtls.modeSource,
      })),
    },
  ];
  const authorized = judged.filter((j) => j.m.authz);
  if (authorized.length) {
    const denied = authorized.filter((j) => !j.m.allowed);
    const names = {
      ztunnel: 'server ztunnel, L4',
      waypoint: 'waypoint, then server ztunnel',
      sidecar: 'server sidecar',
    };
    const by = [...new Set(authorized.map((j) => names[j.m.proxy ?? 'sidecar']))].join(' or ');
    hops.push({
      kind: 'policy',
      title: `mesh authorization (${by}): ${authorized.length - denied.length}/${authorized.length} authorized`,
      verdict: denied.length === authorized.length ? 'fail' : denied.length || unknown.length ? 'warn' : 'ok',
      details: [
        ...authorized.flatMap(({ t, m }) => [
          `${who} → ${t.label}:${t.port}: ${m.allowed ? (m.l7 ? 'authorized for some requests (HTTP rules apply)' : 'AUTHORIZED') : 'DENIED'} — ${m.authz!.reason}${at(m.authz!.source)}`,
          ...m.notes.map((n) => `  note: ${n}`),
        ]),
        ...unknown.map((u) => `unknown: ${u}`),
      ],
      objects: objects((m) => ({ key: m.authz?.policy, source: m.authz?.source })),
      ...(unknown.length ? { unknown } : {}),
    });
  }
  if (kept.length) return { hops, delivered: kept };
  const first = refused[0] ?? judged.find((j) => !j.m.allowed)!;
  return {
    hops,
    delivered: kept,
    reason: first.m.summary,
    fix: {
      summary: first.m.clientFix
        ? first.m.clientFix
        : first.m.authz?.fix
          ? first.m.authz.fix
          : first.m.mtls.refused
            ? first.m.proxy === 'ztunnel'
              ? `enroll ${who} in the mesh (a sidecar, or ambient mode: label istio.io/dataplane-mode=ambient), or set the server port's PeerAuthentication mode to PERMISSIVE`
              : `inject the mesh proxy into ${who}, or set the server port's PeerAuthentication mode to PERMISSIVE`
            : first.m.mesh === 'linkerd'
              ? `authorize ${who} where ${first.m.authz?.policy ?? 'the server port'} decides (an AuthorizationPolicy or ServerAuthorization, or a default inbound policy that admits it)`
              : first.m.authz?.allowsNothing
                ? `add an ALLOW AuthorizationPolicy that selects ${first.t.label} and admits ${who} (${first.m.authz.policy} allows nothing)`
                : `change ${first.m.authz?.policy ?? 'the AuthorizationPolicies of the server'} to admit ${who}`,
    },
  };
}
