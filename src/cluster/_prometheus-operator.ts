/**
 * The objects the Prometheus Operator creates for a `Prometheus` (monitoring.coreos.com/v1), built as raw objects so
 * that the rest of the builder treats them as it treats a user's StatefulSet and Service: pods with the operator's
 * labels and ports, their IPs, the EndpointSlices of the Services that select them, the NetworkPolicies that select
 * them. Without them a kube-prometheus install has no Prometheus pod: its Service had no endpoints and every
 * policy peer `app.kubernetes.io/name: prometheus` matched nothing, so "can Prometheus scrape X" had no answer.
 *
 * What the operator makes (pkg/prometheus/server/statefulset.go, makeStatefulSet and makeStatefulSetSpec;
 * pkg/prometheus/common.go BuildPodMetadata; pkg/operator/config_reloader.go CreateConfigReloader;
 * pkg/prometheus/server/operator.go makeStatefulSetService, in github.com/prometheus-operator/prometheus-operator):
 * - a StatefulSet `prometheus-<name>` with `spec.replicas` pods (1 when unset, 0 when negative), serviceName
 *   `prometheus-operated`;
 * - pod labels: `app.kubernetes.io/version` (spec.version), then `spec.podMetadata.labels`, then the selector
 *   labels, which win: `app.kubernetes.io/name: prometheus`, `app.kubernetes.io/managed-by: prometheus-operator`,
 *   `app.kubernetes.io/instance: <name>`, `prometheus: <name>`, `operator.prometheus.io/name: <name>`,
 *   `operator.prometheus.io/shard: "0"`;
 * - containers `prometheus` (port `spec.portName`, default `web`, 9090/TCP) and `config-reloader` (port
 *   `reloader-web` 8080/TCP), neither port when `spec.listenLocal` (both then listen on localhost only), and
 *   `thanos-sidecar` (ports `http` 10902 and `grpc` 10901) when `spec.thanos` is set;
 * - `spec.nodeSelector`, `spec.hostNetwork` and `spec.serviceAccountName` copied to the pod spec;
 * - the governing Service `prometheus-operated` of its namespace: headless, port `<portName>` 9090 to the named
 *   port (and `grpc` 10901 with Thanos), selecting `app.kubernetes.io/name: prometheus`.
 * API reference: https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.Prometheus
 *
 * Nothing is made when the input already holds the StatefulSet (a `kubectl get -A` dump holds what the operator
 * made): observed objects win. Pure.
 */
import { objectKey } from '../model/keys.ts';
import { rawFromData, type RawObject } from '../parse/index.ts';
import type { Envelope } from './_envelope.ts';

/** The kind this file expands, as the catalogue lists it. */
export const prometheusKind = { group: 'monitoring.coreos.com', kind: 'Prometheus' } as const;

const governingService = 'prometheus-operated';

const port = (name: string, containerPort: number) => ({ name, containerPort, protocol: 'TCP' });

/** The StatefulSet of one Prometheus, or undefined when its spec is refused (a field of the wrong type). */
function statefulSetOf(e: Envelope): { sts: RawObject; portName: string; thanos: boolean } | undefined {
  const spec = ['spec'];
  const replicas = e.f.int([...spec, 'replicas']);
  const portName = e.f.str([...spec, 'portName']) || 'web';
  const listenLocal = e.f.bool([...spec, 'listenLocal']) === true;
  const thanos = e.f.map([...spec, 'thanos']) !== undefined;
  const version = e.f.str([...spec, 'version']);
  const podLabels = e.f.stringMap([...spec, 'podMetadata', 'labels']);
  const nodeSelector = e.f.stringMap([...spec, 'nodeSelector']);
  const hostNetwork = e.f.bool([...spec, 'hostNetwork']) === true;
  const serviceAccountName = e.f.str([...spec, 'serviceAccountName']);
  if (e.f.invalid) return undefined;
  const selector = {
    'app.kubernetes.io/name': 'prometheus',
    'app.kubernetes.io/managed-by': 'prometheus-operator',
    'app.kubernetes.io/instance': e.name,
    prometheus: e.name,
    'operator.prometheus.io/shard': '0',
    'operator.prometheus.io/name': e.name,
  };
  const labels = {
    ...(version ? { 'app.kubernetes.io/version': version.replace(/^v/, '') } : {}),
    ...podLabels,
    ...selector,
  };
  const containers = [
    { name: 'prometheus', ports: listenLocal ? [] : [port(portName, 9090)] },
    { name: 'config-reloader', ports: listenLocal ? [] : [port('reloader-web', 8080)] },
    ...(thanos ? [{ name: 'thanos-sidecar', ports: [port('http', 10902), port('grpc', 10901)] }] : []),
  ];
  const body = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: `prometheus-${e.name}`, namespace: e.namespace, labels: { ...e.labels } },
    spec: {
      serviceName: governingService,
      replicas: replicas === undefined ? 1 : Math.max(0, replicas),
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          containers,
          ...(Object.keys(nodeSelector).length ? { nodeSelector: { ...nodeSelector } } : {}),
          ...(hostNetwork ? { hostNetwork, dnsPolicy: 'ClusterFirstWithHostNet' } : {}),
          ...(serviceAccountName ? { serviceAccountName } : {}),
        },
      },
    },
  };
  return { sts: rawFromData(body, e.raw.source), portName, thanos };
}

function governingServiceOf(e: Envelope, portName: string, thanos: boolean): RawObject {
  const body = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: governingService, namespace: e.namespace, labels: { 'operated-prometheus': 'true' } },
    spec: {
      clusterIP: 'None',
      ports: [
        { name: portName, port: 9090, targetPort: portName },
        ...(thanos ? [{ name: 'grpc', port: 10901, targetPort: 'grpc' }] : []),
      ],
      selector: { 'app.kubernetes.io/name': 'prometheus' },
    },
  };
  return rawFromData(body, e.raw.source);
}

/**
 * The StatefulSets and governing Services the operator would create for the `Prometheus` objects among `envs`,
 * leaving out those whose key `taken` holds (the input's own). One governing Service per namespace, from the
 * first Prometheus by name (the operator keeps one and rewrites it for each).
 */
export function prometheusOperatorObjects(
  envs: readonly Envelope[],
  taken: ReadonlySet<string>,
): RawObject[] {
  const out: RawObject[] = [];
  const served = new Set<string>();
  const prometheuses = envs
    .filter((e) => e.kind === prometheusKind.kind && e.group === prometheusKind.group && e.listed)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const e of prometheuses) {
    if (taken.has(objectKey('StatefulSet', e.namespace, `prometheus-${e.name}`))) continue;
    const made = statefulSetOf(e);
    if (!made) continue;
    out.push(made.sts);
    const ns = e.namespace ?? '';
    if (served.has(ns) || taken.has(objectKey('Service', e.namespace, governingService))) continue;
    served.add(ns);
    out.push(governingServiceOf(e, made.portName, made.thanos));
  }
  return out;
}
