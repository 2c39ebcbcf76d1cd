import type { HttpRequest, Ingress } from '../../model/routing.ts';
import { describeEntry, type Entry } from './_entries.ts';
import { ingressHostMatch, prefixElementMatch } from './_match.ts';
import type { IngressPick } from './_router.ts';

/**
 * Entry point names of the Traefik Helm chart and the ports they are exposed on (Service port and the
 * container port behind it). Requests on other ports match routers that name no entry point.
 */
export const traefikEntryPoints: Readonly<Record<string, readonly number[]>> = {
  web: [80, 8000],
  websecure: [443, 8443],
};

/**
 * Whether a router restricted to entry points `eps` is certainly not listening on `port`: every name is one of
 * the known entry points and none of them is exposed on it (an unknown name is assumed to listen).
 * https://doc.traefik.io/traefik/reference/install-configuration/entrypoints/
 */
export function entryPointsMiss(eps: readonly string[], port: number): boolean {
  return (
    eps.length > 0 && eps.every((ep) => traefikEntryPoints[ep] && !traefikEntryPoints[ep].includes(port))
  );
}

/**
 * Traefik v3's Kubernetes Ingress provider: each path becomes a router `Host(`h`) && PathPrefix(`/p`)`
 * (Exact: `Path`; wildcard host: `HostRegexp` over one label) whose default priority is the length of that
 * rule; the highest priority router that matches wins. `PathPrefix` is a string prefix, so `/v1` matches
 * `/v11` unless `strictPrefixMatching` is on. Annotations `router.entrypoints`, `router.tls` and
 * `router.priority` restrict or reorder routers.
 * https://doc.traefik.io/traefik/routing/providers/kubernetes-ingress/
 * https://doc.traefik.io/traefik/routing/routers/#priority
 */
export function traefikRouter(
  entries: readonly Entry[],
  ingresses: readonly Ingress[],
  req: HttpRequest,
  strict: boolean,
  lost?: { entry: Entry; reason: string }[],
): IngressPick {
  const notes: string[] = [];
  const candidates: { e: Entry; priority: number; rule: string }[] = [];
  for (const e of entries) {
    const rule = traefikRule(e, strict);
    const a = e.ingress.annotations;
    const eps = a['traefik.ingress.kubernetes.io/router.entrypoints']
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const reject = (reason: string) => lost?.push({ entry: e, reason });
    if (eps && entryPointsMiss(eps, req.port)) {
      reject(`router.entrypoints ${eps.join(',')} does not listen on port ${req.port}`);
      continue;
    }
    if (a['traefik.ingress.kubernetes.io/router.tls'] === 'true' && req.scheme !== 'https') {
      reject('router.tls is "true": the router only answers TLS requests');
      continue;
    }
    if (!ingressHostMatch(e.host, req.host)) {
      reject(`host ${e.host} does not match ${req.host}`);
      continue;
    }
    const pathOk =
      e.pathType === 'Exact'
        ? e.path === req.path
        : strict
          ? prefixElementMatch(e.path, req.path)
          : req.path.startsWith(e.path);
    if (!pathOk) {
      reject(`path ${describeEntry(e)} does not match ${req.path}`);
      continue;
    }
    const explicit = Number(a['traefik.ingress.kubernetes.io/router.priority']);
    candidates.push({
      e,
      priority: Number.isInteger(explicit) && explicit > 0 ? explicit : rule.length,
      rule,
    });
  }
  candidates.sort((x, y) => y.priority - x.priority || x.e.order - y.e.order);
  const win = candidates[0];
  for (const c of candidates.slice(1))
    lost?.push({
      entry: c.e,
      reason: `matches, but router priority ${c.priority} (${c.rule}) is below ${win.priority}`,
    });
  if (win) {
    if (!strict && win.e.pathType !== 'Exact' && !prefixElementMatch(win.e.path, req.path))
      notes.push(
        `Traefik's PathPrefix(\`${win.e.path}\`) is a string prefix: it matches ${req.path}, which the spec's element-wise Prefix does not (set strictPrefixMatching to align)`,
      );
    return {
      entry: win.e,
      priority: win.priority,
      notes: [...notes, `Traefik router rule ${win.rule}, priority ${win.priority}`],
    };
  }
  const d = ingresses.find((i) => i.defaultBackend);
  return d ? { defaultBackend: { ingress: d, backend: d.defaultBackend! }, notes } : { notes };
}

/** The rule string Traefik builds for an Ingress path; its length is the router's default priority. */
export function traefikRule(e: Entry, strict: boolean): string {
  const host =
    e.host === undefined
      ? ''
      : e.host.startsWith('*.')
        ? `HostRegexp(\`^${'[a-zA-Z0-9-]+\\.' + e.host.slice(2).replace(/\./g, '\\.')}$\`)`
        : `Host(\`${e.host}\`)`;
  const path =
    e.pathType === 'Exact'
      ? `Path(\`${e.path}\`)`
      : strict && e.path !== '/'
        ? `(Path(\`${e.path.replace(/\/$/, '')}\`) || PathPrefix(\`${e.path.replace(/\/$/, '')}/\`))`
        : `PathPrefix(\`${e.path}\`)`;
  return host ? `${host} && ${path}` : path;
}
