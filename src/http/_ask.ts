/**
 * The questions the Ask panel puts, each the same analysis as its CLI command over the pipeline's shared trace
 * context: `reach` (policy verdict for one port), `trace` (hop by hop, each hop with the objects and YAML lines
 * that decided it), `resolve` (CoreDNS's answer, or a pod's search-list walk) and `route` (Ingress or Gateway).
 * Each returns `{ status, body }`: 400 with `{ error }` for a question that cannot be asked.
 */
import type { AnalysedCluster } from '../pipeline/index.ts';
import type { Protocol } from '../model/types.ts';
import { parseFlowSource, parseFlowTarget } from '../analysis/flows/index.ts';
import { queriesBlocked, trace } from '../analysis/trace/index.ts';
import { reach } from '../analysis/reach/index.ts';
import { findPod } from '../analysis/dns/index.ts';
import { compileRouter, parseRequest, parseVia } from '../analysis/route/index.ts';
import { formatSource } from '../model/diagnostic.ts';
import { reachJson } from '../render/reach-text.ts';
import { dnsResponseJson, podResolveJson } from '../render/dig.ts';
import { routeJson } from '../render/route.ts';

export interface Answer {
  readonly status: 200 | 400;
  readonly body: unknown;
}

const bad = (error: string): Answer => ({ status: 400, body: { error } });
const protocols = new Set(['TCP', 'UDP', 'SCTP']);

function portOf(text: string | undefined): number | undefined | string {
  if (!text) return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : `port "${text}" is not a port number (1-65535)`;
}

type Query = Readonly<Record<string, string | undefined>>;

export function askReach(a: AnalysedCluster, q: Query): Answer {
  const port = portOf(q.port);
  if (port === undefined || typeof port === 'string') return bad(port ?? 'port is required');
  if (!q.from || !q.to) return bad('from and to are required');
  const protocol = (q.protocol ?? 'TCP').toUpperCase();
  if (!protocols.has(protocol)) return bad(`protocol "${q.protocol}" is not TCP, UDP or SCTP`);
  const r = reach(a.context.engine, { from: q.from, to: q.to, port, protocol: protocol as Protocol });
  return typeof r === 'string' ? bad(r) : { status: 200, body: reachJson(r) };
}

export function askTrace(a: AnalysedCluster, q: Query): Answer {
  if (!q.from || !q.to) return bad('from and to are required');
  const port = portOf(q.port);
  if (typeof port === 'string') return bad(port);
  const protocol = q.protocol ? q.protocol.toUpperCase() : undefined;
  if (protocol && !protocols.has(protocol)) return bad(`protocol "${q.protocol}" is not TCP, UDP or SCTP`);
  const from = parseFlowSource(q.from);
  const to = parseFlowTarget(q.to, port, protocol as Protocol | undefined, undefined);
  if (typeof from === 'string') return bad(`from: ${from}`);
  if (typeof to === 'string') return bad(to);
  const m = a.model;
  if (
    from.kind === 'ref' &&
    !m.pods.some((p) => p.namespace === from.namespace && p.name === from.name) &&
    !m.workloads.some((w) => w.namespace === from.namespace && w.name === from.name)
  )
    return bad(`from ${from.namespace}/${from.name}: no pod or workload of that name`);
  const t = trace(a.context, from, to);
  return {
    status: 200,
    body: {
      ...t,
      hops: t.hops.map((h) => ({
        ...h,
        objects: h.objects.map((o) => ({
          key: o.key,
          ...(o.source
            ? { source: { file: o.source.file, line: o.source.line, at: formatSource(o.source, false) } }
            : {}),
        })),
      })),
    },
  };
}

export function askResolve(a: AnalysedCluster, q: Query): Answer {
  const name = q.name ?? '';
  if (!/^[A-Za-z0-9_.*-]+$/.test(name) || name.length > 253) return bad(`"${name}" is not a DNS name`);
  const type = (q.type ?? 'A').toUpperCase();
  const dns = a.context.dns;
  if (q.from) {
    const pod = findPod(a.model, q.from);
    if (!pod) return bad(`from ${q.from}: no pod or workload of that name (use namespace/name)`);
    const res = dns.resolveFrom(pod, { name, type });
    const blocked = queriesBlocked(a.context, res);
    return { status: 200, body: { ...podResolveJson(res), ...(blocked ? { queriesBlocked: blocked } : {}) } };
  }
  return { status: 200, body: dnsResponseJson(dns.answer({ name, type })) };
}

/** The router to use when none is named: the first Gateway, else the default (or only) IngressClass. */
export function defaultVia(a: AnalysedCluster): string | undefined {
  const r = a.model.routing;
  const gw = r?.gateways[0];
  if (gw) return `gateway:${gw.namespace}/${gw.name}`;
  const cls = r?.ingressClasses.find((c) => c.isDefault) ?? r?.ingressClasses[0];
  return cls ? `ingress-class:${cls.name}` : undefined;
}

export function askRoute(a: AnalysedCluster, q: Query): Answer {
  if (!q.url) return bad('url is required');
  const viaText = q.via || defaultVia(a);
  if (!viaText) return bad('the manifests hold no Gateway or IngressClass to route through');
  const via = parseVia(viaText);
  if (typeof via === 'string') return bad(via);
  const req = parseRequest({ url: q.url, method: q.method });
  if (typeof req === 'string') return bad(req);
  const router = compileRouter(a.model, { via, certificates: a.context.certificates, now: a.context.now });
  if (typeof router === 'string') return bad(router);
  return { status: 200, body: routeJson(router.explain(req)) };
}
