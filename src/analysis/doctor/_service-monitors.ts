import { matches } from '../../lib/labels.ts';
import { monitorNamespaces, type PodMonitor, type ServiceMonitor } from '../../model/monitoring.ts';
import type { ClusterModel } from '../../model/types.ts';
import type { DoctorRule, Finding } from './types.ts';

const where = (ns: 'any' | readonly string[]) => (ns === 'any' ? 'any namespace' : ns.join(', '));

/**
 * A ServiceMonitor scrapes the Services its selector picks (on Service labels, in its own namespace unless
 * `namespaceSelector` says otherwise), on the Service port *named* in `endpoints[].port`; a PodMonitor the pods its
 * selector picks, on the container port named in `podMetricsEndpoints[].port`. A name nothing selected has — or a
 * selector that picks nothing — means no target is ever discovered. Read from the typed model
 * (`src/cluster/_monitors.ts`).
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitor,
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PodMetricsEndpoint
 */
export const serviceMonitorMisses: DoctorRule = {
  code: 'scrape-port-not-exposed',
  fixture: 'scrape-port-not-exposed-servicemonitor',
  severity: 'warning',
  summary:
    'a ServiceMonitor (PodMonitor) whose endpoints name a Service (container) port that nothing it selects exposes, or that selects nothing',
  check: ({ model }) => [
    ...(model.monitoring?.serviceMonitors ?? []).flatMap((m) => serviceMonitorFindings(model, m)),
    ...(model.monitoring?.podMonitors ?? []).flatMap((m) => podMonitorFindings(model, m)),
  ],
};

function serviceMonitorFindings(model: ClusterModel, m: ServiceMonitor): Finding[] {
  const ns = monitorNamespaces(m);
  const services = model.services.filter(
    (s) => (ns === 'any' || ns.includes(s.namespace)) && matches(m.selector, s.labels),
  );
  const at = [{ key: m.key, source: m.source }];
  if (!services.length)
    return [
      {
        code: 'scrape-port-not-exposed',
        severity: 'warning',
        message: `ServiceMonitor ${m.namespace}/${m.name} selects no Service (selector on Service labels, in ${where(ns)})`,
        objects: at,
        breaks: 'Prometheus scrapes nothing for this monitor',
        fix: 'Match spec.selector to the labels of the Service (not the pods), and namespaceSelector to its namespace.',
      },
    ];
  return m.endpoints.flatMap((ep, i): Finding[] => {
    if (!ep.port || services.some((s) => s.ports.some((p) => p.name === ep.port))) return [];
    const ports = [...new Set(services.flatMap((s) => s.ports.map((p) => p.name ?? String(p.port))))];
    return [
      {
        code: 'scrape-port-not-exposed',
        severity: 'warning',
        message: `ServiceMonitor ${m.namespace}/${m.name} endpoints[${i}] scrapes port "${ep.port}", which ${services
          .map((s) => `${s.namespace}/${s.name}`)
          .slice(0, 3)
          .join(', ')} ${services.length === 1 ? 'does' : 'do'} not expose (ports: ${ports.join(', ')})`,
        objects: at,
        breaks: 'Prometheus finds no target for this endpoint',
        fix: 'Name the Service port (e.g. metrics) and use that name in endpoints[].port, or add the port to the Service.',
      },
    ];
  });
}

function podMonitorFindings(model: ClusterModel, m: PodMonitor): Finding[] {
  const ns = monitorNamespaces(m);
  const pods = model.pods.filter(
    (p) => (ns === 'any' || ns.includes(p.namespace)) && matches(m.selector, p.labels),
  );
  const at = [{ key: m.key, source: m.source }];
  if (!pods.length)
    return [
      {
        code: 'scrape-port-not-exposed',
        severity: 'warning',
        message: `PodMonitor ${m.namespace}/${m.name} selects no pod (selector on pod labels, in ${where(ns)})`,
        objects: at,
        breaks: 'Prometheus scrapes nothing for this monitor',
        fix: 'Match spec.selector to the labels of the pods, and namespaceSelector to their namespace.',
      },
    ];
  return m.endpoints.flatMap((ep, i): Finding[] => {
    if (!ep.port || pods.some((p) => p.ports.some((c) => c.name === ep.port))) return [];
    const ports = [...new Set(pods.flatMap((p) => p.ports.map((c) => c.name ?? String(c.containerPort))))];
    return [
      {
        code: 'scrape-port-not-exposed',
        severity: 'warning',
        message: `PodMonitor ${m.namespace}/${m.name} podMetricsEndpoints[${i}] scrapes port "${ep.port}", which no container of the selected pods names (ports: ${ports.join(', ') || 'none'})`,
        objects: at,
        breaks: 'Prometheus finds no target for this endpoint',
        fix: 'Name the container port and use that name in podMetricsEndpoints[].port.',
      },
    ];
  });
}
