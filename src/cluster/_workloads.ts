import { workloadPodsNotInInput } from './_partial-dump.ts';
import type { Diagnostic, SourceRef } from '../model/diagnostic.ts';
import type { Node, Pod, Workload, WorkloadKind } from '../model/types.ts';
import { byNamespaceName, objectKey } from '../model/keys.ts';
import { matches, selectorFromMap, type Selector } from '../lib/labels.ts';
import type { PathSegment } from '../parse/index.ts';
import type { Envelope } from './_envelope.ts';
import { readPodTemplate, type PodTemplate } from './_pod-spec.ts';
import { readSelector } from './_selectors.ts';
import { fnv32a, stableSuffix, stableSuffixAt, templateHash } from './_names.ts';
import { readOwnership, workloadKinds } from './_ownership.ts';

/**
 * What the replicas of one workload have in common before scheduling and IPAM: one object per workload (per pod
 * only where pods differ: a StatefulSet's names and labels, a DaemonSet's node, a bare Pod), never copied per pod.
 */
export interface DraftSpec {
  readonly template: PodTemplate;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly hostname?: string;
  readonly subdomain?: string;
  readonly namespace: string;
  readonly owner?: string;
  /** Set for DaemonSet pods (bound by the DaemonSet controller) and pods with spec.nodeName. */
  readonly boundNode?: string;
  readonly explicitIPs: readonly string[];
  readonly phase: Pod['phase'];
  readonly ready: boolean;
  /** Read back from a cluster (metadata.uid, resourceVersion, creationTimestamp or status.conditions): ready only with Ready=True. */
  readonly observed?: boolean;
  /** `status.phase` says Pending: without a stated IP it has none, and the twin does not schedule it. */
  readonly statedPending?: boolean;
  /** `status.hostIP`: the address of its node, as observed. */
  readonly hostIP?: string;
  readonly terminating: boolean;
  readonly source?: SourceRef;
}

/**
 * A pod before scheduling and IPAM: its own key and name, the rest read through its workload's shared spec (three
 * fields per pod instead of sixteen: at 150k pods every draft outlives several scavenges).
 */
export class PodDraft {
  constructor(
    readonly key: string,
    readonly name: string,
    readonly spec: DraftSpec,
  ) {}
  get template(): PodTemplate {
    return this.spec.template;
  }
  get labels(): Record<string, string> {
    return this.spec.labels;
  }
  get annotations(): Record<string, string> {
    return this.spec.annotations;
  }
  get hostname(): string | undefined {
    return this.spec.hostname;
  }
  get subdomain(): string | undefined {
    return this.spec.subdomain;
  }
  get namespace(): string {
    return this.spec.namespace;
  }
  get owner(): string | undefined {
    return this.spec.owner;
  }
  get boundNode(): string | undefined {
    return this.spec.boundNode;
  }
  get explicitIPs(): readonly string[] {
    return this.spec.explicitIPs;
  }
  get phase(): Pod['phase'] {
    return this.spec.phase;
  }
  get ready(): boolean {
    return this.spec.ready;
  }
  get observed(): boolean | undefined {
    return this.spec.observed;
  }
  get statedPending(): boolean | undefined {
    return this.spec.statedPending;
  }
  get hostIP(): string | undefined {
    return this.spec.hostIP;
  }
  get terminating(): boolean {
    return this.spec.terminating;
  }
  get source(): SourceRef | undefined {
    return this.spec.source;
  }
}

/** The explicit IPs of a pod that states none (shared: drafts never change it). */
const noExplicitIPs: readonly string[] = Object.freeze([]);

export { workloadKinds };

/**
 * Expands workloads into pods as their controllers would, deterministically: Deployment → ReplicaSet
 * `<name>-<hash>` → pods `<rs>-<suffix>`; StatefulSet pods `<name>-<ordinal>` with hostname and subdomain;
 * DaemonSet one pod per node that passes nodeSelector; Job `parallelism` pods; CronJob the pods of one run.
 * A HorizontalPodAutoscaler's minReplicas sets the replica count of its target.
 * https://kubernetes.io/docs/concepts/workloads/controllers/
 */
export function expandWorkloads(
  envs: readonly Envelope[],
  nodes: readonly Node[],
  sink: (d: Diagnostic) => void,
  options: { maxPods?: number } = {},
): { workloads: Workload[]; pods: PodDraft[] } {
  const scaling: { target: string; hpa: Envelope; kind: string; name: string }[] = [];
  const hpaMin = readHpas(envs, sink, scaling);
  const ownership = readOwnership(envs);
  const rollouts = readWorkloadRefs(envs, sink);
  const workloads: Workload[] = [];
  const pods: PodDraft[] = [];
  const budget = { maxPods: options.maxPods ?? defaultMaxPods, used: 0 };
  const validPods = new Set<string>();
  const activePods = new Set<string>();
  for (const env of envs) {
    if (env.kind !== 'Pod') continue;
    budget.used++;
    const draft = barePod(env, ownership.ownerOf.get(env.key));
    if (env.f.invalid) continue;
    pods.push(draft);
    validPods.add(env.key);
    if (isActivePod(draft)) activePods.add(env.key);
  }
  const observedPods = (key: string) => ownership.observed.get(key)?.podKeys.filter((k) => validPods.has(k));
  const activeCount = (podKeys: readonly string[]) => podKeys.filter((k) => activePods.has(k)).length;
  const foldedEnvs: Envelope[] = [];
  const expand = (env: Envelope): void => {
    const observed = observedPods(env.key);
    const observedReplicas = observed && activeCount(observed);
    const result = expandOne(env, nodes, hpaMin, {
      sink,
      budget,
      observedPods: observed,
      observedReplicas,
      rollouts,
    });
    if (!result || env.f.invalid) return;
    const partial = workloadPodsNotInInput(env, result.pods.length, observed?.length ?? 0);
    if (partial) sink(partial);
    workloads.push(result.workload);
    // One push per pod: spreading 200,000 pods as arguments overflows the stack.
    for (const pod of result.pods) pods.push(pod);
    budget.used += result.pods.length;
  };
  for (const env of envs) {
    if (!workloadKinds.includes(env.kind as WorkloadKind)) continue;
    if (ownership.folded.has(env.key)) foldedEnvs.push(env);
    else expand(env);
  }
  // An HPA whose target the input holds but kubetwin refused (its errors are said) scales nothing either: said too.
  const built = new Set(workloads.map((w) => w.key));
  for (const { target, hpa, kind, name } of scaling)
    if (!built.has(target) && !ownership.folded.has(target))
      sink({
        code: 'hpa-target-missing',
        severity: 'warning',
        message: `HorizontalPodAutoscaler ${hpa.namespace}/${hpa.name} scales ${kind} ${name}, which is refused (see its errors); it changes nothing here`,
        source: hpa.raw.locate(['spec', 'scaleTargetRef', 'name']),
        object: hpa.key,
        hint: `Fix the ${kind}'s errors.`,
      });
  // Pods are grouped into their workload by ownerReferences even when its object is absent or refused.
  for (const seen of ownership.observed.values()) {
    const podKeys = observedPods(seen.key) ?? [];
    if (built.has(seen.key) || !podKeys.length) continue;
    built.add(seen.key);
    workloads.push({
      key: seen.key,
      kind: seen.kind,
      name: seen.name,
      namespace: seen.namespace,
      labels: {},
      annotations: {},
      source: seen.source,
      replicas: activeCount(podKeys),
      replicasFrom: 'observed',
      podKeys,
    });
  }
  for (const env of foldedEnvs) standAlone(env, ownership.folded.get(env.key)!, built, sink, expand);
  workloads.sort(byNamespaceName);
  return { workloads, pods };
}

/**
 * A ReplicaSet (Job) folded into a Deployment (CronJob) that kubetwin refused and that has no pods of its own in the
 * input: the owner's pods are not in the model, so the ReplicaSet is not lost with it but modeled on its own, from
 * its own template and replicas, as its controller would run it, and the reason is said.
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/owners-dependents/
 */
function standAlone(
  env: Envelope,
  owner: string,
  built: ReadonlySet<string>,
  sink: (d: Diagnostic) => void,
  expand: (env: Envelope) => void,
): void {
  if (built.has(owner)) return;
  const ownerKind = owner.split('/')[0];
  const ownerName = owner.slice(`${ownerKind}/${env.namespace}/`.length);
  sink({
    code: 'owner-refused',
    severity: 'warning',
    message: `${env.kind} ${env.namespace}/${env.name} belongs to ${ownerKind} ${ownerName}, which is refused (see its errors); it is modeled on its own, from its own template`,
    source: env.raw.locate(['metadata', 'ownerReferences']),
    object: env.key,
    hint: `Fix the ${ownerKind}'s errors: its ${env.kind} is then part of it again.`,
  });
  expand(env);
}

/**
 * HorizontalPodAutoscalers by target key. `scaleTargetRef.kind` and `.name` are required by the API server; a target
 * the input does not hold leaves the HPA with nothing to scale here, which is said rather than passed over.
 * https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/
 */
function readHpas(
  envs: readonly Envelope[],
  sink: (d: Diagnostic) => void,
  scaling: { target: string; hpa: Envelope; kind: string; name: string }[] = [],
): Map<string, number> {
  const out = new Map<string, number>();
  const present = new Set(
    envs.filter((e) => workloadKinds.includes(e.kind as WorkloadKind)).map((e) => e.key),
  );
  for (const env of envs) {
    if (env.kind !== 'HorizontalPodAutoscaler') continue;
    const kind = env.f.str(['spec', 'scaleTargetRef', 'kind']);
    const name = env.f.str(['spec', 'scaleTargetRef', 'name']);
    // minReplicas is at least 1 unless the alpha HPAScaleToZero feature gate is on.
    const min = env.f.int(['spec', 'minReplicas']);
    if (!kind || !name) {
      env.f.report(
        'missing-field',
        'error',
        ['spec', 'scaleTargetRef', kind ? 'name' : 'kind'],
        `spec.scaleTargetRef.${kind ? 'name' : 'kind'} is required; the API server refuses this HorizontalPodAutoscaler`,
        'Name the workload to scale: scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: …}.',
      );
      continue;
    }
    const target = objectKey(kind, env.namespace, name);
    if (!present.has(target))
      sink({
        code: 'hpa-target-missing',
        severity: 'warning',
        message: `HorizontalPodAutoscaler ${env.namespace}/${env.name} scales ${kind} ${name}, which the input does not hold; it changes nothing here`,
        source: env.raw.locate(['spec', 'scaleTargetRef', 'name']),
        object: env.key,
        hint: `Add the ${kind} to the input, or fix scaleTargetRef (kind and name are case-sensitive).`,
      });
    else scaling.push({ target, hpa: env, kind, name });
    if (!env.f.invalid) out.set(target, min ?? 1);
  }
  return out;
}

function barePod(env: Envelope, owner: string | undefined): PodDraft {
  const f = env.f;
  const t = readPodTemplate(f, ['metadata'], ['spec']);
  const ips = f
    .list(['status', 'podIPs'])
    .map((_, i) => f.str(['status', 'podIPs', i, 'ip']))
    .filter((x): x is string => !!x);
  const podIP = f.str(['status', 'podIP']);
  const explicitIPs = podIP && !ips.includes(podIP) ? [podIP, ...ips] : ips;
  const phase = (f.str(['status', 'phase']) ?? 'Running') as Pod['phase'];
  // A pod read back from a cluster (the API server set metadata.uid, resourceVersion or creationTimestamp, or the
  // kubelet wrote status.conditions) is ready only with a Ready=True condition, as the EndpointSlice controller
  // reads it; a hand-written pod is taken to be ready unless its conditions say otherwise.
  const observed =
    f.get(['status', 'conditions']) !== undefined ||
    ['uid', 'resourceVersion', 'creationTimestamp'].some((k) => f.get(['metadata', k]) !== undefined);
  let readyCondition: boolean | undefined;
  f.list(['status', 'conditions']).forEach((_, i) => {
    if (f.str(['status', 'conditions', i, 'type']) === 'Ready')
      readyCondition = f.str(['status', 'conditions', i, 'status']) === 'True';
  });
  const ready = phase === 'Running' && (observed ? readyCondition === true : readyCondition !== false);
  const hostIP = f.str(['status', 'hostIP']);
  return new PodDraft(env.key, env.name, {
    template: t,
    labels: env.labels,
    annotations: env.annotations,
    hostname: t.hostname,
    subdomain: t.subdomain,
    namespace: env.namespace as string,
    ...(owner ? { owner } : {}),
    boundNode: t.nodeName,
    explicitIPs,
    phase,
    ready,
    observed,
    statedPending: f.str(['status', 'phase']) === 'Pending',
    ...(hostIP ? { hostIP } : {}),
    terminating: f.get(['metadata', 'deletionTimestamp']) !== undefined,
    source: env.raw.source,
  });
}

/**
 * Whether a pod counts among its controller's replicas: not finished (phase Succeeded or Failed) and not being
 * deleted, as the ReplicaSet controller counts `status.replicas` (`IsPodActive` in kubernetes/kubernetes
 * pkg/controller/controller_utils.go). An evicted pod or one of an old ReplicaSet still terminating is listed,
 * not counted. https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/
 */
export function isActivePod(pod: Pick<PodDraft, 'phase' | 'terminating'>): boolean {
  return pod.phase !== 'Succeeded' && pod.phase !== 'Failed' && !pod.terminating;
}

/** The default bound on the pods kubetwin expands (`--max-pods`): its own work stays bounded whatever the input. */
export const defaultMaxPods = 500_000;

interface PodBudget {
  readonly maxPods: number;
  used: number;
}

interface Expanded {
  workload: Workload;
  pods: PodDraft[];
}

function expandOne(
  env: Envelope,
  nodes: readonly Node[],
  hpaMin: Map<string, number>,
  {
    sink,
    budget,
    observedPods,
    observedReplicas,
    rollouts,
  }: {
    sink: (d: Diagnostic) => void;
    budget: PodBudget;
    observedPods: string[] | undefined;
    /** How many of `observedPods` are active (see isActivePod). */
    observedReplicas: number | undefined;
    rollouts: WorkloadRefs;
  },
): Expanded | undefined {
  const ns = env.namespace as string;
  // A Rollout with workloadRef runs the referenced Deployment's template (and its selector when it has none).
  const ref = rollouts.templateOf.get(env.key);
  if (env.kind === 'Rollout' && rollouts.refused.has(env.key)) return undefined;
  const own = env.f;
  const f = ref && (own.get(['spec', 'selector']) ?? null) === null ? ref.f : own;
  const tf = ref ? ref.f : own;
  const jobPath: PathSegment[] = env.kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec'] : ['spec'];
  const tmplPath: PathSegment[] = [...jobPath, 'template'];
  const t = readPodTemplate(tf, [...tmplPath, 'metadata'], [...tmplPath, 'spec']);
  const isBatch = env.kind === 'Job' || env.kind === 'CronJob';
  let selector: Selector | undefined;
  if (!isBatch) {
    // null is no selector (a pointer in apps/v1), which the API server refuses as missing.
    if (f.get(['spec', 'selector']) === undefined || f.get(['spec', 'selector']) === null) {
      f.report(
        'missing-field',
        'error',
        ['spec', 'selector'],
        `spec.selector is required for ${env.kind} (apps/v1)${f.get(['spec', 'selector']) === null ? '; it is written with no value (null)' : ''}`,
        'Add spec.selector.matchLabels matching the pod template labels.',
      );
    } else {
      selector = readSelector(f, ['spec', 'selector']);
      if (selector && !matches(selector, t.labels))
        f.report(
          'selector-mismatch',
          'error',
          ['spec', 'selector'],
          `spec.selector does not match spec.template.metadata.labels; the API server refuses this ${env.kind}`,
          'Make the template labels satisfy the selector.',
        );
      if (selector && selector.requirements.length === 0)
        f.report(
          'invalid-selector',
          'error',
          ['spec', 'selector'],
          `spec.selector of a ${env.kind} must not be empty`,
          'Add matchLabels.',
        );
    }
  }
  if (f.invalid || own.invalid) return undefined;
  let replicas: number;
  let replicasFrom: Workload['replicasFrom'];
  const hpa = hpaMin.get(env.key);
  const specReplicas = isBatch ? undefined : own.int(['spec', 'replicas']);
  if (rollouts.scaledDown.has(env.key)) {
    replicas = 0;
    replicasFrom = 'rollout';
  } else if (env.kind === 'DaemonSet') {
    replicas = 0;
    replicasFrom = 'nodes';
  } else if (isBatch) {
    replicas = Math.min(
      f.int([...jobPath, 'parallelism']) ?? 1,
      f.int([...jobPath, 'completions']) ?? Number.MAX_SAFE_INTEGER,
    );
    replicasFrom = 'job';
  } else if (hpa !== undefined) {
    replicas = hpa;
    replicasFrom = 'hpa';
  } else {
    replicas = specReplicas ?? 1;
    replicasFrom = specReplicas === undefined ? 'default' : 'spec';
  }
  if (own.invalid) return undefined;
  if (observedPods?.length) {
    // Its pods are in the input: they are the workload's pods, as observed; the controller is not run again.
    replicas = observedReplicas ?? observedPods.length;
    replicasFrom = 'observed';
  }
  const planned = observedPods?.length ? 0 : env.kind === 'DaemonSet' ? nodes.length : replicas;
  if (budget.used + planned > budget.maxPods) {
    f.report(
      'too-many-pods',
      'error',
      replicasFrom === 'spec' ? ['spec', 'replicas'] : [],
      `${env.kind} ${ns}/${env.name} would bring the cluster to ${budget.used + planned} pods, more than the ${budget.maxPods} kubetwin expands; it is left out, so answers about its pods are incomplete`,
      'Lower the replica count, or raise the limit with --max-pods if the machine has the memory.',
    );
    return undefined;
  }
  // One spec per set of replicas that share it; a pod of its own only where its fields differ (`extra`).
  const shared = (labels: Record<string, string>, extra?: Partial<DraftSpec>): DraftSpec => {
    const spec: DraftSpec = {
      template: t,
      labels,
      annotations: t.annotations,
      hostname: t.hostname,
      subdomain: t.subdomain,
      namespace: ns,
      owner: env.key,
      boundNode: t.nodeName,
      explicitIPs: noExplicitIPs,
      phase: 'Running',
      ready: true,
      terminating: false,
      source: env.raw.source,
    };
    return extra ? Object.assign(spec, extra) : spec;
  };
  const base = (name: string, spec: DraftSpec): PodDraft =>
    new PodDraft(objectKey('Pod', ns, name), name, spec);
  const pods: PodDraft[] = [];
  const seed = JSON.stringify(tf.get(tmplPath));
  if (observedPods?.length) {
    // no pods of its own: see podKeys below
  } else if (env.kind === 'Deployment') {
    const hash = templateHash(seed);
    const rs = `${env.name}-${hash}`;
    const spec = shared({ ...t.labels, 'pod-template-hash': hash }); // shared by every replica: the model is read-only
    const series = fnv32a(`${rs}/`);
    for (let i = 0; i < replicas; i++) pods.push(base(`${rs}-${stableSuffixAt(series, i)}`, spec));
  } else if (env.kind === 'Rollout') {
    const hash = templateHash(seed);
    const rs = `${env.name}-${hash}`;
    const atRest = rolloutAtRest(own, t.annotations);
    const spec = shared(
      { ...t.labels, ...atRest.labels, 'rollouts-pod-template-hash': hash },
      atRest.annotations ? { annotations: atRest.annotations } : undefined,
    );
    const series = fnv32a(`${rs}/`);
    for (let i = 0; i < replicas; i++) pods.push(base(`${rs}-${stableSuffixAt(series, i)}`, spec));
  } else if (env.kind === 'ReplicaSet') {
    const series = fnv32a(`${env.name}/`);
    const spec = shared(t.labels);
    for (let i = 0; i < replicas; i++) pods.push(base(`${env.name}-${stableSuffixAt(series, i)}`, spec));
  } else if (env.kind === 'StatefulSet') {
    const start = f.int(['spec', 'ordinals', 'start']) ?? 0;
    const serviceName = f.str(['spec', 'serviceName']);
    for (let i = start; i < start + replicas; i++) {
      const name = `${env.name}-${i}`;
      const labels = {
        ...t.labels,
        'apps.kubernetes.io/pod-index': String(i),
        'statefulset.kubernetes.io/pod-name': name,
      };
      pods.push(base(name, shared(labels, { hostname: name, subdomain: serviceName })));
    }
  } else if (env.kind === 'DaemonSet') {
    const labels = { ...t.labels, 'controller-revision-hash': templateHash(seed) };
    const nodeSelector = selectorFromMap(t.nodeSelector);
    for (const node of nodes) {
      if (!matches(nodeSelector, node.labels)) continue;
      const name = `${env.name}-${stableSuffix(`${env.key}/${node.name}`)}`;
      pods.push(base(name, shared(labels, { boundNode: node.name })));
      replicas++;
    }
  } else if (env.kind === 'Job' || env.kind === 'CronJob') {
    const job = env.kind === 'CronJob' ? `${env.name}-${String(fnvMinutes(env.key))}` : env.name;
    const labels = { ...t.labels, 'batch.kubernetes.io/job-name': job, 'job-name': job };
    const series = fnv32a(`${job}/`);
    const spec = shared(labels);
    for (let i = 0; i < replicas; i++) pods.push(base(`${job}-${stableSuffixAt(series, i)}`, spec));
    if (env.kind === 'CronJob')
      sink({
        code: 'cronjob-one-run',
        severity: 'info',
        message: `CronJob ${env.name}: the model holds the pods of one run (job ${job}), so its traffic can be checked`,
        source: env.raw.source,
        object: env.key,
      });
  }
  const workload: Workload = {
    key: env.key,
    kind: env.kind as WorkloadKind,
    name: env.name,
    namespace: ns,
    labels: env.labels,
    annotations: env.annotations,
    source: env.raw.source,
    replicas,
    replicasFrom,
    selector,
    podKeys: observedPods?.length ? observedPods : pods.map((p) => p.key),
  };
  return { workload, pods };
}

/** CronJob-created Jobs are named `<cronjob>-<scheduled time in minutes>`; a stable 8-digit stand-in. */
function fnvMinutes(seed: string): number {
  let h = 0;
  for (let i = 0; i < seed.length; i++) h = (h * 31 + seed.charCodeAt(i)) % 90000000;
  return 10000000 + h;
}

/** What Rollouts with `workloadRef` take from their Deployments. */
interface WorkloadRefs {
  /** Rollout key → the Deployment whose template (and, without its own, selector) it runs. */
  readonly templateOf: ReadonlyMap<string, Envelope>;
  /** Deployments scaled to zero by a Rollout (`scaleDown` onsuccess or progressively, once the Rollout is healthy). */
  readonly scaledDown: ReadonlySet<string>;
  /** Rollouts whose workloadRef names nothing it can run (said as an error): no pods, as the controller makes none. */
  readonly refused: ReadonlySet<string>;
}

/**
 * Argo Rollouts `spec.workloadRef`: the Rollout runs the pod template of a Deployment (apps/v1) instead of its own
 * `spec.template`, and `scaleDown` says what becomes of the Deployment's own pods — `never` (the default) leaves
 * them, `onsuccess` and `progressively` scale it to zero once the Rollout is healthy, which is the state kubetwin
 * models. A reference to a Deployment the input does not hold, or to another kind, makes no pods (the controller
 * cannot resolve the template), and is said.
 * https://argoproj.github.io/argo-rollouts/migrating/#reference-deployment-from-rollout,
 * https://argoproj.github.io/argo-rollouts/features/specification/
 */
function readWorkloadRefs(envs: readonly Envelope[], sink: (d: Diagnostic) => void): WorkloadRefs {
  const templateOf = new Map<string, Envelope>();
  const scaledDown = new Set<string>();
  const refused = new Set<string>();
  const deployments = new Map(envs.filter((e) => e.kind === 'Deployment').map((e) => [e.key, e]));
  for (const env of envs) {
    if (env.kind !== 'Rollout' || env.f.get(['spec', 'workloadRef']) === undefined) continue;
    const kind = env.f.str(['spec', 'workloadRef', 'kind']);
    const name = env.f.str(['spec', 'workloadRef', 'name']);
    const target = name ? deployments.get(objectKey('Deployment', env.namespace, name)) : undefined;
    if (kind !== 'Deployment' || !target) {
      refused.add(env.key);
      sink({
        code: 'rollout-workload-missing',
        severity: 'error',
        message: `Rollout ${env.namespace}/${env.name}: spec.workloadRef names ${kind ?? '(no kind)'} ${name ?? '(no name)'}, ${kind !== 'Deployment' ? 'which is not a Deployment' : 'which the input does not hold'}; the Argo Rollouts controller has no pod template to run, so the Rollout has no pods here`,
        source: env.raw.locate(['spec', 'workloadRef']),
        object: env.key,
        hint: 'Add the Deployment to the input, or fix spec.workloadRef (apiVersion: apps/v1, kind: Deployment, name: …).',
      });
      continue;
    }
    templateOf.set(env.key, target);
    const scaleDown = env.f.str(['spec', 'workloadRef', 'scaleDown']);
    if (scaleDown === 'onsuccess' || scaleDown === 'progressively') scaledDown.add(target.key);
  }
  return { templateOf, scaledDown, refused };
}

/**
 * The metadata a fully promoted Rollout's pods carry beyond its template: `strategy.canary.stableMetadata` (the
 * stable pods) or `strategy.blueGreen.activeMetadata` (the active pods), merged over the template's. kubetwin models a
 * Rollout at rest — one ReplicaSet, every pod stable or active; the canary and preview pods of an update in progress
 * exist only while it runs (a dump of the cluster holds them as pods).
 * https://argoproj.github.io/argo-rollouts/features/specification/
 */
function rolloutAtRest(
  f: Envelope['f'],
  templateAnnotations: Record<string, string>,
): { labels: Record<string, string>; annotations?: Record<string, string> } {
  const at: PathSegment[] =
    f.get(['spec', 'strategy', 'canary', 'stableMetadata']) !== undefined
      ? ['spec', 'strategy', 'canary', 'stableMetadata']
      : ['spec', 'strategy', 'blueGreen', 'activeMetadata'];
  const labels = f.stringMap([...at, 'labels']);
  const extra = f.stringMap([...at, 'annotations']);
  return {
    labels,
    ...(Object.keys(extra).length ? { annotations: { ...templateAnnotations, ...extra } } : {}),
  };
}
