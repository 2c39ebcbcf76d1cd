import { canaryAnnotations } from './_nginx-canary.ts';
import { albModeledAnnotations, albRoutingAnnotations } from './_alb.ts';
import type { ControllerProfile, Ingress, IngressBackend, IngressPathType } from '../../model/routing.ts';

/** One (Ingress, rule, path) of a class: the unit every controller turns into a route or location. */
export interface Entry {
  readonly ingress: Ingress;
  readonly at: string;
  readonly host?: string;
  readonly path: string;
  readonly pathType: IngressPathType;
  readonly backend: IngressBackend;
  /** Position across the class, for stable tie-breaks (creation timestamp is rarely in manifests). */
  readonly order: number;
}

export function entriesOf(ingresses: readonly Ingress[]): Entry[] {
  const out: Entry[] = [];
  for (const ing of ingresses)
    ing.rules.forEach((r, i) =>
      r.paths.forEach((p, j) =>
        out.push({
          ingress: ing,
          at: `rules[${i}].paths[${j}]`,
          host: r.host,
          path: p.path,
          pathType: p.pathType,
          backend: p.backend,
          order: out.length,
        }),
      ),
    );
  return out;
}

export function describeEntry(e: Entry): string {
  return `${e.host ?? '*'} ${e.pathType} ${e.path}`;
}

const nginx = 'nginx.ingress.kubernetes.io/';
const traefik = 'traefik.ingress.kubernetes.io/';
const albPrefix = 'alb.ingress.kubernetes.io/';

/** Annotations that change routing for a profile (modeled), and the ones that only shape traffic (reported). */
export const modeledAnnotations: Readonly<Record<ControllerProfile, readonly string[]>> = {
  spec: [],
  'ingress-nginx': [
    `${nginx}use-regex`,
    `${nginx}rewrite-target`,
    `${nginx}ssl-redirect`,
    `${nginx}force-ssl-redirect`,
    `${nginx}app-root`,
    `${nginx}permanent-redirect`,
    `${nginx}permanent-redirect-code`,
    `${nginx}temporal-redirect`,
    `${nginx}temporal-redirect-code`,
    ...canaryAnnotations,
    `${nginx}default-backend`,
    `${nginx}from-to-www-redirect`,
  ],
  alb: albModeledAnnotations,
  traefik: [
    `${traefik}router.entrypoints`,
    `${traefik}router.tls`,
    `${traefik}router.priority`,
    `${traefik}router.middlewares`,
  ],
};

/**
 * Annotations not modeled yet that change where a request goes: ingress-nginx custom error pages, snippets and the
 * auth redirects; Traefik router path matcher and rule syntax. (service-upstream and upstream-vhost change how the
 * controller addresses the backend and the Host it sends, not which backend: trace reads them for a meshed controller.)
 * https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/
 */
const routingAnnotations = [
  `${nginx}custom-http-errors`,
  `${nginx}server-snippet`,
  `${nginx}configuration-snippet`,
  `${nginx}auth-`,
  `${nginx}preserve-trailing-slash`,
  // Traefik: pathmatcher and rulesyntax change how the path is matched (router.middlewares is applied, see
  // _traefik-middlewares.ts). https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/ingress/
  `${traefik}router.pathmatcher`,
  `${traefik}router.rulesyntax`,
  ...albRoutingAnnotations,
];

/** Annotations of an Ingress that a profile does not model, worded for `route` notes. */
export function reportedAnnotations(ing: Ingress, profile: ControllerProfile): string[] {
  const mine =
    profile === 'ingress-nginx'
      ? nginx
      : profile === 'traefik'
        ? traefik
        : profile === 'alb'
          ? albPrefix
          : undefined;
  const out: string[] = [];
  for (const [k, v] of Object.entries(ing.annotations)) {
    if (mine && k.startsWith(mine) && !modeledAnnotations[profile].includes(k))
      out.push(
        routingAnnotations.some((r) => k.startsWith(r))
          ? `not modeled: ${k}: ${v} — it can change where the request goes (another backend, a redirect or an answer from the controller); kubetwin routes as if it were absent`
          : `${k}: ${v} (applies at the controller; it does not change which backend is chosen)`,
      );
    else if (!mine && (k.startsWith(nginx) || k.startsWith(traefik) || k.startsWith(albPrefix)))
      out.push(`${k} is ignored under the ${profile} profile`);
  }
  return out.sort();
}

export const ann = { nginx, traefik };
