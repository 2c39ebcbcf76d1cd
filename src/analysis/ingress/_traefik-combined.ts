import type { HttpRequest, LostCandidate, RouteDecision, RouteUnknown } from '../../model/routing.ts';
import {
  ingressRouteDecision,
  pickIngressRoute,
  type CompiledIngressRoute,
  type IngressRouteDecisionOptions,
} from './_traefik-ingressroute.ts';
import { addUnknown } from './_unknown.ts';

export interface CombinedOptions extends IngressRouteDecisionOptions {
  /** The answer from the class's Ingresses, with the priority of the Traefik router that gave it (if one did). */
  readonly byIngress: (req: HttpRequest, explain: boolean) => { d: RouteDecision; priority?: number };
}

/**
 * Traefik keeps one router table per entry point: the routers it builds from Ingresses and from IngressRoutes
 * compete by priority alone, the highest that matches wins. An Ingress defaultBackend is a catch-all of the lowest
 * priority, so any matching IngressRoute beats it. Routers kubetwin cannot decide at or above the winner's
 * priority make the answer unknown.
 * https://doc.traefik.io/traefik/reference/routing-configuration/http/routing/rules-and-priority/
 */
export function withIngressRoutes(
  compiled: readonly CompiledIngressRoute[],
  req: HttpRequest,
  explain: boolean,
  opts: CombinedOptions,
): RouteDecision {
  const lost: LostCandidate[] | undefined = explain ? [] : undefined;
  const pick = pickIngressRoute(compiled, req, lost);
  const ing = opts.byIngress(req, explain);
  const win = pick.win;
  const undecidedAbove = (floor: number | undefined) =>
    pick.undecided.filter((u) => floor === undefined || u.priority >= floor).map((u) => u.unknown);
  if (win && (ing.priority === undefined || win.priority > ing.priority)) {
    const d = ingressRouteDecision(win, req, opts);
    const beaten = ing.d.winner
      ? [
          {
            ...ing.d.winner,
            reason:
              ing.priority === undefined
                ? `the Ingress catch-all has the lowest priority; ${win.ir.key} ${win.route.at} matches`
                : `matches, but router priority ${ing.priority} is below ${win.priority}`,
          },
        ]
      : [];
    return addUnknown(
      { ...d, lost: explain ? [...(lost ?? []), ...beaten, ...ing.d.lost] : [] },
      undecidedAbove(win.priority),
    );
  }
  const tie: RouteUnknown[] =
    win && win.priority === ing.priority
      ? [
          {
            object: win.ir.key,
            path: win.route.at,
            text: `${win.ir.key} ${win.route.at} also matches with the same priority ${win.priority} as ${ing.d.winner?.object} ${ing.d.winner?.at}; Traefik's order between routers of equal priority is not defined`,
          },
        ]
      : [];
  if (win && !tie.length)
    lost?.push({
      object: win.ir.key,
      at: win.route.at,
      match: win.route.match,
      reason: `matches, but router priority ${win.priority} is below ${ing.priority}`,
    });
  return addUnknown({ ...ing.d, lost: explain ? [...ing.d.lost, ...(lost ?? [])] : ing.d.lost }, [
    ...tie,
    ...undecidedAbove(ing.priority),
  ]);
}
