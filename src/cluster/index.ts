import { DiagnosticBag, type Diagnostic } from '../model/diagnostic.ts';
import type { ClusterModel, OtherObject } from '../model/types.ts';
import { cidrList, defaultProfile, type Profile } from '../model/profile.ts';
import { unmodeledTrafficKind } from '../model/catalogue.ts';
import { byNamespaceName, objectKey } from '../model/keys.ts';
import { cidrAt, formatIP, parseCidr, type Cidr } from '../lib/ip.ts';
import type { RawObject } from '../parse/index.ts';
import { readEnvelopes, type Envelope } from './_envelope.ts';
import { buildNamespaces } from './_namespaces.ts';
import { prometheusOperatorObjects } from './_prometheus-operator.ts';
import { unmodeledWorkloads } from './_unmodeled-workloads.ts';
import { workloadKinds } from './_workloads.ts';
import { buildPods } from './_pod-phases.ts';
import { BuildMemo, type PhaseSinks } from './_reuse.ts';
import { buildServices } from './_services.ts';
import { withCiliumAnnouncements } from './_cilium-announce.ts';
import { buildEndpointSlices } from './_endpointslices.ts';
import { buildNetworkPolicies } from './_network-policies.ts';
import { buildAdminPolicies } from './_admin-policies.ts';
import { buildCiliumPolicies } from './_cilium-policies.ts';
import { buildRoleBindings } from './_role-bindings.ts';
import { buildAdmissionWebhooks } from './_admission-webhooks.ts';
import { buildMonitoring } from './_monitors.ts';
import { addonObjects } from './_addons.ts';
import { buildRouting, resolveExtensionRefs } from './routing/index.ts';
import { buildMesh } from './mesh-config/index.ts';
import { readConfigMaps, readContainerSettings } from './_container-settings.ts';
import { isK3sKubelet } from './profile-inference/index.ts';

export { readProfile, isProfileObject, profileApiVersion, profileKind } from './profile.ts';
export { findPort } from './_endpointslices.ts';
export { defaultWebhookPort } from './_admission-webhooks.ts';
export { BuildMemo } from './_reuse.ts';
export { addonObjects } from './_addons.ts';
export { withLocatedWords } from './_word-setting.ts';
export {
  inferProfile,
  inferFromObjects,
  type Inferred,
  type InferProfileOptions,
  type InferredProfile,
} from './profile-inference/index.ts';

export interface BuildOptions {
  /** Cluster facts the manifests do not carry; defaults to the reference documents' cluster. */
  readonly profile?: Profile;
  /** Namespace for namespaced objects that name none (`-n`); default `default`. */
  readonly defaultNamespace?: string;
  /** Add the `kubernetes` Service, CoreDNS and kube-proxy unless the manifests define them (default true). */
  readonly addons?: boolean;
  /** The most pods the builder expands (default 500,000); a workload that would pass it is refused. */
  readonly maxPods?: number;
  /**
   * Shared with the build of a similar object set (the other side of a diff): what this build can take over from
   * the last one given the same memo (the pod phases, NetworkPolicies read from the same raw objects), it does,
   * with the same result as a fresh build. See `BuildMemo`.
   */
  readonly memo?: BuildMemo;
}

export interface BuildResult {
  readonly model: ClusterModel;
  /** Sorted by file, line and column. */
  readonly diagnostics: Diagnostic[];
}

/**
 * Builds the cluster as Kubernetes would from the objects a user applies: pure and deterministic (same
 * objects, same model, byte for byte). Invalid objects are reported and left out; the rest is still built.
 */
export function buildCluster(objects: readonly RawObject[], options: BuildOptions = {}): BuildResult {
  let profile = options.profile ?? defaultProfile;
  const bag = new DiagnosticBag();
  const { memo } = options;
  memo?.begin();
  // Every diagnostic goes through `sink` (the envelopes' field readers too): a phase's own are copied aside.
  let aside: Diagnostic[] | undefined;
  const sink = (d: Diagnostic) => {
    bag.add(d);
    aside?.push(d);
  };
  const sinks: PhaseSinks = {
    raise: sink,
    capture(run) {
      const outer = aside;
      const mine: Diagnostic[] = (aside = []);
      try {
        return { value: run(), diagnostics: mine };
      } finally {
        outer?.push(...mine);
        aside = outer;
      }
    },
  };
  const read = readEnvelopes(objects, options.defaultNamespace ?? 'default', sink);
  const unmodeled = unmodeledWorkloads(objects, options.defaultNamespace ?? 'default');
  // Kinds kept only as unmodeled traffic objects go to `others` and never to a builder (which picks by kind).
  const trafficOnly = read.filter((e) => !e.listed);
  const listed = read.filter((e) => e.listed);
  // What an operator makes from a custom resource (a Prometheus's StatefulSet), unless the input holds it already.
  const operated = prometheusOperatorObjects(listed, new Set(listed.map((e) => e.key)));
  const userEnvs = operated.length
    ? [...listed, ...readEnvelopes(operated, options.defaultNamespace ?? 'default', sink)]
    : listed;
  const nodesEarly = userEnvs.some((e) => e.kind === 'Node');
  const serviceCidr = parseCidr(cidrList(profile.serviceCIDR)[0]) as Cidr;
  const firstServiceIP = formatIP(cidrAt(serviceCidr, 1n));
  // Pods read from a cluster name their own nodes: the profile's first node would be a stand-in, not the API server.
  const observedNodes = userEnvs.some((e) => e.kind === 'Pod' && e.f.str(['status', 'hostIP']));
  const firstNodeIP = nodesEarly || observedNodes ? undefined : profile.nodes[0]?.internalIP;
  let envs: Envelope[] = userEnvs;
  if (options.addons !== false) {
    const taken = new Set(userEnvs.map((e) => e.key));
    // The `kubernetes` Service and its EndpointSlice come together: a user's Service keeps its own endpoints.
    if (taken.has(objectKey('Service', 'default', 'kubernetes')))
      taken.add(objectKey('EndpointSlice', 'default', 'kubernetes'));
    // A ClusterIP that a Service read back from a cluster holds is that Service's: no add-on stand-in claims it.
    const heldIPs = new Set(
      userEnvs
        .filter((e) => e.kind === 'Service' && e.f.get(['metadata', 'uid']) !== undefined)
        .map((e) => e.f.str(['spec', 'clusterIP'])),
    );
    // A k3s node (its kubelet version says +k3s) runs kube-proxy in the k3s process: no kube-proxy pods.
    const k3s = userEnvs.some(
      (e) => e.kind === 'Node' && isK3sKubelet(e.f.str(['status', 'nodeInfo', 'kubeletVersion'])),
    );
    // Pods read back from kube-system (a `kubectl get -A` dump) are the system pods: no stand-ins beside them.
    const systemPods = !userEnvs.some(
      (e) => e.kind === 'Pod' && e.namespace === 'kube-system' && e.f.str(['status', 'hostIP']),
    );
    const made = () =>
      addonObjects(profile, firstServiceIP, firstNodeIP, { kubeProxyPods: !k3s, systemPods });
    const addonRaws = memo ? memo.addons(made) : made();
    const addons = readEnvelopes(addonRaws, 'default', sink).filter(
      (e) => !taken.has(e.key) && !(e.kind === 'Service' && heldIPs.has(e.f.str(['spec', 'clusterIP']))),
    );
    envs = [...userEnvs, ...addons];
  }
  const namespaces = buildNamespaces(envs, sink);
  const podPhases = () => buildPods(envs, profile, { bag, sink, maxPods: options.maxPods });
  const settings = [profile, options.defaultNamespace ?? 'default', options.maxPods ?? null];
  const built = memo ? memo.podPhases(envs, settings, sinks, podPhases) : podPhases();
  ({ profile } = built);
  const { nodes, workloads } = built;
  const services = withCiliumAnnouncements(envs, buildServices(envs, profile), nodes);
  const endpointSlices = buildEndpointSlices(services, built.placed, nodes, envs, sink);
  const networkPolicies = buildNetworkPolicies(
    envs,
    memo && ((env, read) => memo.policy(env, options.defaultNamespace ?? 'default', sinks, read)),
  );
  const adminPolicies = buildAdminPolicies(envs);
  const ciliumPolicies = buildCiliumPolicies(envs);
  const roleBindings = buildRoleBindings(envs);
  const admissionWebhooks = buildAdmissionWebhooks(envs);
  const monitoring = buildMonitoring(envs);
  // ExtensionRef filters name kinds kubetwin may not read: they are resolved against every object of the input.
  const routing = resolveExtensionRefs(
    buildRouting(envs, namespaces),
    objects,
    options.defaultNamespace ?? 'default',
  );
  const mesh = buildMesh(envs, profile, sink);
  const handled = new Set<string>([
    'Namespace',
    'Node',
    'Pod',
    ...workloadKinds,
    'HorizontalPodAutoscaler',
    'Service',
    'EndpointSlice',
    'Endpoints',
    'NetworkPolicy',
  ]);
  const others: OtherObject[] = [...envs.filter((e) => !handled.has(e.kind)), ...trafficOnly]
    .filter((e) => !e.f.invalid)
    .map((e) => ({
      key: e.key,
      name: e.name,
      namespace: e.namespace,
      labels: e.labels,
      annotations: e.annotations,
      source: e.raw.source,
      apiVersion: e.apiVersion,
      kind: e.kind,
      body: slimBody(e.raw.body),
    }))
    .sort(byNamespaceName);
  for (const e of envs)
    if (e.support.level === 'planned')
      sink({
        code: 'kind-not-modeled-yet',
        severity: 'info',
        message: `${e.kind} ${e.namespace ? `${e.namespace}/` : ''}${e.name}: ${e.support.note}`,
        source: e.raw.source,
        object: e.key,
      });
  for (const e of trafficOnly) {
    const t = unmodeledTrafficKind(e.kind, e.group);
    if (t)
      sink({
        code: 'kind-changes-traffic-not-modeled',
        severity: 'warning',
        message: `${e.kind} (${e.apiVersion}) ${e.namespace ? `${e.namespace}/` : ''}${e.name} changes ${t.affects.join(' and ')} (${t.note}) and kubetwin does not model it: answers it could change say so (reach and test say unknown)`,
        source: e.raw.source,
        object: e.key,
        hint: 'See docs/support.md for the kinds kubetwin models.',
      });
  }
  const model: ClusterModel = {
    profile,
    namespaces,
    nodes,
    workloads,
    pods: built.sorted,
    services,
    endpointSlices,
    networkPolicies,
    adminPolicies,
    ...(ciliumPolicies.length ? { ciliumPolicies } : {}),
    ...(roleBindings.length ? { roleBindings } : {}),
    ...(admissionWebhooks.length ? { admissionWebhooks } : {}),
    ...(monitoring ? { monitoring } : {}),
    others,
    ...(unmodeled.length ? { unmodeledWorkloads: unmodeled } : {}),
    routing,
    mesh,
    settings: readContainerSettings(userEnvs.filter((e) => !e.f.invalid)),
    configMaps: readConfigMaps(userEnvs.filter((e) => !e.f.invalid)),
  };
  return { model, diagnostics: bag.list() };
}

function slimBody(body: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...body };
  delete rest.status;
  const meta = rest.metadata as Record<string, unknown> | undefined;
  if (meta) {
    const m = { ...meta };
    delete m.managedFields;
    const ann = m.annotations as Record<string, unknown> | undefined;
    if (ann && 'kubectl.kubernetes.io/last-applied-configuration' in ann) {
      const a = { ...ann };
      delete a['kubectl.kubernetes.io/last-applied-configuration'];
      m.annotations = a;
    }
    rest.metadata = m;
  }
  return rest;
}

export { objectKey };
