/**
 * The objects the Prometheus Operator creates for a `Prometheus` or an `Alertmanager` (monitoring.coreos.com/v1),
 * built as raw objects so that the rest of the builder treats them as it treats a user's StatefulSet and Service:
 * pods with the operator's labels and ports, their IPs, the EndpointSlices of the Services that select them, the
 * NetworkPolicies that select them. Without them a kube-prometheus install has no Prometheus or Alertmanager pod:
 * their Services had no endpoints and every policy peer `app.kubernetes.io/name: prometheus` matched nothing.
 *
 * What the operator makes (github.com/prometheus-operator/prometheus-operator: pkg/prometheus/server/statefulset.go
 * makeStatefulSet and makeStatefulSetSpec, pkg/prometheus/common.go BuildPodMetadata,
 * pkg/prometheus/server/operator.go makeStatefulSetService; pkg/alertmanager/statefulset.go and operator.go
 * makeSelectorLabels; pkg/operator/config_reloader.go CreateConfigReloader):
 * - a StatefulSet `prometheus-<name>` / `alertmanager-<name>` with `spec.replicas` pods (1 when unset, 0 when
 *   negative) and serviceName `prometheus-operated` / `alertmanager-operated`;
 * - pod labels: `app.kubernetes.io/version` (spec.version), then `spec.podMetadata.labels`, then the selector
 *   labels, which win: `app.kubernetes.io/name` (prometheus / alertmanager), `app.kubernetes.io/managed-by:
 *   prometheus-operator`, `app.kubernetes.io/instance: <name>`, `prometheus: <name>` / `alertmanager: <name>`, and
 *   for Prometheus `operator.prometheus.io/name: <name>` and `operator.prometheus.io/shard: "0"`;
 * - ports: Prometheus `spec.portName` (default `web`) 9090/TCP, Alertmanager `spec.portName` 9093/TCP plus
 *   `mesh-tcp` 9094/TCP and `mesh-udp` 9094/UDP (its cluster gossip), and the config reloader's `reloader-web`
 *   8080/TCP; with `spec.listenLocal` the web and reloader ports are not declared (both listen on localhost); a
 *   Prometheus with `spec.thanos` runs `thanos-sidecar` with `http` 10902 and `grpc` 10901;
 * - `spec.nodeSelector`, `spec.hostNetwork` and `spec.serviceAccountName` copied to the pod spec;
 * - the governing Service of the namespace: headless, selecting `app.kubernetes.io/name: <prometheus|alertmanager>`,
 *   ports `<portName>` 9090 (and `grpc` 10901 with Thanos) / `<portName>` 9093, `tcp-mesh` 9094/TCP and
 *   `udp-mesh` 9094/UDP.
 * API reference: https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.Prometheus and
 * #monitoring.coreos.com/v1.Alertmanager.
 *
 * Nothing is made when the input already holds the StatefulSet (a `kubectl get -A` dump holds what the operator
 * made): observed objects win. Pure.
 */
import { objectKey } from '../model/keys.ts';
import { rawFromData, type RawObject } from '../parse/index.ts';
import type { Envelope } from './_envelope.ts';

const group = 'monitoring.coreos.com';

const port = (name: string, containerPort: number, protocol = 'TCP') => ({ name, containerPort, protocol });

interface Spec {
  readonly portName: string;
  readonly listenLocal: boolean;
  readonly thanos: boolean;
}

/** One kind the operator expands: names, selector labels, containers and the governing Service's ports. */
interface Operated {
  readonly kind: 'Prometheus' | 'Alertmanager';
  readonly app: string;
  readonly governing: string;
  readonly extraSelector: (name: string) => Record<string, string>;
  readonly mainPorts: (s: Spec) => ReturnType<typeof port>[];
  readonly sidecars: (s: Spec) => { name: string; ports: ReturnType<typeof port>[] }[];
  readonly servicePorts: (
    s: Spec,
  ) => { name: string; port: number; targetPort: string | number; protocol: string }[];
}

const reloader = (s: Spec) => ({
  name: 'config-reloader',
  ports: s.listenLocal ? [] : [port('reloader-web', 8080)],
});

const operated: readonly Operated[] = [
  {
    kind: 'Prometheus',
    app: 'prometheus',
    governing: 'prometheus-operated',
    extraSelector: (name) => ({ 'operator.prometheus.io/shard': '0', 'operator.prometheus.io/name': name }),
    mainPorts: (s) => (s.listenLocal ? [] : [port(s.portName, 9090)]),
    sidecars: (s) => [
      reloader(s),
      ...(s.thanos ? [{ name: 'thanos-sidecar', ports: [port('http', 10902), port('grpc', 10901)] }] : []),
    ],
    servicePorts: (s) => [
      { name: s.portName, port: 9090, targetPort: s.portName, protocol: 'TCP' },
      ...(s.thanos ? [{ name: 'grpc', port: 10901, targetPort: 'grpc', protocol: 'TCP' }] : []),
    ],
  },
  {
    kind: 'Alertmanager',
    app: 'alertmanager',
    governing: 'alertmanager-operated',
    extraSelector: () => ({}),
    mainPorts: (s) => [
      ...(s.listenLocal ? [] : [port(s.portName, 9093)]),
      port('mesh-tcp', 9094),
      port('mesh-udp', 9094, 'UDP'),
    ],
    sidecars: (s) => [reloader(s)],
    servicePorts: (s) => [
      { name: s.portName, port: 9093, targetPort: s.portName, protocol: 'TCP' },
      { name: 'tcp-mesh', port: 9094, targetPort: 9094, protocol: 'TCP' },
      { name: 'udp-mesh', port: 9094, targetPort: 9094, protocol: 'UDP' },
    ],
  },
];

/** The kinds this file expands, as the catalogue lists them. */
export const operatedKinds = operated.map((o) => ({ group, kind: o.kind }));

/** The StatefulSet of one object, or undefined when its spec is refused (a field of the wrong type). */
function statefulSetOf(o: Operated, e: Envelope): { sts: RawObject; spec: Spec } | undefined {
  const replicas = e.f.int(['spec', 'replicas']);
  const spec: Spec = {
    portName: e.f.str(['spec', 'portName']) || 'web',
    listenLocal: e.f.bool(['spec', 'listenLocal']) === true,
    thanos: o.kind === 'Prometheus' && e.f.map(['spec', 'thanos']) !== undefined,
  };
  const version = e.f.str(['spec', 'version']);
  const podLabels = e.f.stringMap(['spec', 'podMetadata', 'labels']);
  const nodeSelector = e.f.stringMap(['spec', 'nodeSelector']);
  const hostNetwork = e.f.bool(['spec', 'hostNetwork']) === true;
  const serviceAccountName = e.f.str(['spec', 'serviceAccountName']);
  if (e.f.invalid) return undefined;
  const selector = {
    'app.kubernetes.io/name': o.app,
    'app.kubernetes.io/managed-by': 'prometheus-operator',
    'app.kubernetes.io/instance': e.name,
    [o.app]: e.name,
    ...o.extraSelector(e.name),
  };
  const labels = {
    ...(version ? { 'app.kubernetes.io/version': version.replace(/^v/, '') } : {}),
    ...podLabels,
    ...selector,
  };
  const body = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: `${o.app}-${e.name}`, namespace: e.namespace, labels: { ...e.labels } },
    spec: {
      serviceName: o.governing,
      replicas: replicas === undefined ? 1 : Math.max(0, replicas),
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name: o.app, ports: o.mainPorts(spec) }, ...o.sidecars(spec)],
          ...(Object.keys(nodeSelector).length ? { nodeSelector: { ...nodeSelector } } : {}),
          ...(hostNetwork ? { hostNetwork, dnsPolicy: 'ClusterFirstWithHostNet' } : {}),
          ...(serviceAccountName ? { serviceAccountName } : {}),
        },
      },
    },
  };
  return { sts: rawFromData(body, e.raw.source), spec };
}

function governingServiceOf(o: Operated, e: Envelope, spec: Spec): RawObject {
  const body = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: o.governing, namespace: e.namespace, labels: { [`operated-${o.app}`]: 'true' } },
    spec: {
      clusterIP: 'None',
      ports: o.servicePorts(spec),
      selector: { 'app.kubernetes.io/name': o.app },
    },
  };
  return rawFromData(body, e.raw.source);
}

/**
 * The StatefulSets and governing Services the operator would create for the `Prometheus` and `Alertmanager`
 * objects among `envs`, leaving out those whose key `taken` holds (the input's own). One governing Service per
 * kind and namespace, from the first object by name (the operator keeps one and rewrites it for each).
 */
export function prometheusOperatorObjects(
  envs: readonly Envelope[],
  taken: ReadonlySet<string>,
): RawObject[] {
  const out: RawObject[] = [];
  for (const o of operated) {
    const served = new Set<string>();
    const objects = envs
      .filter((e) => e.kind === o.kind && e.group === group && e.listed)
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const e of objects) {
      if (taken.has(objectKey('StatefulSet', e.namespace, `${o.app}-${e.name}`))) continue;
      const made = statefulSetOf(o, e);
      if (!made) continue;
      out.push(made.sts);
      const ns = e.namespace ?? '';
      if (served.has(ns) || taken.has(objectKey('Service', e.namespace, o.governing))) continue;
      served.add(ns);
      out.push(governingServiceOf(o, e, made.spec));
    }
  }
  return out;
}
