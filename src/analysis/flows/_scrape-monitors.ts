import type { ClusterModel, ContainerPort, EndpointSlice, Pod } from '../../model/types.ts';
import {
  monitorNamespaces,
  type PodMetricsEndpoint,
  type PodMonitor,
  type PrometheusSelection,
  type ServiceMonitor,
  type ServiceMonitorEndpoint,
} from '../../model/monitoring.ts';
import { matches } from '../../lib/labels.ts';
import { selectorAdmits } from '../../lib/namespace-selector.ts';
import type { Confidence, Evidence } from './types.ts';

/** One pod and port a monitor's endpoint makes Prometheus scrape, and which Prometheus pods scrape it. */
export interface MonitorTarget {
  readonly pod: Pod;
  readonly port: number;
  readonly evidence: Evidence;
  readonly servers: readonly Pod[];
  readonly confidence: Confidence;
}

type Monitor = ServiceMonitor | PodMonitor;

/**
 * The targets of every ServiceMonitor and PodMonitor, each with the Prometheus pods that scrape it: the pods of each
 * `Prometheus` whose monitor selectors pick the monitor; when the input holds no `Prometheus` object, every pod
 * `fallback` names (the Prometheus pods found by label), said in the evidence. A monitor no Prometheus of the input
 * picks, and a Prometheus whose configuration the operator does not manage, are said in `skipped`.
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusSpec
 */
export function monitorTargets(
  model: ClusterModel,
  fallback: readonly Pod[],
): { targets: MonitorTarget[]; skipped: Evidence[] } {
  const mon = model.monitoring;
  const targets: MonitorTarget[] = [];
  const skipped: Evidence[] = [];
  if (!mon) return { targets, skipped };
  const monitors: Monitor[] = [...mon.serviceMonitors, ...mon.podMonitors];
  const index = indexOf(model);
  const managed = mon.prometheuses.filter((p) => !p.unmanaged);
  for (const p of mon.prometheuses)
    if (p.unmanaged && monitors.length)
      skipped.push({
        text: `Prometheus ${p.namespace}/${p.name} has no serviceMonitorSelector, podMonitorSelector, probeSelector nor scrapeConfigSelector: the operator does not manage its configuration, so what it scrapes is not inferred`,
        source: p.source,
      });
  for (const m of monitors) {
    const pickers = mon.prometheuses.length
      ? managed
          .filter((p) => picks(model, p, m))
          .map((p) => ({ by: p as PrometheusSelection | undefined, servers: podsOf(model, p) }))
      : fallback.length
        ? [{ by: undefined, servers: fallback }]
        : [];
    if (!pickers.length) {
      if (mon.prometheuses.length)
        skipped.push({
          text: `${m.kind} ${m.namespace}/${m.name}: no Prometheus in the input selects it (${m.kind === 'ServiceMonitor' ? 'serviceMonitorSelector, serviceMonitorNamespaceSelector' : 'podMonitorSelector, podMonitorNamespaceSelector'}), so nothing scrapes it`,
          source: m.source,
        });
      continue;
    }
    for (const { by, servers } of pickers) {
      if (!servers.length) {
        skipped.push({
          text: `${m.kind} ${m.namespace}/${m.name} is selected by Prometheus ${by!.namespace}/${by!.name}, but the input has none of its pods (prometheus: ${by!.name}), so its scrapes are not inferred`,
          source: m.source,
        });
        continue;
      }
      m.endpoints.forEach((ep, i) => {
        const list = m.kind === 'ServiceMonitor' ? 'endpoints' : 'podMetricsEndpoints';
        const unapplied = [
          ...(ep.relabelings
            ? [
                `${ep.relabelings} relabeling${ep.relabelings > 1 ? 's' : ''} that may keep, drop or re-address targets not applied`,
              ]
            : []),
          ...(ep.proxyUrl ? [`through proxy ${ep.proxyUrl}, not followed`] : []),
        ];
        const request = `${ep.scheme ?? 'http'} ${ep.path ?? '/metrics'}${ep.interval ? ` every ${ep.interval}` : ''}`;
        const text = `${m.kind}/${m.namespace}/${m.name} ${list}[${i}] (${request})${by ? `, selected by Prometheus ${by.namespace}/${by.name}` : ', no Prometheus object in the input: assumed scraped by every Prometheus pod'}${unapplied.length ? `; ${unapplied.join(', ')}` : ''}`;
        const evidence = { text, source: m.source };
        const confidence: Confidence = unapplied.length || !by ? 'medium' : 'high';
        const namespaces = monitorNamespaces(m, by);
        const inNs = (ns: string) => namespaces === 'any' || namespaces.includes(ns);
        const found =
          m.kind === 'ServiceMonitor'
            ? serviceMonitorTargets(model, index, m, ep as ServiceMonitorEndpoint, inNs)
            : podMonitorTargets(model, m, ep as PodMetricsEndpoint, inNs);
        for (const t of found) targets.push({ ...t, evidence, servers, confidence });
      });
    }
  }
  return { targets, skipped };
}

/**
 * The operator's Prometheus pods of `p`: its StatefulSet's selector labels (as `_prometheus-operator.ts` builds
 * them), `app.kubernetes.io/name: prometheus` with `operator.prometheus.io/name` or, as older operators label them
 * (a cluster dump), `prometheus: <name>`.
 */
function podsOf(model: ClusterModel, p: PrometheusSelection): Pod[] {
  return model.pods.filter(
    (x) =>
      x.namespace === p.namespace &&
      (x.labels['app.kubernetes.io/name'] === 'prometheus' || x.labels.app === 'prometheus') &&
      (x.labels['operator.prometheus.io/name'] === p.name || x.labels.prometheus === p.name),
  );
}

/**
 * Whether a Prometheus picks a monitor: its selector for the kind (null: none, `{}`: all) on the monitor's labels,
 * and its namespace selector (null: the Prometheus's own namespace, `{}`: every one) on the monitor's namespace.
 * A namespace not in the input is matched on its name label only (an unknown answer counts as picked).
 */
function picks(model: ClusterModel, p: PrometheusSelection, m: Monitor): boolean {
  const [selector, nsSelector] =
    m.kind === 'ServiceMonitor'
      ? [p.serviceMonitorSelector, p.serviceMonitorNamespaceSelector]
      : [p.podMonitorSelector, p.podMonitorNamespaceSelector];
  if (!selector || !matches(selector, m.labels)) return false;
  if (!nsSelector) return m.namespace === p.namespace;
  const ns = model.namespaces.find((n) => n.name === m.namespace);
  return (
    selectorAdmits(nsSelector, m.namespace, ns && { labels: ns.labels, inInput: !ns.implicit }) !== false
  );
}

/** The EndpointSlices of each Service (`namespace/name`) and the pods by key, made once per discovery. */
interface Index {
  readonly slices: ReadonlyMap<string, readonly EndpointSlice[]>;
  readonly pods: ReadonlyMap<string, Pod>;
}

function indexOf(model: ClusterModel): Index {
  const slices = new Map<string, EndpointSlice[]>();
  for (const s of model.endpointSlices) {
    const k = `${s.namespace}/${s.serviceName}`;
    let list = slices.get(k);
    if (!list) slices.set(k, (list = []));
    list.push(s);
  }
  return { slices, pods: new Map(model.pods.map((p) => [p.key, p])) };
}

const running = (p: Pod) => !!p.ip && p.phase !== 'Failed' && p.phase !== 'Succeeded';

/** The first container port of the pod with this number: the one Prometheus' endpoints role labels the target with. */
const containerPortNumbered = (pod: Pod, n: number): ContainerPort | undefined =>
  pod.ports.find((c) => c.containerPort === n);

/**
 * A ServiceMonitor endpoint's targets, as the operator's scrape job (role endpoints) keeps them: every endpoint
 * (ready or not) of each selected Service's EndpointSlices that is a pod, on the slice port named `port`; without
 * `port`, the ports (the slices', and the pod's declared container ports the slices do not cover, which the role
 * adds) whose container port is named (`targetPort` a name) or numbered (`targetPort` a number) so; with neither,
 * all of them. Pods that finished are dropped (filterRunning).
 * https://github.com/prometheus-operator/prometheus-operator/blob/main/pkg/prometheus/promcfg.go
 * (generateServiceMonitorConfig), https://prometheus.io/docs/prometheus/latest/configuration/configuration/#endpoints
 */
function serviceMonitorTargets(
  model: ClusterModel,
  index: Index,
  m: ServiceMonitor,
  ep: ServiceMonitorEndpoint,
  inNs: (ns: string) => boolean,
): { pod: Pod; port: number }[] {
  const out: { pod: Pod; port: number }[] = [];
  for (const s of model.services) {
    if (!inNs(s.namespace) || !matches(m.selector, s.labels)) continue;
    for (const slice of index.slices.get(`${s.namespace}/${s.name}`) ?? []) {
      for (const e of slice.endpoints) {
        const pod = e.targetRef ? index.pods.get(e.targetRef) : undefined;
        if (!pod || !running(pod)) continue;
        const slicePorts = slice.ports.filter((p) => p.port !== undefined);
        if (ep.port) {
          for (const p of slicePorts) if (p.name === ep.port) out.push({ pod, port: p.port! });
          continue;
        }
        const numbers = [
          ...new Set([...slicePorts.map((p) => p.port!), ...pod.ports.map((c) => c.containerPort)]),
        ];
        for (const n of numbers) {
          const c = containerPortNumbered(pod, n);
          const tp = ep.targetPort;
          if (tp === undefined || (typeof tp === 'string' ? c?.name === tp : c !== undefined && n === tp))
            out.push({ pod, port: n });
        }
      }
    }
  }
  return out;
}

/**
 * A PodMonitor endpoint's targets, as the operator's scrape job (role pod) keeps them: each declared container port
 * of the selected pods whose name is `port`, else whose number is `portNumber`, else whose name or number is
 * `targetPort`; with none, every declared port. Pods that finished are dropped (filterRunning).
 * https://github.com/prometheus-operator/prometheus-operator/blob/main/pkg/prometheus/promcfg.go
 * (generatePodMonitorConfig), https://prometheus.io/docs/prometheus/latest/configuration/configuration/#pod
 */
function podMonitorTargets(
  model: ClusterModel,
  m: PodMonitor,
  ep: PodMetricsEndpoint,
  inNs: (ns: string) => boolean,
): { pod: Pod; port: number }[] {
  const keep = (c: ContainerPort) =>
    ep.port
      ? c.name === ep.port
      : ep.portNumber !== undefined
        ? c.containerPort === ep.portNumber
        : ep.targetPort === undefined ||
          (typeof ep.targetPort === 'string' ? c.name === ep.targetPort : c.containerPort === ep.targetPort);
  return model.pods
    .filter((p) => inNs(p.namespace) && running(p) && matches(m.selector, p.labels))
    .flatMap((pod) => pod.ports.filter(keep).map((c) => ({ pod, port: c.containerPort })));
}
