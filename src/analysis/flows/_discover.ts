import type { ClusterModel } from '../../model/types.ts';
import { lookup } from '../../model/lookup.ts';
import { mergeCalls, sourceKey, type Call } from './_calls.ts';
import { callsFromConfig } from './_config.ts';
import { callsFromRoutes } from './_routes.ts';
import { callsFromScrapes } from './_scrape.ts';
import { callsToApi } from './_api.ts';
import { callsFromIstioGateways } from './_istio-gateways.ts';
import { sourceText, targetText } from './_format.ts';
import type { Evidence, Flow, FlowStep } from './types.ts';

export interface Discovery {
  /** Flows found, `origin: 'discovered'`, each step with its evidence and confidence. */
  readonly flows: readonly Flow[];
  /** Addresses that name no Service of the cluster, and entry points with no name to call: not flows, said here. */
  readonly notes: readonly Evidence[];
}

/**
 * Every pod that makes a call resolves names through the cluster DNS Service (`dnsPolicy: ClusterFirst`, the
 * default): UDP 53, and TCP 53 for answers too long for UDP.
 * https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-s-dns-policy
 */
function dnsCalls(model: ClusterModel, calls: readonly Call[]): { calls: Call[]; notes: Evidence[] } {
  const dns = model.services.find((s) => s.clusterIPs.includes(model.profile.dnsServiceIP));
  const l = lookup(model);
  const out: Call[] = [];
  const seen = new Set<string>();
  for (const c of calls) {
    if (c.from.kind !== 'ref' || seen.has(sourceKey(c.from))) continue;
    seen.add(sourceKey(c.from));
    const pod = c.owner?.startsWith('Pod/') ? l.podByKey(c.owner) : l.podsOfWorkload(c.owner ?? '')[0];
    if (!pod || !dns) continue;
    const clusterFirst =
      (pod.dnsPolicy === 'ClusterFirst' && !pod.hostNetwork) || pod.dnsPolicy === 'ClusterFirstWithHostNet';
    if (!clusterFirst) continue;
    for (const protocol of ['UDP', 'TCP'] as const)
      out.push({
        from: c.from,
        owner: c.owner,
        to: {
          kind: 'url',
          scheme: protocol === 'UDP' ? 'udp' : 'tcp',
          host: `${dns.name}.${dns.namespace}`,
          port: 53,
          path: '/',
          protocol,
        },
        evidence: [
          {
            text: `${c.owner} dnsPolicy ${pod.dnsPolicy}: names resolve through ${dns.key}`,
            source: pod.source,
          },
        ],
        confidence: 'high',
        via: 'dns',
      });
  }
  return {
    calls: out,
    notes: dns
      ? []
      : [
          {
            text: `no Service holds the cluster DNS address ${model.profile.dnsServiceIP}: DNS steps left out`,
          },
        ],
  };
}

function stepOf(c: Call): FlowStep {
  const to = targetText(c.to);
  return {
    from: c.from,
    to: c.to,
    text: `${sourceText(c.from)} → ${to.to}${to.port ? `:${to.port}` : ''}${to.protocol ? `/${to.protocol}` : ''}`,
    source: c.evidence[0]?.source,
    evidence: c.evidence,
    confidence: c.confidence,
  };
}

/**
 * Flows found in the manifests, for clusters that come without a flows file: calls named in container settings
 * (`_config.ts`), entry points from the internet (`_routes.ts`, Istio gateways in
 * `_istio-gateways.ts`), Prometheus scrapes (`_scrape.ts`), calls of the
 * Kubernetes API by workloads RBAC grants access (`_api.ts`), and the DNS lookups every calling pod makes. Grouped as one flow per entry kind and per calling workload, in input order.
 */
export function discoverFlows(model: ClusterModel): Discovery {
  const config = callsFromConfig(model);
  const routes = callsFromRoutes(model);
  const scrapes = callsFromScrapes(model);
  const istio = callsFromIstioGateways(model);
  const api = callsToApi(model);
  const found = mergeCalls([
    ...routes.calls,
    ...istio.calls,
    ...config.calls,
    ...scrapes.calls,
    ...api.calls,
  ]);
  // The API is dialled by address (KUBERNETES_SERVICE_HOST), with no lookup.
  const dns = dnsCalls(
    model,
    found.filter((c) => c.via !== 'api'),
  );
  const flows: Flow[] = [];
  const push = (name: string, calls: readonly Call[]) => {
    if (calls.length)
      flows.push({
        name,
        steps: calls.map(stepOf),
        origin: 'discovered',
        source: calls[0].evidence[0]?.source,
      });
  };
  push(
    'from the internet',
    found.filter((c) => c.via === 'route'),
  );
  const byOwner = new Map<string, Call[]>();
  for (const c of found.filter((x) => x.via === 'config')) {
    const k = sourceKey(c.from);
    byOwner.set(k, [...(byOwner.get(k) ?? []), c]);
  }
  for (const [k, calls] of byOwner) push(`calls of ${k}`, calls);
  push(
    'metrics scraping',
    found.filter((c) => c.via === 'scrape'),
  );
  push(
    'to the Kubernetes API',
    found.filter((c) => c.via === 'api'),
  );
  push('DNS lookups', dns.calls);
  return {
    flows,
    notes: [
      ...config.unresolved.map((e) => ({ ...e, text: `names no Service of the cluster: ${e.text}` })),
      ...routes.skipped,
      ...istio.skipped,
      ...scrapes.skipped,
      ...api.skipped,
      ...dns.notes,
    ],
  };
}
