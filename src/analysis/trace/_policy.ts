import type { Pod, Protocol, Service } from '../../model/types.ts';
import { hairpinUnknown, hostSourceUnknown } from '../service-path/index.ts';
import type { HttpRequest, Party, Verdict } from '../policy/index.ts';
import {
  describeSide,
  formatRule,
  namespacesNotInInput,
  unheldPodAddress,
  unknownEnforcement,
  unknownNamespaceLabels,
} from '../policy/index.ts';
import type { TraceContext } from './_context.ts';
import { compileMesh, judgeWaypointLegs, type EgressTraffic, type EgressVerdict } from '../mesh/index.ts';
import {
  touchingConnection,
  unknownSentence,
  unmodeledObjects,
  type UnmodeledObject,
} from '../unmodeled/index.ts';
import type { Delivery, Fix, Hop } from './types.ts';
import { intendedRule, ownLabels, type Intended } from './_intended.ts';
import { formatLabels, formatSelector } from '../../lib/labels.ts';

export interface Target {
  readonly label: string;
  readonly address: string;
  readonly port: number;
  readonly pod?: Pod;
}

const partyLabel = (p: Party) => (p.kind === 'pod' ? `${p.pod.namespace}/${p.pod.name}` : (p.label ?? p.ip));
/** A party by its workload (every replica alike), an address by its label. */
const partyLabelOf = (p: Party) => (p.kind === 'pod' ? workloadLabel(p.pod) : partyLabel(p));
/** The workload a pod belongs to (`Deployment/ns/name` → `ns/name`), for fixes that apply to every replica. */
const workloadLabel = (pod: Pod) =>
  pod.owner ? pod.owner.split('/').slice(1).join('/') : `${pod.namespace}/${pod.name}`;

/**
 * Egress at the source and ingress at the destination, for every candidate destination (after DNAT: each
 * endpoint pod and its targetPort). Returns the policy hop, what is delivered, and a fix for the first denial.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export function policyHop(
  ctx: TraceContext,
  from: Party,
  targets: readonly Target[],
  protocol: Protocol,
  /**
   * The HTTP request (for Cilium L7 rules), the outside name the targets were resolved from (toFQDNs), and the
   * Service whose endpoints the targets are (a pod reaching itself through its VIP: `hairpinUnknown`).
   */
  options: {
    readonly http?: HttpRequest;
    readonly fqdn?: string;
    readonly service?: Service;
    /** The SNI of an https:// target (a Linkerd EgressNetwork's TLSRoutes match it). */
    readonly sni?: string;
  } = {},
): { hop: Hop; delivered: Delivery[]; fix?: Fix; reason?: string } {
  const delivered: Delivery[] = [];
  const details: string[] = [];
  const objects = new Map<string, { key: string; source?: Hop['objects'][0]['source'] }>();
  /** `from`: the party that opened the denied connection when it is not the client (a waypoint pod). */
  let firstDenied: { from?: Party; target: Target; verdict: Verdict } | undefined;
  let egressDenied: EgressVerdict | undefined;
  const unmodeled = unmodeledObjects(ctx.model);
  const unknown = new Map<string, UnmodeledObject>();
  /** In words: what a mesh port or a namespace's unknown labels leave undecided. */
  const unknownWhy = new Set<string>();
  const absent = namespacesNotInInput(ctx.model);
  for (const t of targets) {
    const to: Party = t.pod
      ? { kind: 'pod', pod: t.pod }
      : { kind: 'ip', ip: t.address, ...(options.fqdn ? { fqdn: options.fqdn } : {}) };
    // A mesh may carry the connection on another port of the pod (Linkerd's opaque transport: 4143).
    const arrival =
      from.kind === 'pod' && t.pod && protocol === 'TCP'
        ? compileMesh(ctx.model).arrival(from.pod, t.pod, t.port)
        : undefined;
    const wire = arrival && 'port' in arrival ? arrival.port : t.port;
    // Through an Istio ambient waypoint, NetworkPolicies judge client → waypoint pod and waypoint pod → server.
    const way =
      from.kind === 'pod' && t.pod && protocol === 'TCP'
        ? compileMesh(ctx.model).waypointPath(from.pod, t.pod, options.service)
        : undefined;
    if (way && 'unknown' in way) {
      details.push(`  unknown: ${way.unknown}`);
      unknownWhy.add(way.unknown);
    }
    const legs =
      way && 'pods' in way && from.kind === 'pod' && t.pod
        ? judgeWaypointLegs(way, from.pod, t.pod, (f, to2, p) => {
            const leg = ctx.engine.explain(f, to2, p, protocol);
            ctx.onJudged?.({ from: f, to: to2, port: p, protocol, verdict: leg });
            return leg;
          })
        : undefined;
    const v = legs?.verdict ?? ctx.engine.explain(from, to, wire, protocol, { http: options.http });
    if (!legs)
      ctx.onJudged?.({
        from,
        to,
        port: wire,
        ...(arrival && 'maybe' in arrival ? { maybePort: arrival.maybe } : {}),
        protocol,
        http: options.http,
        verdict: v,
      });
    const waySides = legs?.denied ? [legs.denied.verdict.egress, legs.denied.verdict.ingress] : [];
    for (const side of [v.egress, v.ingress, ...waySides]) {
      if (side.match) objects.set(side.match.policy, { key: side.match.policy, source: side.match.source });
      for (const iso of side.isolatedBy)
        if (!side.allowed) objects.set(iso.policy, { key: iso.policy, source: iso.source });
    }
    details.push(
      `${partyLabel(from)} → ${t.label}:${t.port}/${protocol}: ${v.allowed ? 'ALLOWED' : 'DENIED'}`,
    );
    for (const line of [
      ...describeSide(v.egress, partyLabel(from)),
      ...(legs?.lines ?? []),
      ...describeSide(v.ingress, t.label),
    ])
      details.push(`  ${line}`);
    if (way && 'why' in way) details.push(`  mesh: ${way.why}`);
    else if (arrival && 'port' in arrival) details.push(`  mesh: ${arrival.why}`);
    if (legs?.unknown) {
      details.push(`  unknown: ${legs.unknown}`);
      unknownWhy.add(legs.unknown);
    }
    if (arrival && 'maybe' in arrival && ctx.engine.allows(from, to, arrival.maybe, protocol) !== v.allowed) {
      const why = `the NetworkPolicies ${v.allowed ? 'admit' : 'refuse'} port ${t.port} but ${v.allowed ? 'refuse' : 'admit'} ${arrival.maybe}; ${arrival.why}`;
      details.push(`  unknown: ${why}`);
      unknownWhy.add(why);
    }
    for (const w of v.warnings) details.push(`  warning: ${w}`);
    const unheld = [from, to].map((p) => unheldPodAddress(ctx.model, p)).filter((w) => w !== undefined);
    const enforcement = unknownEnforcement(ctx.model, v);
    const hairpin =
      from.kind === 'pod' && !compileMesh(ctx.model).sidecar(from.pod).meshed
        ? hairpinUnknown(ctx.engine, from.pod, {
            service: options.service,
            pod: t.pod,
            port: wire,
            protocol,
          })
        : undefined;
    for (const why of [
      ...unknownNamespaceLabels(ctx.model, from, to, v, absent),
      ...unheld,
      ...(enforcement ? [enforcement] : []),
      ...(hairpin ? [hairpin] : []),
      ...(from.kind === 'pod'
        ? [hostSourceUnknown(ctx.engine, from.pod, { pod: t.pod, port: wire, protocol })]
        : []),
    ].filter((w): w is string => w !== undefined)) {
      details.push(`  unknown: ${why}`);
      unknownWhy.add(why);
    }
    const touching = touchingConnection(
      unmodeled,
      [from.kind === 'pod' ? from.pod.namespace : undefined, t.pod?.namespace],
      { outside: !t.pod },
    ).filter((o) => v.allowed || o.admits);
    if (touching.length) details.push(`  unknown: ${unknownSentence(touching)}`);
    touching.forEach((o) => unknown.set(o.key, o));
    // A meshed Linkerd client's own proxy judges a connection its EgressNetwork captures.
    const out =
      v.allowed && from.kind === 'pod' && !t.pod
        ? compileMesh(ctx.model).egress(from.pod, t.address, t.port, egressTraffic(options, t.port))
        : undefined;
    if (out?.verdict === 'unknown') {
      details.push(`  unknown: ${out.why}`);
      unknownWhy.add(out.why);
    } else if (out) details.push(`  mesh: ${out.why}`);
    if (out?.verdict === 'denied') egressDenied ??= out;
    else if (v.allowed)
      delivered.push({
        pod: t.pod ? `${t.pod.namespace}/${t.pod.name}` : t.address,
        ip: t.address,
        port: t.port,
      });
    // The fix and the reason name the port the connection carries (4143 for an opaque Linkerd port).
    else if (legs?.denied) {
      const d = legs.denied;
      firstDenied ??= {
        ...(d.to === t.pod ? { from: d.from } : {}),
        target: {
          label: `${d.to.namespace}/${d.to.name}`,
          address: d.to.ip ?? '',
          port: d.verdict.port,
          pod: d.to,
        },
        verdict: d.verdict,
      };
    } else firstDenied ??= { target: wire === t.port ? t : { ...t, port: wire }, verdict: v };
  }
  const judged = delivered.length === targets.length ? 'ok' : delivered.length ? 'warn' : 'fail';
  // Objects kubetwin does not model may change this hop: never a plain `ok`.
  const verdict = (unknown.size || unknownWhy.size) && judged === 'ok' ? 'warn' : judged;
  const kinds =
    ctx.engine.cilium.active && ctx.engine.cilium.policies.length
      ? 'NetworkPolicy and Cilium policy'
      : 'NetworkPolicy';
  const title = `${kinds}: ${delivered.length}/${targets.length} destination(s) allowed${unknown.size ? ` (unknown: ${unknown.size} object(s) kubetwin does not model may change this)` : ''}`;
  for (const o of unknown.values()) objects.set(o.key, { key: o.key, source: o.source });
  const hop: Hop = {
    kind: 'policy',
    title,
    verdict,
    details,
    objects: [...objects.values()],
    destinations: targets.map((t) => ({
      target: t.pod ? `${t.pod.namespace}/${t.pod.name}` : t.address,
      port: t.port,
    })),
    ...(unknown.size || unknownWhy.size ? { unknown: [...unknown.keys(), ...unknownWhy].sort() } : {}),
  };
  if (!firstDenied && egressDenied && !delivered.length)
    return {
      hop,
      delivered,
      reason: `refused by the client's own Linkerd proxy: ${egressDenied.why}`,
      fix: {
        summary: `attach a route to ${egressDenied.by} that describes this traffic, or set its trafficPolicy to Allow`,
      },
    };
  if (!firstDenied) return { hop, delivered };
  // The waypoint pod opened the denied connection when it is the waypoint's own to the server.
  const src = firstDenied.from ?? from;
  const side = firstDenied.verdict.egress.allowed ? 'ingress' : 'egress';
  const where = side === 'egress' ? partyLabel(src) : firstDenied.target.label;
  const sv = side === 'egress' ? firstDenied.verdict.egress : firstDenied.verdict.ingress;
  const name = (key: string) => key.split('/').slice(-1)[0];
  // Short enough for one line: who isolates the pod, and the first reason a rule missed (the hop has them all).
  // Short enough for one line: the side, the workload, the first reason a rule missed (the hop lists them all).
  const who =
    side === 'egress'
      ? src.kind === 'pod'
        ? workloadLabel(src.pod)
        : where
      : firstDenied.target.pod
        ? workloadLabel(firstDenied.target.pod)
        : where;
  // Without a rule meant to admit it, a rule on this port whose peers miss is the nearest; a rule for another port
  // (a monitoring port on every pod) says nothing about this connection and is not quoted.
  const miss = sv.misses.find((m) => /^(from|to)\[/.test(m.reason));
  const subject = side === 'egress' ? (src.kind === 'pod' ? src.pod : undefined) : firstDenied.target.pod;
  const other: Party =
    side === 'egress'
      ? firstDenied.target.pod
        ? { kind: 'pod', pod: firstDenied.target.pod }
        : { kind: 'ip', ip: firstDenied.target.address }
      : src;
  const intended =
    sv.reason === 'no-rule-matched' && subject
      ? intendedRule(
          ctx.engine,
          side === 'egress' ? 'Egress' : 'Ingress',
          subject,
          other,
          firstDenied.target.port,
          protocol,
          firstDenied.target.pod,
        )
      : undefined;
  // The peer case says why the peer missed, as the engine reported it for that rule.
  const peerMiss =
    intended?.lacks === 'peer'
      ? sv.misses.find((m) => m.policy === intended.policy.key && m.rule === intended.rule.index)
      : undefined;
  const reason = intended
    ? `${side} denied at ${who}: the rule meant to admit it, ${intended.text}${peerMiss ? ` (${peerMiss.reason})` : ''}; isolated by ${sv.isolatedBy.map((p) => name(p.policy)).join(', ')}`
    : sv.reason === 'no-rule-matched'
      ? `${side} denied at ${who}: ${miss ? `${name(miss.policy)}${miss.rule >= 0 ? ` ${side}[${miss.rule}]` : ''}: ${miss.reason}; ` : `no rule admits ${partyLabelOf(side === 'egress' ? other : src)} on ${firstDenied.target.port}/${protocol}; `}isolated by ${sv.isolatedBy.map((p) => name(p.policy)).join(', ')}`
      : describeSide(sv, where)[0];
  // A Cilium deny or an L7 refusal is not fixed by one more allow: name the rule to change instead.
  if (sv.reason === 'deny' && sv.match)
    return {
      hop,
      delivered,
      reason,
      fix: {
        summary: `narrow or remove the deny rule ${formatRule(sv.match, sv.direction)}: a deny overrides every allow`,
      },
    };
  if (sv.reason === 'l7-denied' && sv.match)
    return {
      hop,
      delivered,
      reason,
      fix: {
        summary: `add an HTTP rule admitting ${sv.l7?.request?.method ?? ''} ${sv.l7?.request?.path ?? ''} to ${formatRule(sv.match, sv.direction)}`,
      },
    };
  if (intended && intended.lacks !== 'peer' && subject)
    return { hop, delivered, reason, fix: intendedFix(intended, subject, firstDenied.target.port, protocol) };
  const fix = policyFix(src, firstDenied.target, protocol, side);
  // Both sides deny it (Cilium's enable-policy always isolates the server too): one allow would not fix it.
  const ingress = firstDenied.verdict.ingress;
  if (side === 'egress' && !ingress.allowed && ingress.reason === 'no-rule-matched') {
    const also = policyFix(src, firstDenied.target, protocol, 'ingress');
    return {
      hop,
      delivered,
      reason,
      fix: {
        summary: `${fix.summary}, and ${also.summary} (both sides deny it)`,
        ...(fix.patch && also.patch ? { patch: `${fix.patch}\n---\n${also.patch}` } : {}),
      },
    };
  }
  return { hop, delivered, reason, fix };
}

/** The fix where the rule meant to admit the request exists: correct that rule or its policy's selector. */
function intendedFix(i: Intended, subject: Pod, port: number, protocol: Protocol): Fix {
  const where = i.policy.source ? ` (${i.policy.source.file}:${i.policy.source.line})` : '';
  if (i.lacks === 'selector')
    return {
      summary: `correct the podSelector of ${i.policy.key}${where} so it selects ${workloadLabel(subject)}: it selects ${formatSelector(i.policy.podSelector)}, the pods are labelled ${formatLabels(ownLabels(subject))}`,
      patch: `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${i.policy.name}\n  namespace: ${i.policy.namespace}\nspec:\n  podSelector: {matchLabels: ${yamlMap(identity(subject))}}`,
      culprit: i.policy.key,
    };
  return {
    summary: `add ${port}/${protocol} to the ports of ${i.policy.key} ${i.direction.toLowerCase()}[${i.rule.index}]${where}`,
    culprit: i.policy.key,
  };
}

/** Labels that identify a pod's workload: its `app`-style labels, without controller-generated ones. */
function identity(pod: Pod): Record<string, string> {
  const generated = new Set([
    'pod-template-hash',
    'controller-revision-hash',
    'statefulset.kubernetes.io/pod-name',
    'apps.kubernetes.io/pod-index',
    'job-name',
    'batch.kubernetes.io/job-name',
    'controller-uid',
    'batch.kubernetes.io/controller-uid',
  ]);
  const preferred = ['app.kubernetes.io/name', 'app', 'k8s-app', 'name'];
  for (const k of preferred) if (pod.labels[k]) return { [k]: pod.labels[k] };
  return Object.fromEntries(Object.entries(pod.labels).filter(([k]) => !generated.has(k)));
}

const yamlMap = (m: Record<string, string>) =>
  `{${Object.entries(m)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(', ')}}`;

/** A NetworkPolicy that allows exactly this connection on the side that denied it. */
function policyFix(from: Party, to: Target, protocol: Protocol, side: 'egress' | 'ingress'): Fix {
  const port = `ports: [{protocol: ${protocol}, port: ${to.port}}]`;
  if (side === 'ingress' && to.pod) {
    const peer =
      from.kind === 'pod'
        ? `- namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${from.pod.namespace}}}\n          podSelector: {matchLabels: ${yamlMap(identity(from.pod))}}`
        : `- ipBlock: {cidr: ${from.ip.includes(':') ? `${from.ip}/128` : `${from.ip}/32`}}`;
    const name =
      `allow-${from.kind === 'pod' ? (Object.values(identity(from.pod))[0] ?? 'client') : 'external'}-to-${Object.values(identity(to.pod))[0] ?? to.pod.name}-${to.port}`
        .slice(0, 63)
        .replace(/[^a-z0-9-]/g, '-');
    return {
      summary: `allow ingress to ${workloadLabel(to.pod)} on ${to.port}/${protocol} from ${from.kind === 'pod' ? workloadLabel(from.pod) : partyLabel(from)}`,
      patch: `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\n  namespace: ${to.pod.namespace}\nspec:\n  podSelector: {matchLabels: ${yamlMap(identity(to.pod))}}\n  policyTypes: [Ingress]\n  ingress:\n    - from:\n        ${peer}\n      ${port}`,
    };
  }
  if (side === 'egress' && from.kind === 'pod') {
    const peer = to.pod
      ? `- namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${to.pod.namespace}}}\n          podSelector: {matchLabels: ${yamlMap(identity(to.pod))}}`
      : `- ipBlock: {cidr: ${to.address.includes(':') ? `${to.address}/128` : `${to.address}/32`}}`;
    const name =
      `allow-${Object.values(identity(from.pod))[0] ?? from.pod.name}-to-${to.pod ? (Object.values(identity(to.pod))[0] ?? to.pod.name) : 'external'}-${to.port}`
        .slice(0, 63)
        .replace(/[^a-z0-9-]/g, '-');
    return {
      summary: `allow egress from ${workloadLabel(from.pod)} to ${to.pod ? workloadLabel(to.pod) : to.label} on ${to.port}/${protocol}`,
      patch: `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\n  namespace: ${from.pod.namespace}\nspec:\n  podSelector: {matchLabels: ${yamlMap(identity(from.pod))}}\n  policyTypes: [Egress]\n  egress:\n    - to:\n        ${peer}\n      ${port}`,
    };
  }
  return { summary: `allow ${side} for ${partyLabel(from)} → ${to.label}:${to.port}/${protocol}` };
}

/** What a trace knows of a connection to an outside address, for a Linkerd EgressNetwork's routes. */
function egressTraffic(
  options: { readonly http?: HttpRequest; readonly sni?: string },
  port: number,
): EgressTraffic | undefined {
  if (options.http) {
    const headers = Object.fromEntries(
      Object.entries(options.http.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const host = (headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    return {
      kind: 'http',
      request: {
        scheme: 'http',
        host,
        port,
        path: options.http.path,
        query: [],
        method: options.http.method,
        headers,
      },
    };
  }
  return options.sni ? { kind: 'tls', sni: options.sni } : undefined;
}
