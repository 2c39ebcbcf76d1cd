import type { ClusterModel, Pod, Service } from '../../model/types.ts';
import { lookup } from '../../model/lookup.ts';
import { matches, selectorFromMap, type Selector } from '../../lib/labels.ts';
import type { Call } from './_calls.ts';
import type { Evidence } from './types.ts';
import { isRecord } from '../../lib/record.ts';
import { findPort } from '../../cluster/index.ts';

const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Prometheus servers: pods labelled `app.kubernetes.io/name=prometheus` (the Operator's and the chart's) or `app=prometheus`. */
function prometheusPods(model: ClusterModel): Pod[] {
  const seen = new Set<string>();
  return model.pods.filter((p) => {
    const yes = p.labels['app.kubernetes.io/name'] === 'prometheus' || p.labels.app === 'prometheus';
    const group = p.owner ?? p.key;
    if (!yes || seen.has(group)) return false;
    seen.add(group);
    return true;
  });
}

const refOf = (p: Pod) => ({ namespace: p.namespace, name: (p.owner ?? p.key).split('/').pop()! });

function matchLabels(v: unknown): Selector {
  const labels = isRecord(v) && isRecord(v.matchLabels) ? v.matchLabels : {};
  return selectorFromMap(
    Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string')),
  );
}

/**
 * The container port a Service port leads to on one pod: a number, or the container port with that name and the
 * Service port's protocol (`findPort`, as the EndpointSlice controller resolves it, so the endpoint Prometheus scrapes).
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/api/v1/pod/util.go (FindPort)
 */
function targetPort(s: Service, portName: string | undefined, pod: Pod): number | undefined {
  const sp = s.ports.find((p) => p.name === portName);
  return sp && findPort(pod, sp.targetPort, sp.protocol);
}

/**
 * Prometheus scrapes: pods and Services annotated `prometheus.io/scrape: "true"` (on `prometheus.io/port`, else each
 * declared container port — the example configuration's pod and endpoints roles), ServiceMonitors (the pods behind
 * the Services they select, on the named port) and PodMonitors (the pods they select, on the named container port).
 * Each Prometheus server found scrapes each target pod directly. Without one, nothing is returned and `skipped`
 * says why.
 * https://github.com/prometheus/prometheus/blob/main/documentation/examples/prometheus-kubernetes.yml
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitor
 */
export function callsFromScrapes(model: ClusterModel): { calls: Call[]; skipped: Evidence[] } {
  const l = lookup(model);
  const targets: { pod: Pod; port: number; evidence: Evidence }[] = [];
  const seen = new Set<string>();
  const add = (pod: Pod, port: number | undefined, evidence: Evidence) => {
    const k = `${pod.owner ?? pod.key} ${port}`;
    if (!port || seen.has(k)) return;
    targets.push({ pod, port, evidence });
    seen.add(k);
  };
  for (const p of model.pods)
    if (p.annotations['prometheus.io/scrape'] === 'true') {
      const port = Number(p.annotations['prometheus.io/port']);
      const ev = { text: `${p.owner ?? p.key} annotation prometheus.io/scrape`, source: p.source };
      for (const n of port ? [port] : p.ports.map((cp) => cp.containerPort)) add(p, n, ev);
    }
  for (const s of model.services) {
    if (s.annotations['prometheus.io/scrape'] !== 'true' || !s.selector) continue;
    const port = Number(s.annotations['prometheus.io/port']);
    const ev = { text: `${s.key} annotation prometheus.io/scrape`, source: s.source };
    for (const pod of model.pods.filter(
      (p) => p.namespace === s.namespace && matches(selectorFromMap(s.selector!), p.labels),
    ))
      for (const n of port
        ? [port]
        : s.ports.map(
            (sp) =>
              targetPort(s, sp.name, pod) ?? (typeof sp.targetPort === 'number' ? sp.targetPort : undefined),
          ))
        add(pod, n, ev);
  }
  for (const o of model.others) {
    if (o.kind !== 'ServiceMonitor' && o.kind !== 'PodMonitor') continue;
    const spec = isRecord(o.body.spec) ? o.body.spec : {};
    const nsSel = isRecord(spec.namespaceSelector) ? spec.namespaceSelector : {};
    const inNs = (ns: string) =>
      nsSel.any === true ||
      (Array.isArray(nsSel.matchNames) ? nsSel.matchNames.includes(ns) : ns === o.namespace);
    const sel = matchLabels(spec.selector);
    const ev = {
      text: `${o.key} ${o.kind === 'ServiceMonitor' ? 'endpoints' : 'podMetricsEndpoints'}`,
      source: o.source,
    };
    if (o.kind === 'ServiceMonitor') {
      for (const s of model.services.filter((x) => inNs(x.namespace) && matches(sel, x.labels) && x.selector))
        for (const e of listOf(spec.endpoints).filter(isRecord))
          for (const pod of model.pods.filter(
            (p) => p.namespace === s.namespace && matches(selectorFromMap(s.selector!), p.labels),
          ))
            add(
              pod,
              typeof e.targetPort === 'number'
                ? e.targetPort
                : targetPort(s, typeof e.port === 'string' ? e.port : undefined, pod),
              ev,
            );
    } else
      for (const pod of model.pods.filter((p) => inNs(p.namespace) && matches(sel, p.labels)))
        for (const e of listOf(spec.podMetricsEndpoints).filter(isRecord))
          add(pod, pod.ports.find((cp) => cp.name === e.port)?.containerPort, ev);
  }
  const servers = prometheusPods(model);
  if (!servers.length)
    return {
      calls: [],
      skipped: targets.length
        ? [
            {
              text: `${targets.length} scrape targets, but no Prometheus (no pod labelled app.kubernetes.io/name=prometheus or app=prometheus)`,
              source: targets[0].evidence.source,
            },
          ]
        : [],
    };
  const calls: Call[] = [];
  for (const server of servers)
    for (const t of targets) {
      const to = refOf(t.pod);
      if (l.podsOfWorkload(server.owner ?? '').includes(t.pod) || t.pod === server) continue;
      calls.push({
        from: { kind: 'ref', ...refOf(server) },
        owner: server.owner ?? server.key,
        to: { kind: 'ref', ...to, port: t.port, protocol: 'TCP' },
        evidence: [t.evidence],
        confidence: 'high',
        via: 'scrape',
      });
    }
  return { calls, skipped: [] };
}
