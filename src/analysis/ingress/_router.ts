import {
  annotationRedirect,
  appRootRedirect,
  trailingSlashRedirect,
  wwwAnnotated,
  wwwRedirect,
} from './_nginx-redirects.ts';
import type {
  ControllerProfile,
  HttpRequest,
  Ingress,
  IngressBackend,
  RouteUnknown,
} from '../../model/routing.ts';
import { describeEntry, type Entry } from './_entries.ts';
import { ingressHostMatch, nginxRegex, nginxWildcardMatch, prefixElementMatch } from './_match.ts';
import { traefikRouter } from './_traefik.ts';
import { albGlob, albPick } from './_alb.ts';
import { nginxFallback } from './_nginx-default-backend.ts';
import {
  canaryAffinity,
  canaryChoice,
  canaryFor,
  canaryPolicy,
  describePolicy,
  isCanary,
  type CanaryChoice,
} from './_nginx-canary.ts';

/** A winning entry (or defaultBackend), with what the controller did to the request. */
export interface IngressPick {
  readonly entry?: Entry;
  readonly defaultBackend?: { readonly ingress: Ingress; readonly backend: IngressBackend };
  readonly rewrittenPath?: string;
  readonly redirect?: { readonly status: number; readonly location: string };
  /** ingress-nginx: the canary Ingress merged into the winning location, and where this request goes. */
  readonly canary?: {
    readonly entry: Entry;
    readonly choice: CanaryChoice;
    /** Session affinity that may override the choice (a request carrying an affinity cookie). */
    readonly unknown: readonly RouteUnknown[];
  };
  /** Traefik: the winning router's priority (explicit, or the length of its rule). */
  readonly priority?: number;
  readonly notes: string[];
  /** What the controller's answer rests on that the manifests do not say (e.g. which Ingress is older). */
  readonly unknown?: readonly RouteUnknown[];
}

export interface PickOptions {
  readonly profile: ControllerProfile;
  /** Traefik `providers.kubernetesIngress.strictPrefixMatching` (Traefik v3.4+). */
  readonly strictPrefixMatching?: boolean;
}

/** Picks the winning entry for a request under a behaviour profile; `lost` collects the losers when given. */
export function pick(
  entries: readonly Entry[],
  ingresses: readonly Ingress[],
  req: HttpRequest,
  opts: PickOptions,
  lost?: { entry: Entry; reason: string }[],
): IngressPick {
  if (opts.profile === 'traefik')
    return traefikRouter(entries, ingresses, req, opts.strictPrefixMatching ?? false, lost);
  if (opts.profile === 'ingress-nginx') return nginxPick(entries, ingresses, req, lost);
  if (opts.profile === 'alb') return albPick(entries, ingresses, req, lost);
  return specPick(entries, ingresses, req, lost);
}

interface HostIndex {
  readonly byHost: ReadonlyMap<string, Entry[]>;
  readonly wild: readonly Entry[];
  readonly noHost: readonly Entry[];
}
const hostIndexes = new WeakMap<readonly Entry[], HostIndex>();

/** Entries by exact host, wildcard and host-less, in order; built once per compiled entry list. */
function hostIndex(entries: readonly Entry[]): HostIndex {
  const cached = hostIndexes.get(entries);
  if (cached) return cached;
  const byHost = new Map<string, Entry[]>();
  const wild: Entry[] = [];
  const noHost: Entry[] = [];
  for (const e of entries)
    if (e.host === undefined) noHost.push(e);
    else if (e.host.startsWith('*.')) wild.push(e);
    else byHost.set(e.host, [...(byHost.get(e.host) ?? []), e]);
  const idx = { byHost, wild, noHost };
  hostIndexes.set(entries, idx);
  return idx;
}

function hostGroup(
  entries: readonly Entry[],
  host: string,
  wildcard: (rule: string, host: string) => boolean,
): { group: Entry[]; kind: string } {
  const idx = hostIndex(entries);
  const exact = idx.byHost.get(host.toLowerCase());
  if (exact?.length) return { group: exact, kind: 'exact host' };
  const wild = idx.wild.filter((e) => wildcard(e.host!, host));
  if (wild.length) {
    const longest = Math.max(...wild.map((e) => e.host!.length));
    return { group: wild.filter((e) => e.host!.length === longest), kind: 'wildcard host' };
  }
  return { group: [...idx.noHost], kind: 'rules without host' };
}

function fallback(ingresses: readonly Ingress[], notes: string[]): IngressPick {
  const withDefault = ingresses.filter((i) => i.defaultBackend);
  if (withDefault.length > 1)
    notes.push(
      `${withDefault.length} Ingresses of the class set spec.defaultBackend; kubetwin uses the first by name (${withDefault[0].key}), controllers disagree on which wins`,
    );
  const d = withDefault[0];
  return d ? { defaultBackend: { ingress: d, backend: d.defaultBackend! }, notes } : { notes };
}

function rejectOthers(
  all: readonly Entry[],
  winner: Entry | undefined,
  group: readonly Entry[],
  kind: string,
  req: HttpRequest,
  matchFn: (e: Entry) => boolean,
  lost?: { entry: Entry; reason: string }[],
) {
  if (!lost) return;
  for (const e of all) {
    if (e === winner) continue;
    if (!group.includes(e))
      lost.push({
        entry: e,
        reason:
          ingressHostMatch(e.host, req.host) ||
          (e.host?.startsWith('*.') && nginxWildcardMatch(e.host, req.host))
            ? `host matches, but requests go to the ${kind} rules first`
            : `host ${e.host} does not match ${req.host}`,
      });
    else if (!matchFn(e))
      lost.push({ entry: e, reason: `path ${describeEntry(e)} does not match ${req.path}` });
    else
      lost.push({
        entry: e,
        reason: sameLocation(e, winner!)
          ? `matches the same ${describeEntry(e)} as ${winner!.ingress.key}: ${tieNote}`
          : `matches, but ${describeEntry(winner!)} takes precedence (longest path first, then Exact before Prefix)`,
      });
  }
}

const sameLocation = (a: Entry, b: Entry) =>
  a.ingress !== b.ingress && a.host === b.host && a.path === b.path && a.pathType === b.pathType;

/**
 * Two Ingresses claiming one host, path and pathType: the spec orders paths within the matching rules only
 * (https://kubernetes.io/docs/concepts/services-networking/ingress/#multiple-matches) and leaves such a tie to the
 * controller (https://github.com/kubernetes/ingress-nginx/issues/20; F5 NGINX picks the oldest creationTimestamp).
 */
const tieNote =
  'the Ingress spec does not say which Ingress wins such a tie; kubetwin takes the first by namespace/name, controllers decide by their own rule (creation time, name)';

/**
 * The spec: the most specific host group (exact host, then wildcard, then rules without host); in it, the
 * longest matching path wins, Exact before Prefix on ties; nothing matching → the defaultBackend.
 * https://kubernetes.io/docs/concepts/services-networking/ingress/#multiple-matches
 */
function specPick(
  entries: readonly Entry[],
  ingresses: readonly Ingress[],
  req: HttpRequest,
  lost?: { entry: Entry; reason: string }[],
): IngressPick {
  const { group, kind } = hostGroup(entries, req.host, ingressHostMatch);
  const notes: string[] = [];
  const m = (e: Entry) =>
    e.pathType === 'Exact' ? e.path === req.path : prefixElementMatch(e.path, req.path);
  const hits = group
    .filter(m)
    .sort((a, b) => b.path.length - a.path.length || rank(a) - rank(b) || a.order - b.order);
  const winner = hits[0];
  if (winner?.pathType === 'ImplementationSpecific')
    notes.push(
      `ImplementationSpecific path ${winner.path} is matched as Prefix under the spec profile; its meaning is up to the controller`,
    );
  const tied = winner ? hits.filter((e) => sameLocation(e, winner)) : [];
  if (tied.length)
    notes.push(
      `${[winner!, ...tied].map((e) => e.ingress.key).join(' and ')} all claim ${describeEntry(winner!)}: ${tieNote}`,
    );
  rejectOthers(entries, winner, group, kind, req, m, lost);
  const pick: IngressPick = winner ? { entry: winner, notes } : fallback(ingresses, notes);
  const chosen = pick.entry ?? pick.defaultBackend;
  const unknown = wildcardUnknown(group, winner, req).filter(
    (u) => !(chosen && sameBackend(u.entry, chosen)),
  );
  return unknown.length ? { ...pick, unknown: unknown.map((u) => u.unknown) } : pick;
}

/**
 * Whether a wildcard path sends the request where the spec reading already does: the same Ingress (so the same
 * annotations) and the same Service port or resource backend — then either reading gives the same answer.
 */
function sameBackend(
  e: Entry,
  chosen: { readonly ingress: Ingress; readonly backend: IngressBackend },
): boolean {
  if (e.ingress !== chosen.ingress) return false;
  const a = e.backend;
  const b = chosen.backend;
  if (a.service && b.service) return a.service.name === b.service.name && a.service.port === b.service.port;
  if (a.resource && b.resource)
    return (
      a.resource.kind === b.resource.kind &&
      a.resource.name === b.resource.name &&
      (a.resource.apiGroup ?? '') === (b.resource.apiGroup ?? '')
    );
  return false;
}

/**
 * An ImplementationSpecific path with `*` that the spec profile's literal Prefix reading passes over, though a glob
 * reading matches the request: "matching for ImplementationSpecific is up to the IngressClass"
 * (https://kubernetes.io/docs/concepts/services-networking/ingress/#path-types), and the cloud controllers read `*`
 * as a wildcard — GKE's (`/*`, `/foo/*`: https://cloud.google.com/kubernetes-engine/docs/concepts/ingress#paths) and
 * the AWS ALB's path patterns. Under a controller kubetwin does not know, such a path may take the request: unknown,
 * unless it sends the request to the backend the spec reading picked (`sameBackend`: a defaultBackend and a `/*`
 * rule of one Ingress naming the same Service port, as GKE's own guides write them).
 */
function wildcardUnknown(
  group: readonly Entry[],
  winner: Entry | undefined,
  req: HttpRequest,
): { entry: Entry; unknown: RouteUnknown }[] {
  return group
    .filter(
      (e) =>
        e !== winner &&
        e.pathType === 'ImplementationSpecific' &&
        e.path.includes('*') &&
        albGlob(e.path, req.path),
    )
    .map((e) => ({
      entry: e,
      unknown: {
        object: e.ingress.key,
        path: e.at,
        text: `ImplementationSpecific path ${e.path} holds a wildcard: the spec profile reads it as a literal prefix, but its meaning is the controller's, and the cloud controllers (GKE, the AWS ALB) read * as any characters, so this request may go to ${e.backend.service?.name ?? 'its backend'} instead`,
      },
    }));
}

const rank = (e: Entry) => (e.pathType === 'Exact' ? 0 : 1);

interface NginxTables {
  readonly canaries: readonly Entry[];
  readonly entries: readonly Entry[];
  readonly ingresses: readonly Ingress[];
  readonly hosts: ReadonlySet<string | undefined>;
  readonly www: readonly Entry[];
  /** Canary entries by host, path and pathType: the only ones that can merge into a location. */
  readonly canaryAt: ReadonlyMap<string, Entry[]>;
}
const at = (e: Entry) => `${e.host ?? ''} ${e.pathType} ${e.path}`;
const nginxCache = new WeakMap<readonly Entry[], NginxTables>();

/** The per-class tables ingress-nginx routing reads, built once per compiled entry list (not per request). */
function nginxTables(all: readonly Entry[], allIngresses: readonly Ingress[]): NginxTables {
  const cached = nginxCache.get(all);
  if (cached) return cached;
  const canaries = all.filter((e) => isCanary(e.ingress));
  const entries = canaries.length ? all.filter((e) => !isCanary(e.ingress)) : all;
  const t: NginxTables = {
    canaries,
    entries,
    ingresses: canaries.length ? allIngresses.filter((i) => !isCanary(i)) : allIngresses,
    hosts: new Set(entries.map((e) => e.host)),
    www: wwwAnnotated(entries),
    canaryAt: new Map(),
  };
  for (const c of canaries)
    (t.canaryAt as Map<string, Entry[]>).set(at(c), [...(t.canaryAt.get(at(c)) ?? []), c]);
  nginxCache.set(all, t);
  return t;
}

/**
 * ingress-nginx: server by exact name, then longest wildcard (any depth), then the default server. In a
 * server, `= path` (Exact) wins; with `use-regex` or `rewrite-target` on any Ingress of the host, every
 * other path becomes a case-insensitive regex `~* ^path`, tried longest first; otherwise Prefix is
 * element-wise and ImplementationSpecific a plain string prefix, the longest winning.
 * https://kubernetes.github.io/ingress-nginx/user-guide/ingress-path-matching/
 */
function nginxPick(
  all: readonly Entry[],
  allIngresses: readonly Ingress[],
  req: HttpRequest,
  lost?: { entry: Entry; reason: string }[],
): IngressPick {
  const tables = nginxTables(all, allIngresses);
  const { canaries, entries, ingresses, hosts, www: annotated } = tables;
  const notes: string[] = [];
  const www = wwwRedirect(hosts, annotated, req, queryString(req), notes);
  if (www) return { redirect: { status: www.status, location: www.location }, notes };
  const { group, kind } = hostGroup(entries, req.host, nginxWildcardMatch);
  const regexOn = group.some(
    (e) =>
      e.ingress.annotations['nginx.ingress.kubernetes.io/use-regex'] === 'true' ||
      e.ingress.annotations['nginx.ingress.kubernetes.io/rewrite-target'] !== undefined,
  );
  const m = (e: Entry): boolean => {
    if (e.pathType === 'Exact') return e.path === req.path;
    if (regexOn) return nginxRegex(e.path)?.test(req.path) ?? false;
    return e.pathType === 'Prefix' ? prefixElementMatch(e.path, req.path) : req.path.startsWith(e.path);
  };
  const exact = group.filter((e) => e.pathType === 'Exact' && m(e)).sort((a, b) => a.order - b.order);
  const rest = group
    .filter((e) => e.pathType !== 'Exact' && m(e))
    .sort((a, b) => b.path.length - a.path.length || a.order - b.order);
  const winner = exact[0] ?? rest[0];
  if (regexOn)
    notes.push(
      `ingress-nginx: an Ingress of host ${req.host} uses use-regex or rewrite-target, so every non-Exact path of the host is a case-insensitive regex prefix (~* ^path)`,
    );
  rejectOthers(entries, winner, group, kind, req, m, lost);
  const appRoot = appRootRedirect([...new Set(group.map((e) => e.ingress))], req, notes);
  if (appRoot) return { ...(winner ? { entry: winner } : {}), redirect: appRoot, notes };
  const slash = trailingSlashRedirect(
    group.map((e) => ({ path: e.path, pathType: e.pathType, key: `${e.ingress.key} ${e.at}` })),
    regexOn,
    req,
    queryString(req),
    notes,
  );
  if (slash) return { entry: group[slash.index], redirect: slash.redirect, notes };
  if (!winner) {
    const c = canaries.find(
      (e) =>
        (e.host === undefined ||
          e.host === req.host.toLowerCase() ||
          (e.host.startsWith('*.') && nginxWildcardMatch(e.host, req.host))) &&
        m(e),
    );
    if (c)
      notes.push(
        `canary ${c.ingress.key} ${c.at} matches, but a canary Ingress has no location of its own: ingress-nginx merges it into a non-canary Ingress of the same host, path and pathType, and there is none`,
      );
    const server = kind === 'rules without host' ? { catchAll: true as const } : { host: group[0].host! };
    const f = nginxFallback(server, ingresses);
    return {
      ...(f.defaultBackend ? { defaultBackend: f.defaultBackend } : {}),
      notes: [...notes, ...f.notes],
      ...(f.unknown.length ? { unknown: f.unknown } : {}),
    };
  }
  const returned = annotationRedirect(winner.ingress, notes);
  if (returned) return { entry: winner, redirect: returned, notes };
  const a = winner.ingress.annotations;
  const tlsHost = ingresses.some((i) =>
    i.tls.some((t) => t.hosts.some((h) => ingressHostMatch(h, req.host))),
  );
  const sslRedirect =
    a['nginx.ingress.kubernetes.io/force-ssl-redirect'] === 'true' ||
    (tlsHost && a['nginx.ingress.kubernetes.io/ssl-redirect'] !== 'false');
  if (req.scheme === 'http' && sslRedirect) {
    notes.push(
      'ingress-nginx redirects HTTP to HTTPS with 308 when the host has TLS (ssl-redirect defaults to true)',
    );
    return {
      entry: winner,
      redirect: { status: 308, location: `https://${req.host}${req.path}${queryString(req)}` },
      notes,
    };
  }
  const canary = canaryOf(winner, tables.canaryAt.get(at(winner)) ?? [], req, notes);
  const target = a['nginx.ingress.kubernetes.io/rewrite-target'];
  if (target !== undefined && winner.pathType !== 'Exact') {
    const re = nginxRegex(winner.path);
    const mm = re?.exec(req.path);
    const rewrittenPath = mm ? target.replace(/\$(\d)/g, (_, n: string) => mm[Number(n)] ?? '') : undefined;
    return { entry: winner, rewrittenPath, ...(canary ? { canary } : {}), notes };
  }
  return { entry: winner, ...(canary ? { canary } : {}), notes };
}

/** The canary merged into the winning location and this request's choice, with notes saying why. */
function canaryOf(
  winner: Entry,
  canaries: readonly Entry[],
  req: HttpRequest,
  notes: string[],
): IngressPick['canary'] {
  if (!canaries.length) return undefined;
  const c = canaryFor(winner, canaries);
  if (!c) return undefined;
  const policy = canaryPolicy(c.ingress, notes);
  const choice = canaryChoice(policy, req, notes);
  const what = `canary ${c.ingress.key} ${c.at} shadows this location (${describePolicy(policy)})`;
  notes.push(
    'split' in choice
      ? `${what}: no header or cookie decides, so ${choice.split} of ${choice.total} requests go to the canary at random`
      : `${what}: ${choice.by} → ${choice.to === 'canary' ? 'the canary backend' : 'the primary backend'}`,
    `ingress-nginx ignores the canary Ingress's other annotations: the location's own (${winner.ingress.key}) apply`,
  );
  const affinity = canaryAffinity(winner.ingress, c.ingress, req);
  notes.push(...affinity.notes);
  return { entry: c, choice, unknown: affinity.unknown };
}

export function queryString(req: HttpRequest): string {
  return req.query.length
    ? `?${req.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`
    : '';
}
