import type {
  IstioDestination,
  IstioHttpMatch,
  IstioHttpRoute,
  ServiceEntry,
  VirtualService,
} from '../../../model/mesh.ts';
import type { HttpRequest } from '../../../model/routing.ts';
import type { Service } from '../../../model/types.ts';
import { hostCovers, resolveMeshHost, serviceFqdn } from '../_hosts.ts';
import type { MeshAction, MeshRouteTable, MeshRule, MeshTarget } from '../types.ts';
import { compileIstioMatch } from './_match.ts';
import { expandDelegates } from './_delegate.ts';
import { exportedTo } from './_service-entries.ts';

/** Istio's retry policy for a route that sets none (pilot `retry.DefaultPolicy()`). */
export const defaultRetries =
  '2 attempts on connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes (Istio default)';

interface Ctx {
  readonly clusterDomain: string;
  readonly serviceByFqdn: ReadonlyMap<string, Service>;
  /** The ServiceEntry that declares a host, if any. */
  readonly entryFor: (host: string) => ServiceEntry | undefined;
  /** Every VirtualService, where delegates are looked up. */
  readonly virtualServices: readonly VirtualService[];
}

const wellKnown: Readonly<Record<string, number>> = { http: 80, https: 443 };

/**
 * `rewrite.uri`: with a `uri.prefix` match the matched prefix is replaced; with an exact or regex match the
 * whole path; with no uri match Envoy's prefix rewrite replaces the implied prefix `/`.
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRewrite
 */
function rewritePath(uri: string, match: IstioHttpMatch | undefined, path: string): string {
  const m = match?.uri;
  if (m?.type === 'prefix') return uri + path.slice(m.value.length);
  if (m && m.type !== 'present') return uri;
  return uri + path.slice(1);
}

function target(ctx: Ctx, vs: VirtualService, d: IstioDestination): MeshTarget {
  const fqdn = resolveMeshHost(d.host, vs.namespace, ctx.clusterDomain);
  const svc = ctx.serviceByFqdn.get(fqdn);
  const base = { subset: d.subset, port: d.port, weight: d.weight };
  if (svc) return { namespace: svc.namespace, name: svc.name, ...base };
  const entry = ctx.entryFor(fqdn);
  if (entry) return { namespace: entry.namespace, name: fqdn, ...base, entry };
  return {
    namespace: vs.namespace,
    name: d.host,
    ...base,
    problem: `host ${d.host} (${fqdn}) is neither a Service among the manifests nor a ServiceEntry host: the sidecar answers 503`,
  };
}

/** The action of one `HTTPRoute` rule for a request its match block `matchIndex` matched. */
function action(ctx: Ctx, vs: VirtualService, r: IstioHttpRoute, req: HttpRequest, mi: number): MeshAction {
  const notes: string[] = [];
  const sometimes: string[] = [];
  const abort = r.fault?.abort;
  if (abort) {
    if (abort.percentage === undefined)
      notes.push(
        'fault.abort has no percentage: Istio passes none to Envoy, whose default share is 0%, so kubetwin aborts no request (set percentage.value)',
      );
    else if (abort.percentage >= 100 && abort.httpStatus !== undefined)
      return {
        kind: 'respond',
        status: abort.httpStatus,
        why: `fault.abort: every request is aborted with ${abort.httpStatus}`,
        notes,
      };
    else if (abort.percentage > 0) {
      const what = `fault.abort: ${abort.percentage}% of requests are aborted with ${abort.httpStatus ?? '(no status)'}`;
      notes.push(what);
      sometimes.push(`${what}, the others forwarded: which one this request is, is chance`);
    }
  }
  const delay = r.fault?.delay;
  if (delay)
    notes.push(
      `fault.delay: ${delay.percentage ?? 0}% of requests are delayed by ${delay.fixedDelay ?? '(unset)'}`,
    );
  if (r.directResponse)
    return { kind: 'respond', status: r.directResponse.status, why: 'directResponse', notes };
  const match = r.matches[mi];
  if (r.redirect) {
    const rd = r.redirect;
    const scheme = rd.scheme ?? req.scheme;
    const port = rd.port ?? (rd.scheme ? wellKnown[rd.scheme] : req.port);
    const host = rd.authority ?? req.host;
    const q = req.query.length ? `?${req.query.map(([k, v]) => `${k}=${v}`).join('&')}` : '';
    const portText = port !== undefined && wellKnown[scheme] !== port ? `:${port}` : '';
    return {
      kind: 'redirect',
      status: rd.redirectCode,
      location: `${scheme}://${host}${portText}${rd.uri ?? req.path}${q}`,
      notes,
    };
  }
  return {
    kind: 'route',
    targets: r.route.map((d) => target(ctx, vs, d)),
    rewrittenPath: r.rewrite?.uri !== undefined ? rewritePath(r.rewrite.uri, match, req.path) : undefined,
    rewrittenHost: r.rewrite?.authority,
    timeout: r.timeout ?? 'none (Istio disables the HTTP route timeout by default)',
    retries: r.retries
      ? `${r.retries.attempts ?? 2} attempts${r.retries.perTryTimeout ? `, ${r.retries.perTryTimeout} per try` : ''}${r.retries.retryOn ? ` on ${r.retries.retryOn}` : ''}`
      : defaultRetries,
    // mirror/mirrors: a copy of `percentage` of the requests (absent: every one, 0: none); its response is
    // discarded, so it never changes the answer (shown as data: MeshMirror).
    // https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMirrorPolicy
    ...(r.mirrors.length
      ? {
          mirrors: r.mirrors.map((m) => ({
            ...target(ctx, vs, { host: m.host, subset: m.subset, port: m.port, weight: 100 }),
            percent: m.percentage ?? 100,
          })),
        }
      : {}),
    ...(sometimes.length ? { sometimes } : {}),
    notes,
  };
}

/**
 * The rules of a VirtualService, delegation followed (`expandDelegates`): a rule merged from a delegate is named
 * by the delegate's object and index, its hosts read in the delegate's namespace (istiod resolves a delegate's
 * short names in its own namespace), with a note naming the root rule that led to it.
 */
function compileRules(ctx: Ctx, vs: VirtualService): { rules: MeshRule[]; notes: string[] } {
  const { rules, notes } = expandDelegates(vs, ctx.virtualServices);
  return {
    notes,
    rules: rules.map(({ vs: owner, rule: r, via, matchAt }) => {
      const at = `spec.http[${r.index}]`;
      const through = via
        ? [
            `reached through ${via.root.key} spec.http[${via.index}], which delegates to ${owner.key}: their matches and settings are merged as istiod merges them`,
          ]
        : [];
      return {
        object: owner.key,
        at,
        name: r.name,
        matches: r.matches.length
          ? r.matches.map((m, k) =>
              compileIstioMatch(m, matchAt?.[k] ?? `${at}.match[${m.index}]`, owner.namespace),
            )
          : [{ at, describe: 'any request', failure: () => undefined }],
        act: (req, mi) => {
          const a = action(ctx, owner, r, req, mi);
          return through.length ? { ...a, notes: [...through, ...a.notes] } : a;
        },
      };
    }),
  };
}

function makeCtx(
  services: readonly Service[],
  clusterDomain: string,
  entries: readonly ServiceEntry[],
  virtualServices: readonly VirtualService[],
): Ctx {
  const serviceByFqdn = new Map(services.map((s) => [serviceFqdn(s, clusterDomain), s]));
  const entryFor = (host: string) => entries.find((e) => e.hosts.some((h) => hostCovers(h, host)));
  return { clusterDomain, serviceByFqdn, entryFor, virtualServices };
}

/** The targets of a `tcp` or `tls` rule's destinations, with the hosts resolved as for `http` rules. */
export function l4Targets(
  services: readonly Service[],
  clusterDomain: string,
  entries: readonly ServiceEntry[] = [],
): (vs: VirtualService, route: readonly IstioDestination[]) => MeshTarget[] {
  const ctx = makeCtx(services, clusterDomain, entries, []);
  return (vs, route) => route.map((d) => target(ctx, vs, d));
}

/**
 * The compiled `http` rules of any VirtualService, delegation followed among `virtualServices`, with notes on
 * what delegation left out (for the Istio ingress gateway, which binds VirtualServices by its own rules rather
 * than by Service).
 */
export function virtualServiceRules(
  services: readonly Service[],
  clusterDomain: string,
  opts: { entries?: readonly ServiceEntry[]; virtualServices?: readonly VirtualService[] } = {},
): (vs: VirtualService) => { rules: MeshRule[]; notes: string[] } {
  const ctx = makeCtx(services, clusterDomain, opts.entries ?? [], opts.virtualServices ?? []);
  return (vs) => compileRules(ctx, vs);
}

/**
 * Which VirtualServices a client's proxy has, beyond exportTo (an Istio Sidecar's egress hosts); `key` names the
 * scope for the memo.
 */
export interface VisibleTo {
  readonly key: string;
  sees(vs: { readonly namespace: string; readonly hosts: readonly string[] }): boolean;
}

export const age = (vs: VirtualService) => [vs.creationTimestamp ?? '9999', vs.namespace, vs.name].join('/');

/**
 * Route tables from the VirtualServices that apply to sidecars (`gateways` absent or naming `mesh`) and that are
 * exported to the client's namespace (`exportTo` empty or `*`, `.` for its own, or naming it: the default of
 * meshConfig.defaultVirtualServiceExportTo is `*`, which kubetwin takes): per Service (or ServiceEntry host), the
 * VirtualService whose host names it exactly, else the most specific wildcard. When several name the same host,
 * the oldest is taken and the others are noted (Istio reports IST0109 and the result is not defined).
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService-export_to
 * https://istio.io/latest/docs/reference/config/analysis/ist0109/
 */
export function istioTables(
  services: readonly Service[],
  virtualServices: readonly VirtualService[],
  clusterDomain: string,
  entries: readonly ServiceEntry[] = [],
): {
  forService: (svc: Service, clientNs: string, visible?: VisibleTo) => MeshRouteTable | undefined;
  forHost: (host: string, clientNs: string, visible?: VisibleTo) => MeshRouteTable | undefined;
} {
  const ctx = makeCtx(services, clusterDomain, entries, virtualServices);
  const mesh = virtualServices.filter(
    (v) => !v.delegate && (!v.gateways.length || v.gateways.includes('mesh')),
  );
  const hosts = mesh.map((vs) => ({
    vs,
    hosts: vs.hosts.map((h) => resolveMeshHost(h, vs.namespace, clusterDomain)),
  }));
  const memo = new Map<string, MeshRouteTable | undefined>();
  const tableFor = (
    fqdn: string,
    clientNs: string,
    svc?: Service,
    visible?: VisibleTo,
  ): MeshRouteTable | undefined => {
    const key = `${fqdn}|${clientNs}|${visible?.key ?? ''}`;
    if (memo.has(key)) return memo.get(key);
    let best: { score: number; list: VirtualService[] } = { score: -1, list: [] };
    for (const { vs, hosts: hs } of hosts) {
      if (!exportedTo(vs, clientNs)) continue;
      if (visible && !visible.sees({ namespace: vs.namespace, hosts: hs })) continue;
      for (const h of hs) {
        if (!hostCovers(h, fqdn)) continue;
        const score = h === fqdn ? 1e6 : h.length;
        if (score > best.score) best = { score, list: [vs] };
        else if (score === best.score && !best.list.includes(vs)) best.list.push(vs);
      }
    }
    let table: MeshRouteTable | undefined;
    if (best.list.length) {
      const [vs, ...others] = [...best.list].sort((a, b) => (age(a) < age(b) ? -1 : 1));
      const notes = others.map(
        (o) =>
          `${o.key} also names this host; Istio's behaviour is not defined for that (IST0109) — kubetwin takes the oldest (by creationTimestamp, then namespace/name), ${vs.key}, and ignores ${o.key}`,
      );
      const compiled = compileRules(ctx, vs);
      table = {
        ...(svc ? { service: svc } : {}),
        by: `Istio VirtualService ${vs.namespace}/${vs.name}`,
        rules: compiled.rules,
        notes: [...notes, ...compiled.notes],
      };
    }
    memo.set(key, table);
    return table;
  };
  return {
    forService: (svc, clientNs, visible) => tableFor(serviceFqdn(svc, clusterDomain), clientNs, svc, visible),
    forHost: (host, clientNs, visible) => tableFor(host, clientNs, undefined, visible),
  };
}
