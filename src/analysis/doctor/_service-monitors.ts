import type { Service } from '../../model/types.ts';
import { matches, type Selector } from '../../lib/labels.ts';
import type { DoctorRule, Finding } from './types.ts';
import { isRecord } from '../../lib/record.ts';

interface MonitorSpec {
  readonly selector?: {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
  };
  readonly namespaceSelector?: { any?: boolean; matchNames?: string[] };
  readonly endpoints?: { port?: string; targetPort?: number | string }[];
}

const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const stringsOf = (v: unknown): string[] => listOf(v).filter((x): x is string => typeof x === 'string');

/**
 * The fields this rule reads, each kept only when it has the type the CRD declares: a ServiceMonitor is not
 * checked by the builder, and a value of another type (`endpoints: {}`) means no endpoint, never a crash.
 */
function monitorSpec(raw: unknown): MonitorSpec {
  const spec = isRecord(raw) ? raw : {};
  const selector = isRecord(spec.selector) ? spec.selector : {};
  const labels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  const ns = isRecord(spec.namespaceSelector) ? spec.namespaceSelector : undefined;
  return {
    selector: {
      matchLabels: Object.fromEntries(
        Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string'),
      ),
      matchExpressions: listOf(selector.matchExpressions)
        .filter(isRecord)
        .filter((e) => typeof e.key === 'string' && typeof e.operator === 'string')
        .map((e) => ({ key: e.key as string, operator: e.operator as string, values: stringsOf(e.values) })),
    },
    namespaceSelector: ns && {
      any: ns.any === true,
      matchNames: Array.isArray(ns.matchNames) ? stringsOf(ns.matchNames) : undefined,
    },
    endpoints: listOf(spec.endpoints).map((e) => ({
      port: isRecord(e) && typeof e.port === 'string' ? e.port : undefined,
    })),
  };
}

function selectorOf(spec: MonitorSpec): Selector {
  const req = Object.entries(spec.selector?.matchLabels ?? {}).map(([key, v]) => ({
    key,
    operator: 'In' as const,
    values: [v],
  }));
  for (const e of spec.selector?.matchExpressions ?? [])
    if (['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e.operator))
      req.push({ key: e.key, operator: e.operator as 'In', values: [...(e.values ?? [])].sort() });
  return { requirements: req };
}

/**
 * A Prometheus Operator ServiceMonitor scrapes the Services its selector picks (in its own namespace unless
 * `namespaceSelector` says otherwise), on the Service port named in `endpoints[].port`. A name no selected Service
 * has — or a selector that picks no Service — means no target is ever scraped.
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitor
 */
export const serviceMonitorMisses: DoctorRule = {
  code: 'scrape-port-not-exposed',
  fixture: 'scrape-port-not-exposed-servicemonitor',
  severity: 'warning',
  summary:
    'a ServiceMonitor whose endpoints name a Service port that no selected Service exposes, or that selects no Service',
  check: ({ model }) => {
    const out: Finding[] = [];
    for (const o of model.others) {
      if (o.kind !== 'ServiceMonitor') continue;
      const spec = monitorSpec(o.body.spec);
      const sel = selectorOf(spec);
      const inNs = (s: Service) =>
        spec.namespaceSelector?.any
          ? true
          : (spec.namespaceSelector?.matchNames ?? [o.namespace ?? 'default']).includes(s.namespace);
      const services = model.services.filter((s) => inNs(s) && matches(sel, s.labels));
      const at = [{ key: o.key, source: o.source }];
      if (!services.length) {
        out.push({
          code: 'scrape-port-not-exposed',
          severity: 'warning',
          message: `ServiceMonitor ${o.namespace}/${o.name} selects no Service (selector on Service labels, in ${spec.namespaceSelector?.any ? 'any namespace' : (spec.namespaceSelector?.matchNames ?? [o.namespace]).join(', ')})`,
          objects: at,
          breaks: 'Prometheus scrapes nothing for this monitor',
          fix: 'Match spec.selector to the labels of the Service (not the pods), and namespaceSelector to its namespace.',
        });
        continue;
      }
      for (const [i, ep] of (spec.endpoints ?? []).entries()) {
        if (!ep.port) continue;
        const missing = services.filter((s) => !s.ports.some((p) => p.name === ep.port));
        if (missing.length === services.length)
          out.push({
            code: 'scrape-port-not-exposed',
            severity: 'warning',
            message: `ServiceMonitor ${o.namespace}/${o.name} endpoints[${i}] scrapes port "${ep.port}", which ${missing
              .map((s) => `${s.namespace}/${s.name}`)
              .slice(0, 3)
              .join(
                ', ',
              )} ${missing.length === 1 ? 'does' : 'do'} not expose (ports: ${[...new Set(missing.flatMap((s) => s.ports.map((p) => p.name ?? String(p.port))))].join(', ')})`,
            objects: at,
            breaks: 'Prometheus finds no target for this endpoint',
            fix: 'Name the Service port (e.g. metrics) and use that name in endpoints[].port, or add the port to the Service.',
          });
      }
    }
    return out;
  },
};
