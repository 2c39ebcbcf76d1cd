import type { ClusterModel, Pod, Service } from '../../model/types.ts';
import { lookup } from '../../model/lookup.ts';
import { matches, selectorFromMap } from '../../lib/labels.ts';
import type { Call } from './_calls.ts';
import type { Confidence, Evidence } from './types.ts';
import { monitorTargets } from './_scrape-monitors.ts';
import { findPort } from '../../cluster/index.ts';

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

/**
 * Whether a Prometheus pod runs a configuration the Prometheus Operator generates: it carries the operator's
 * `operator.prometheus.io/name` label, or it is a pod of a `Prometheus` object of the input. The operator's
 * configuration scrapes its monitors (and `additionalScrapeConfigs`), never the `prometheus.io/*` annotations
 * ("Annotations are simply ignored by the Prometheus Operator", a maintainer in
 * https://github.com/prometheus-operator/kube-prometheus/discussions/599; the generated jobs:
 * https://github.com/prometheus-operator/prometheus-operator/blob/main/pkg/prometheus/promcfg.go).
 */
function operatorManaged(model: ClusterModel, pod: Pod): boolean {
  return (
    pod.labels['operator.prometheus.io/name'] !== undefined ||
    (model.monitoring?.prometheuses ?? []).some(
      (p) => p.namespace === pod.namespace && pod.labels.prometheus === p.name,
    )
  );
}

const refOf = (p: Pod) => ({ namespace: p.namespace, name: (p.owner ?? p.key).split('/').pop()! });

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
 * declared container port — the example configuration's pod and endpoints roles), scraped by each Prometheus server
 * found by label; and ServiceMonitors and PodMonitors (`_scrape-monitors.ts`), scraped by the Prometheus objects that
 * select them. Each server scrapes each target pod directly. What is not inferred is said in `skipped`.
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
  const servers = prometheusPods(model);
  const monitored = monitorTargets(model, servers);
  const skipped: Evidence[] = [...monitored.skipped];
  const annotationServers = servers.filter((p) => !operatorManaged(model, p));
  const all = [
    ...(annotationServers.length
      ? targets.map((t) => ({ ...t, servers: annotationServers, confidence: 'high' as Confidence }))
      : []),
    ...monitored.targets,
  ];
  if (targets.length) skipped.push(...annotationsUnscraped(model, servers, annotationServers, targets));
  const calls: Call[] = [];
  const made = new Set<string>();
  for (const t of all)
    for (const server of t.servers) {
      const from = server.owner ?? server.key;
      const k = `${from} ${t.pod.owner ?? t.pod.key} ${t.port} ${t.evidence.text}`;
      if (made.has(k) || l.podsOfWorkload(server.owner ?? '').includes(t.pod) || t.pod === server) continue;
      made.add(k);
      calls.push({
        from: { kind: 'ref', ...refOf(server) },
        owner: from,
        to: { kind: 'ref', ...refOf(t.pod), port: t.port, protocol: 'TCP' },
        evidence: [t.evidence],
        confidence: t.confidence,
        via: 'scrape',
      });
    }
  return { calls, skipped };
}

/**
 * What flows discovery says about annotated scrape targets it gives no server: no Prometheus at all; only
 * operator-managed ones (which ignore the annotations); and each `Prometheus` whose `additionalScrapeConfigs` may
 * hold an annotation job kubetwin does not read.
 */
function annotationsUnscraped(
  model: ClusterModel,
  servers: readonly Pod[],
  annotationServers: readonly Pod[],
  targets: readonly { evidence: Evidence }[],
): Evidence[] {
  const out: Evidence[] = [];
  const count = targets.length;
  if (!servers.length)
    out.push({
      text: `${count} scrape targets, but no Prometheus (no pod labelled app.kubernetes.io/name=prometheus or app=prometheus)`,
      source: targets[0].evidence.source,
    });
  else if (!annotationServers.length)
    out.push({
      text: `${count} prometheus.io/scrape targets, but every Prometheus found is managed by the Prometheus Operator, which scrapes its ServiceMonitors and PodMonitors and ignores these annotations: no scrape flow is inferred for them`,
      source: servers[0].source,
    });
  for (const p of model.monitoring?.prometheuses ?? [])
    if (p.additionalScrapeConfigs)
      out.push({
        text: `Prometheus ${p.namespace}/${p.name} also runs the scrape jobs of Secret ${p.additionalScrapeConfigs.name} key ${p.additionalScrapeConfigs.key} (additionalScrapeConfigs), which kubetwin does not read: whether it scrapes the ${count} prometheus.io/scrape targets is not inferred`,
        source: p.source,
      });
  return out;
}
