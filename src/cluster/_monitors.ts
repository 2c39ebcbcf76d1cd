import { byNamespaceName } from '../model/keys.ts';
import type {
  MonitoringModel,
  PodMetricsEndpoint,
  PodMonitor,
  PrometheusSelection,
  ServiceMonitor,
  ServiceMonitorEndpoint,
} from '../model/monitoring.ts';
import type { Selector } from '../lib/labels.ts';
import { formatPath } from '../parse/index.ts';
import type { Envelope } from './_envelope.ts';
import { namespacedMetaOf } from './_envelope.ts';
import type { FieldCursor } from './_field-cursor.ts';
import { readSelector } from './_selectors.ts';

const group = 'monitoring.coreos.com';

/**
 * The CRD's Duration pattern (`interval`): a sum of units, largest first, or 0.
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.Duration
 */
const duration =
  /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;

/**
 * ServiceMonitors, PodMonitors and the monitor selectors of each `Prometheus` (monitoring.coreos.com/v1), read with
 * the field types of the Prometheus Operator's API reference: a value of another type is `invalid-field-type` at its
 * line; what the CRD's schema refuses (no `spec.selector`, a `scheme` other than http or https, an `interval` that
 * is no Duration, a port number outside 1–65535) and a malformed label selector are errors too, and the object is
 * left out, as the API server (or the operator) refuses it.
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitor,
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PodMonitor,
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusSpec
 */
export function buildMonitoring(envs: readonly Envelope[]): MonitoringModel | undefined {
  const serviceMonitors: ServiceMonitor[] = [];
  const podMonitors: PodMonitor[] = [];
  const prometheuses: PrometheusSelection[] = [];
  for (const env of envs) {
    if (env.group !== group || !env.listed) continue;
    if (env.kind === 'ServiceMonitor') {
      const m = readMonitor(env, 'ServiceMonitor');
      if (!env.f.invalid) serviceMonitors.push(m as ServiceMonitor);
    } else if (env.kind === 'PodMonitor') {
      const m = readMonitor(env, 'PodMonitor');
      if (!env.f.invalid) podMonitors.push(m as PodMonitor);
    } else if (env.kind === 'Prometheus') {
      const p = readPrometheus(env);
      if (!env.f.invalid) prometheuses.push(p);
    }
  }
  if (!serviceMonitors.length && !podMonitors.length && !prometheuses.length) return undefined;
  return {
    serviceMonitors: serviceMonitors.sort(byNamespaceName),
    podMonitors: podMonitors.sort(byNamespaceName),
    prometheuses: prometheuses.sort(byNamespaceName),
  };
}

function readMonitor(env: Envelope, kind: 'ServiceMonitor' | 'PodMonitor'): ServiceMonitor | PodMonitor {
  const f = env.f;
  if (absent(f.get(['spec', 'selector'])) && f.map(['spec']) !== undefined)
    f.report(
      'missing-field',
      'error',
      ['spec', 'selector'],
      `spec.selector is required (a label selector on ${kind === 'ServiceMonitor' ? 'Service' : 'pod'} labels; {} selects all)`,
      `Add spec.selector; the API server refuses this ${kind} (its CRD requires the field).`,
    );
  const selector = readSelector(f, ['spec', 'selector']) ?? { requirements: [] };
  const ns = f.cursor(['spec', 'namespaceSelector']);
  f.map(['spec', 'namespaceSelector']);
  const names = ns.at('matchNames');
  const matchNames = ns.list('matchNames').flatMap((_, i) => names.str(i) ?? []);
  const jobLabel = f.str(['spec', 'jobLabel']);
  const field = kind === 'ServiceMonitor' ? 'endpoints' : 'podMetricsEndpoints';
  const list = f.cursor(['spec', field]);
  const endpoints = f
    .list(['spec', field])
    .flatMap((_, i) =>
      list.map(i)
        ? [kind === 'ServiceMonitor' ? serviceEndpoint(env, list.at(i)) : podEndpoint(env, list.at(i))]
        : [],
    );
  return {
    ...namespacedMetaOf(env),
    kind,
    selector,
    namespaceSelector: { any: ns.bool('any') === true, matchNames },
    ...(jobLabel ? { jobLabel } : {}),
    endpoints,
  } as ServiceMonitor | PodMonitor;
}

function serviceEndpoint(env: Envelope, e: FieldCursor): ServiceMonitorEndpoint {
  const port = e.str('port');
  const targetPort = e.intOrString('targetPort');
  return {
    ...(port ? { port } : {}),
    ...(targetPort !== undefined ? { targetPort } : {}),
    ...request(env, e),
  };
}

function podEndpoint(env: Envelope, e: FieldCursor): PodMetricsEndpoint {
  const port = e.str('port');
  const portNumber = e.int('portNumber');
  const targetPort = e.intOrString('targetPort');
  return {
    ...(port ? { port } : {}),
    ...(portNumber !== undefined ? { portNumber } : {}),
    ...(targetPort !== undefined ? { targetPort } : {}),
    ...request(env, e),
  };
}

/** The request fields every endpoint shares, checked as the CRD's schema checks them. */
function request(
  env: Envelope,
  e: FieldCursor,
): Pick<ServiceMonitorEndpoint, 'scheme' | 'path' | 'interval' | 'relabelings' | 'proxyUrl'> {
  const scheme = e.str('scheme');
  if (scheme !== undefined && scheme !== '' && scheme !== 'http' && scheme !== 'https')
    env.f.report(
      'invalid-field',
      'error',
      e.pathOf('scheme'),
      `${formatPath(e.pathOf('scheme'))} "${scheme}" must be http or https`,
      'Use http or https; the API server refuses another value (the CRD enum).',
    );
  const interval = e.str('interval');
  if (interval !== undefined && !duration.test(interval))
    env.f.report(
      'invalid-field',
      'error',
      e.pathOf('interval'),
      `${formatPath(e.pathOf('interval'))} "${interval}" is not a Duration (e.g. 30s, 1m30s)`,
      'Write the interval as a Prometheus duration; the API server refuses another value (the CRD pattern).',
    );
  const path = e.str('path');
  const rules = e.at('relabelings');
  const relabelings = e
    .list('relabelings')
    .filter((_, i) => rules.map(i) !== undefined && mayRetarget(rules.at(i))).length;
  const proxyUrl = e.str('proxyUrl');
  return {
    ...(scheme === 'http' || scheme === 'https' ? { scheme: scheme as 'http' | 'https' } : {}),
    ...(path ? { path } : {}),
    ...(interval ? { interval } : {}),
    relabelings,
    ...(proxyUrl ? { proxyUrl } : {}),
  };
}

/**
 * Whether a relabeling may change which targets are scraped or where: a keep, drop, keepequal, dropequal or hashmod
 * rule, a labelmap (it may write any label), or one that writes a `__` label (`__address__`, `__scheme__`,
 * `__metrics_path__`). Other rules (the default `replace` of an ordinary label) only rename what is kept.
 * https://prometheus.io/docs/prometheus/latest/configuration/configuration/#relabel_config
 */
function mayRetarget(r: FieldCursor): boolean {
  const action = (r.str('action') ?? 'replace').toLowerCase();
  const target = r.str('targetLabel') ?? '';
  return action !== 'replace' &&
    action !== 'labeldrop' &&
    action !== 'labelkeep' &&
    action !== 'lowercase' &&
    action !== 'uppercase'
    ? true
    : target.startsWith('__');
}

function readPrometheus(env: Envelope): PrometheusSelection {
  const f = env.f;
  const selector = (field: string): Selector | undefined => readSelector(f, ['spec', field]);
  const serviceMonitorSelector = selector('serviceMonitorSelector');
  const serviceMonitorNamespaceSelector = selector('serviceMonitorNamespaceSelector');
  const podMonitorSelector = selector('podMonitorSelector');
  const podMonitorNamespaceSelector = selector('podMonitorNamespaceSelector');
  const written = (field: string) => !absent(f.get(['spec', field]));
  const unmanaged = ![
    'serviceMonitorSelector',
    'podMonitorSelector',
    'probeSelector',
    'scrapeConfigSelector',
  ].some(written);
  const extraName = f.str(['spec', 'additionalScrapeConfigs', 'name']);
  const extraKey = f.str(['spec', 'additionalScrapeConfigs', 'key']);
  return {
    ...namespacedMetaOf(env),
    ...(serviceMonitorSelector ? { serviceMonitorSelector } : {}),
    ...(serviceMonitorNamespaceSelector ? { serviceMonitorNamespaceSelector } : {}),
    ...(podMonitorSelector ? { podMonitorSelector } : {}),
    ...(podMonitorNamespaceSelector ? { podMonitorNamespaceSelector } : {}),
    ignoreNamespaceSelectors: f.bool(['spec', 'ignoreNamespaceSelectors']) === true,
    unmanaged,
    ...(extraName !== undefined || extraKey !== undefined
      ? { additionalScrapeConfigs: { name: extraName ?? '', key: extraKey ?? '' } }
      : {}),
  };
}

/** Unset or null (a value of another type is not). */
const absent = (v: unknown): boolean => v === undefined || v === null;
