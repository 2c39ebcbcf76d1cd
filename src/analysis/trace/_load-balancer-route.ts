import type { Ingress, IngressPathType } from '../../model/routing.ts';
import type { Service } from '../../model/types.ts';
import { compileRouter, parseRequest, unknownLines } from '../route/index.ts';
import type { FlowTarget } from '../flows/index.ts';
import type { TraceContext } from './_context.ts';
import type { Leg } from './_north-south.ts';
import type { Hop } from './types.ts';

/**
 * The rules of the cloud load balancer that serves `members` (an Ingress's own load balancer: an ALB, a GKE URL
 * map), routed as the Ingress class's router routes them, over those Ingresses only; `next` follows the backend.
 */
export function routeOnLoadBalancer(
  ctx: TraceContext,
  url: Extract<FlowTarget, { kind: 'url' }>,
  a: {
    readonly hops: Hop[];
    readonly members: readonly Ingress[];
    readonly className: string;
    /** The load balancer's name in titles: `ALB of group shop`. */
    readonly lb: string;
    /** Follows the backend; `entry` is the winning path of `ing` (`rules[0].paths[1]`), when a rule won. */
    readonly next: (
      ing: Ingress,
      svc: Service,
      port: number,
      entry?: { readonly at: string; readonly pathType?: IngressPathType },
    ) => Leg;
  },
): Leg {
  const { hops } = a;
  const model = { ...ctx.model, routing: { ...ctx.model.routing!, ingresses: [...a.members] } };
  const router = compileRouter(model, {
    via: { kind: 'ingress-class', name: a.className },
    certificates: ctx.certificates,
    now: ctx.now,
  });
  if (typeof router === 'string') return { hops, reason: router };
  const req = parseRequest({
    url: `${url.scheme}://${url.host}:${url.port}${url.path}`,
    method: url.method || 'GET',
    headers: Object.entries(url.headers || {}).map(([k, v]) => `${k}: ${v}`),
  });
  if (typeof req === 'string') return { hops, reason: req };
  const d = router.explain(req).decision;
  const winner = d.winner ? `${d.winner.object} ${d.winner.at} (${d.winner.match})` : 'no rule';
  const undecided = (d.unknown ?? []).map((u) => u.text);
  const details = [`won: ${winner}`, ...d.notes, ...unknownLines(d.unknown)];
  const objects = d.winner ? [{ key: d.winner.object }] : [];
  const b = d.status === 200 ? (d.backends.find((x) => !x.problem) ?? d.backends[0]) : undefined;
  if (!b) {
    const status = d.redirect ? `${d.status} redirect to ${d.redirect.location}` : `HTTP ${d.status}`;
    hops.push({
      kind: 'route',
      title: `${a.lb}: ${req.host}${req.path} → ${status}`,
      verdict: d.redirect ? 'warn' : 'fail',
      details,
      objects,
      ...(undecided.length ? { unknown: undecided } : {}),
    });
    return d.redirect
      ? { hops }
      : {
          hops,
          reason: `the ${a.lb} answers ${status} for ${req.host}${req.path}`,
          fix: { summary: `add a rule for ${req.host}${req.path} to the ${a.lb}` },
        };
  }
  hops.push({
    kind: 'route',
    title: `${a.lb}: ${req.host}${req.path} → Service ${b.namespace}/${b.name}:${b.port ?? '?'}`,
    verdict: b.problem ? 'fail' : undecided.length ? 'warn' : 'ok',
    destinations: [{ target: `service:${b.namespace}/${b.name}`, port: b.port ?? 0 }],
    details,
    objects,
    ...(undecided.length ? { unknown: undecided } : {}),
  });
  if (b.problem) return { hops, reason: b.problem };
  const svc = ctx.serviceNamed(b.namespace, b.name);
  const ing = a.members.find((i) => i.key === d.winner?.object) ?? a.members[0];
  if (!svc || b.port === undefined)
    return { hops, reason: `backend Service ${b.namespace}/${b.name} not found` };
  const m = /^rules\[(\d+)\]\.paths\[(\d+)\]/.exec(d.winner?.at ?? '');
  const pathType = m ? ing.rules[Number(m[1])]?.paths[Number(m[2])]?.pathType : undefined;
  return a.next(
    ing,
    svc,
    b.port,
    d.winner ? { at: d.winner.at, ...(pathType ? { pathType } : {}) } : undefined,
  );
}
