import type { DoctorRule, Finding } from './types.ts';
import { podsSelectedBy } from './_select.ts';

/**
 * Prometheus scrape targets declared with the conventional `prometheus.io/scrape` and `prometheus.io/port`
 * annotations must point at a port that is there: on a Service, one of its ports; on pods, a declared container
 * port. (ServiceMonitors are checked when the Prometheus Operator kinds are modeled.)
 * https://github.com/prometheus/prometheus/blob/main/documentation/examples/prometheus-kubernetes.yml
 */
export const scrapePortNotExposed: DoctorRule = {
  code: 'scrape-port-not-exposed',
  severity: 'warning',
  summary: 'a prometheus.io/port annotation naming a port the Service (or pod) does not expose',
  check: ({ model }) => {
    const out: Finding[] = [];
    for (const s of model.services) {
      if (s.annotations['prometheus.io/scrape'] !== 'true') continue;
      const port = Number(s.annotations['prometheus.io/port']);
      if (!port || s.ports.some((p) => p.port === port)) continue;
      const pods = podsSelectedBy(model, s);
      out.push({
        code: 'scrape-port-not-exposed',
        severity: 'warning',
        message: `Service ${s.namespace}/${s.name} asks to be scraped on port ${port}, which the Service does not expose (ports: ${s.ports.map((p) => p.port).join(', ') || 'none'})`,
        objects: [
          {
            key: s.key,
            source: s.source
              ? { ...s.source, path: 'metadata.annotations["prometheus.io/port"]' }
              : undefined,
          },
        ],
        breaks: `Prometheus' service discovery scrapes ${s.clusterIPs[0] ?? s.name}:${port}, which kube-proxy does not route`,
        fix: pods.some((p) => p.ports.some((cp) => cp.containerPort === port))
          ? `Add port ${port} to the Service, or scrape the pods directly (pod role).`
          : `Fix prometheus.io/port.`,
        patch: `- name: metrics\n  port: ${port}\n  targetPort: ${port}`,
      });
    }
    const seen = new Set<string>();
    for (const p of model.pods) {
      if (p.annotations['prometheus.io/scrape'] !== 'true') continue;
      const port = Number(p.annotations['prometheus.io/port']);
      const group = p.owner ?? p.key;
      if (!port || seen.has(group) || p.ports.length === 0 || p.ports.some((cp) => cp.containerPort === port))
        continue;
      seen.add(group);
      out.push({
        code: 'scrape-port-not-exposed',
        severity: 'warning',
        message: `pods of ${group} ask to be scraped on port ${port}, which no container declares (${p.ports.map((cp) => cp.containerPort).join(', ')})`,
        objects: [{ key: group, source: p.source }],
        breaks: 'the scrape fails unless the process listens there anyway',
        fix: 'Fix prometheus.io/port or declare the container port.',
      });
    }
    return out;
  },
};
