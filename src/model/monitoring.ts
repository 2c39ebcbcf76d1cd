/**
 * Prometheus Operator scrape configuration as kubetwin reads it (`src/cluster/_monitors.ts`): ServiceMonitors,
 * PodMonitors and, per `Prometheus`, which monitors it selects. Only the fields that decide which pods and ports
 * Prometheus scrapes are kept, with the operator's defaults; the rest of a monitor (TLS, auth, limits) is not read.
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitor,
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PodMonitor
 */
import type { Selector } from '../lib/labels.ts';
import type { ObjectMeta } from './types.ts';

/**
 * `spec.namespaceSelector`: `any: true` is every namespace; else `matchNames`, and when that is empty the monitor's
 * own namespace (the operator's getNamespacesFromNamespaceSelector).
 */
export interface MonitorNamespaceSelector {
  readonly any: boolean;
  readonly matchNames: readonly string[];
}

/** What every scrape endpoint says about the request, read and named in evidence (`path`, `scheme`, `interval`). */
interface ScrapeRequest {
  /** `http` (the default) or `https`: the CRD's enum. */
  readonly scheme?: 'http' | 'https';
  readonly path?: string;
  readonly interval?: string;
  /**
   * How many relabelings may keep, drop or re-address targets (keep, drop, hashmod, labelmap, or a write to a `__`
   * label); they are not applied, so the targets inferred may differ.
   */
  readonly relabelings: number;
  /** A `proxyUrl`: Prometheus connects to the proxy, not to the target. */
  readonly proxyUrl?: string;
}

/** `spec.endpoints[]` of a ServiceMonitor. */
export interface ServiceMonitorEndpoint extends ScrapeRequest {
  /** The Service port's *name* (`spec.ports[].name`); takes precedence over `targetPort`. */
  readonly port?: string;
  /** Deprecated: the name or number of the pod's container port behind the Service. */
  readonly targetPort?: number | string;
}

/** `spec.podMetricsEndpoints[]` of a PodMonitor. */
export interface PodMetricsEndpoint extends ScrapeRequest {
  /** The container port's *name*; takes precedence over `portNumber` and `targetPort`. */
  readonly port?: string;
  /** The container port's number (newer operators). */
  readonly portNumber?: number;
  /** Deprecated: the container port's name or number. */
  readonly targetPort?: number | string;
}

interface Monitor extends ObjectMeta {
  readonly namespace: string;
  /** `spec.selector` on Service labels (ServiceMonitor) or pod labels (PodMonitor); `{}` selects all. */
  readonly selector: Selector;
  readonly namespaceSelector: MonitorNamespaceSelector;
  readonly jobLabel?: string;
}

export interface ServiceMonitor extends Monitor {
  readonly kind: 'ServiceMonitor';
  readonly endpoints: readonly ServiceMonitorEndpoint[];
}

export interface PodMonitor extends Monitor {
  readonly kind: 'PodMonitor';
  readonly endpoints: readonly PodMetricsEndpoint[];
}

/**
 * A `Prometheus`'s choice of monitors. A selector left undefined is null, which selects no monitor; a namespace
 * selector left undefined is null, which is the Prometheus's own namespace; `{}` is everything.
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusSpec
 */
export interface PrometheusSelection extends ObjectMeta {
  readonly namespace: string;
  readonly serviceMonitorSelector?: Selector;
  readonly serviceMonitorNamespaceSelector?: Selector;
  readonly podMonitorSelector?: Selector;
  readonly podMonitorNamespaceSelector?: Selector;
  /** `spec.ignoreNamespaceSelectors`: every monitor discovers targets in its own namespace only. */
  readonly ignoreNamespaceSelectors: boolean;
  /**
   * No `serviceMonitorSelector`, `podMonitorSelector`, `probeSelector` nor `scrapeConfigSelector`: the operator
   * leaves the configuration to the user (unmanaged), so what it scrapes is not known.
   */
  readonly unmanaged: boolean;
  /**
   * `spec.additionalScrapeConfigs`: the Secret key whose scrape configuration the operator appends to the one it
   * generates. kubetwin does not read the Secret, so what those jobs scrape is not known.
   */
  readonly additionalScrapeConfigs?: { readonly name: string; readonly key: string };
}

export interface MonitoringModel {
  readonly serviceMonitors: readonly ServiceMonitor[];
  readonly podMonitors: readonly PodMonitor[];
  readonly prometheuses: readonly PrometheusSelection[];
}

/** The namespaces a monitor discovers targets in: `any`, or a list (its own when none is named). */
export function monitorNamespaces(
  m: ServiceMonitor | PodMonitor,
  by?: PrometheusSelection,
): 'any' | readonly string[] {
  if (by?.ignoreNamespaceSelectors) return [m.namespace];
  if (m.namespaceSelector.any) return 'any';
  return m.namespaceSelector.matchNames.length ? m.namespaceSelector.matchNames : [m.namespace];
}
