/**
 * The AWS Load Balancer Controller's reading of Ingresses (IngressClass controller `ingress.k8s.aws/alb`, or the
 * `kubernetes.io/ingress.class: alb` annotation): one Application Load Balancer per IngressGroup, whose listener
 * rules are evaluated in priority order and the first match wins — not the Ingress spec's longest match.
 *
 * - Groups (pkg/ingress/group_loader.go `loadGroupID`): `alb.ingress.kubernetes.io/group.name`, else the Ingress
 *   alone; members ordered by `group.order` (default 0, within [-1000, 1000]), then by namespace/name
 *   (`sortGroupMembers`).
 * - Rules (pkg/ingress/model_build_listener_rules.go `buildListenerRules`): member by member, rule by rule, and in a
 *   rule its paths Exact first, then Prefix longest first, then ImplementationSpecific in manifest order
 *   (`sortIngressPaths`); priorities follow that order. A rule's host is a host-header condition; its path is a
 *   path-pattern condition: Exact as written, Prefix `/` as `/*` and any other Prefix `/p` as `/p` and `/p/*`,
 *   ImplementationSpecific as written (`buildPathPatterns`). Patterns are case-sensitive globs (`*` any characters,
 *   `?` one) and host headers case-insensitive ones
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html).
 * - No rule matching: the one `spec.defaultBackend` of the group, else a fixed 404; two defaultBackends make the
 *   controller refuse the group (`buildListenerDefaultActions`, model_build_listener.go).
 * - `ssl-redirect`: the HTTP listener only redirects to HTTPS (its rules are not built).
 * - Listeners: an Ingress's rules attach to the ports of its `listen-ports` (default HTTP:80, or HTTPS:443 when it
 *   has a certificate: `certificate-arn` or `spec.tls`).
 *
 * Not modeled, and named unknown on the answers they may change: `use-annotation` backends (`actions.NAME`:
 * weighted forward, redirect, fixed response), `conditions.NAME` (header, method, query, source-ip conditions),
 * IngressClassParams, and which group's ALB a host reaches when several groups claim it (that is DNS's choice).
 * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/
 */
import type { HttpRequest, Ingress, RouteUnknown } from '../../model/routing.ts';
import { describeEntry, type Entry } from './_entries.ts';
import type { IngressPick } from './_router.ts';

const alb = 'alb.ingress.kubernetes.io/';

/** The annotations the `alb` profile reads to route (group, order, listeners, redirect). */
export const albModeledAnnotations = [
  `${alb}group.name`,
  `${alb}group.order`,
  `${alb}listen-ports`,
  `${alb}ssl-redirect`,
  `${alb}certificate-arn`,
];

/** Annotation prefixes of the `alb` profile that can change where a request goes and are not modeled. */
export const albRoutingAnnotations = [`${alb}actions.`, `${alb}conditions.`];

interface Group {
  readonly id: string;
  readonly members: readonly Ingress[];
  /** Rules in priority order. */
  readonly rules: readonly Entry[];
  readonly unknown: readonly RouteUnknown[];
}

const groupsCache = new WeakMap<readonly Entry[], readonly Group[]>();

/** An Ingress's group: `group.name`, else itself alone (one ALB per group). */
export function groupOf(ing: Ingress): string {
  const name = ing.annotations[`${alb}group.name`];
  return name !== undefined
    ? `group ${name}`
    : `Ingress ${ing.namespace}/${ing.name} (no group.name: its own ALB)`;
}

/** `group.order`, or a reason the controller refuses it. */
function orderOf(ing: Ingress): number | string {
  const text = ing.annotations[`${alb}group.order`];
  if (text === undefined) return 0;
  const n = Number(text.trim());
  if (!Number.isInteger(n) || n < -1000 || n > 1000)
    return `${alb}group.order "${text}" of ${ing.key} must be an integer within [-1000, 1000]: the controller does not reconcile the group`;
  return n;
}

const rank = (e: Entry) => (e.pathType === 'Exact' ? 0 : e.pathType === 'Prefix' ? 1 : 2);
const ruleIndex = (e: Entry) => Number(/^rules\[(\d+)\]/.exec(e.at)?.[1] ?? 0);

function compileGroups(entries: readonly Entry[], ingresses: readonly Ingress[]): readonly Group[] {
  const cached = groupsCache.get(entries);
  if (cached) return cached;
  const byId = new Map<string, Ingress[]>();
  for (const ing of ingresses) byId.set(groupOf(ing), [...(byId.get(groupOf(ing)) ?? []), ing]);
  const groups: Group[] = [];
  for (const [id, list] of [...byId].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const unknown: RouteUnknown[] = [];
    const ordered = list
      .map((ing) => ({ ing, order: orderOf(ing) }))
      .sort((a, b) => {
        const oa = typeof a.order === 'number' ? a.order : 0;
        const ob = typeof b.order === 'number' ? b.order : 0;
        const ka = `${a.ing.namespace}/${a.ing.name}`;
        const kb = `${b.ing.namespace}/${b.ing.name}`;
        return oa - ob || (ka < kb ? -1 : ka > kb ? 1 : 0);
      });
    for (const o of ordered)
      if (typeof o.order === 'string')
        unknown.push({ object: o.ing.key, path: 'metadata.annotations', text: o.order });
    const rules: Entry[] = [];
    for (const { ing } of ordered) {
      const mine = entries.filter((e) => e.ingress === ing);
      const byRule = new Map<number, Entry[]>();
      for (const e of mine) byRule.set(ruleIndex(e), [...(byRule.get(ruleIndex(e)) ?? []), e]);
      for (const i of [...byRule.keys()].sort((a, b) => a - b))
        rules.push(
          ...byRule
            .get(i)!
            .map((e, j) => ({ e, j }))
            .sort(
              (a, b) =>
                rank(a.e) - rank(b.e) ||
                (rank(a.e) === 1 ? b.e.path.length - a.e.path.length : 0) ||
                a.j - b.j,
            )
            .map((x) => x.e),
        );
    }
    groups.push({ id, members: ordered.map((o) => o.ing), rules, unknown });
  }
  groupsCache.set(entries, groups);
  return groups;
}

/** An ALB condition glob: `*` any characters, `?` exactly one; the rest literal. */
export function albGlob(pattern: string, text: string, caseInsensitive = false): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, caseInsensitive ? 'i' : '').test(text);
}

/** The path patterns the controller writes for an Ingress path (`buildPathPatterns`); undefined: refused. */
export function albPathPatterns(e: Pick<Entry, 'path' | 'pathType'>): string[] | undefined {
  if (e.pathType === 'Exact') return /[*?]/.test(e.path) ? undefined : [e.path];
  if (e.pathType === 'Prefix') {
    if (e.path === '/') return ['/*'];
    if (/[*?]/.test(e.path)) return undefined;
    const p = e.path.replace(/\/$/, '');
    return [p, `${p}/*`];
  }
  return [e.path];
}

/** The listeners (`HTTP:80`) of an Ingress: its `listen-ports`, else HTTP:80, or HTTPS:443 with a certificate. */
export function listenersOf(ing: Ingress): Set<string> | string {
  const text = ing.annotations[`${alb}listen-ports`];
  if (text === undefined) {
    const tls = ing.annotations[`${alb}certificate-arn`] !== undefined || ing.tls.length > 0;
    return new Set([tls ? 'HTTPS:443' : 'HTTP:80']);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new Error('not a list');
    const out = new Set<string>();
    for (const item of parsed)
      for (const [proto, port] of Object.entries(item as Record<string, unknown>)) {
        if ((proto !== 'HTTP' && proto !== 'HTTPS') || typeof port !== 'number') throw new Error('bad entry');
        out.add(`${proto}:${port}`);
      }
    return out;
  } catch {
    return `${alb}listen-ports of ${ing.key} is not a JSON list like [{"HTTP": 80}, {"HTTPS": 443}]: the controller does not reconcile the group`;
  }
}

/** Where the request goes on the ALB of the group its host reaches. */
export function albPick(
  entries: readonly Entry[],
  ingresses: readonly Ingress[],
  req: HttpRequest,
  lost?: { entry: Entry; reason: string }[],
): IngressPick {
  const notes: string[] = [];
  const unknown: RouteUnknown[] = [];
  const hostMatches = (e: Entry) => e.host === undefined || albGlob(e.host, req.host, true);
  const groups = compileGroups(entries, ingresses);
  const claiming = groups.filter((g) => g.rules.some(hostMatches) || g.members.some((i) => i.defaultBackend));
  if (!claiming.length) return { notes: [`no ALB of the class has a rule for host ${req.host}`] };
  const group = claiming[0];
  if (claiming.length > 1)
    unknown.push({
      object: claiming[1].members[0].key,
      text: `${claiming.map((g) => g.id).join(' and ')} are separate ALBs that both take host ${req.host}: which one the request reaches is the host's DNS record, not in the input; kubetwin answers for ${group.id}`,
    });
  unknown.push(...group.unknown);
  notes.push(`ALB of ${group.id}: listener rules in priority order, the first match wins`);
  const listener = `${req.scheme.toUpperCase()}:${req.port}`;
  const listening = group.members.filter((ing) => {
    const l = listenersOf(ing);
    if (typeof l === 'string') unknown.push({ object: ing.key, path: 'metadata.annotations', text: l });
    return typeof l !== 'string' && l.has(listener);
  });
  if (!listening.length) {
    notes.push(
      `no Ingress of ${group.id} listens on ${listener} (listen-ports): the ALB has no such listener, nothing listens on that port: the connection is refused`,
    );
    return { notes, ...(unknown.length ? { unknown } : {}) };
  }
  const redirect = group.members.find((i) => i.annotations[`${alb}ssl-redirect`] !== undefined);
  if (redirect && req.scheme === 'http') {
    const port = redirect.annotations[`${alb}ssl-redirect`].trim();
    const query = req.query.length ? `?${req.query.map(([k, v]) => `${k}=${v}`).join('&')}` : '';
    notes.push(`${alb}ssl-redirect on ${redirect.key}: the HTTP listener redirects every request to HTTPS`);
    return {
      redirect: {
        status: 301,
        location: `https://${req.host}${port === '443' ? '' : `:${port}`}${req.path}${query}`,
      },
      notes,
      ...(unknown.length ? { unknown } : {}),
    };
  }
  let winner: Entry | undefined;
  for (const e of group.rules) {
    const off = !listening.includes(e.ingress);
    const patterns = albPathPatterns(e);
    const reason = off
      ? `${e.ingress.key} has no ${listener} listener (listen-ports)`
      : !hostMatches(e)
        ? `host ${e.host} does not match ${req.host}`
        : !patterns
          ? `${e.pathType} path ${e.path} holds a wildcard: the controller refuses it`
          : !patterns.some((p) => albGlob(p, req.path))
            ? `path pattern ${patterns.join(', ')} does not match ${req.path}`
            : winner
              ? `matches, but ${describeEntry(winner)} of ${winner.ingress.key} has a higher priority (first match wins)`
              : undefined;
    if (reason) {
      lost?.push({ entry: e, reason });
      continue;
    }
    winner = e;
    const name = e.backend.service?.name;
    if (name && e.ingress.annotations[`${alb}conditions.${name}`] !== undefined)
      unknown.push({
        object: e.ingress.key,
        path: `metadata.annotations.${alb}conditions.${name}`,
        text: `${alb}conditions.${name} adds conditions (header, method, query, source address) kubetwin does not model: the request may not match this rule and go to a later one`,
      });
    if (e.backend.service?.port === 'use-annotation')
      unknown.push({
        object: e.ingress.key,
        path: `metadata.annotations.${alb}actions.${name ?? ''}`,
        text: `the backend is the action ${alb}actions.${name ?? ''} (forward with weights, redirect or fixed response), which kubetwin does not model`,
      });
  }
  if (winner) return { entry: winner, notes, ...(unknown.length ? { unknown } : {}) };
  const defaults = group.members.filter((i) => i.defaultBackend);
  if (defaults.length > 1)
    unknown.push({
      object: defaults[1].key,
      path: 'spec.defaultBackend',
      text: `${defaults.map((i) => i.key).join(' and ')} of ${group.id} each set spec.defaultBackend: the controller refuses the group ("multiple ingress defined default backend")`,
    });
  if (defaults.length)
    return {
      defaultBackend: { ingress: defaults[0], backend: defaults[0].defaultBackend! },
      notes,
      ...(unknown.length ? { unknown } : {}),
    };
  notes.push('no listener rule matches: the ALB answers with its default action, a fixed 404');
  return { notes, ...(unknown.length ? { unknown } : {}) };
}
