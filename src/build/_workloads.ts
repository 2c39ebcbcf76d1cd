import type { Diagnostic, SourceRef } from '../model/diagnostic.ts';
import type { Node, Pod, Workload, WorkloadKind } from '../model/types.ts';
import { byNamespaceName, objectKey } from '../model/keys.ts';
import { matches, selectorFromMap, type Selector } from '../lib/labels.ts';
import type { PathSegment } from '../parse/index.ts';
import type { Envelope } from './_envelope.ts';
import { readPodTemplate, type PodTemplate } from './_pod-spec.ts';
import { readSelector } from './_selectors.ts';
import { stableSuffix, templateHash } from './_names.ts';

/** A pod before scheduling and IPAM. The template is shared by every replica (never copied per pod). */
export interface PodDraft {
  readonly template: PodTemplate;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly hostname?: string;
  readonly subdomain?: string;
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly owner?: string;
  /** Set for DaemonSet pods (bound by the DaemonSet controller) and pods with spec.nodeName. */
  readonly boundNode?: string;
  readonly explicitIPs: string[];
  readonly phase: Pod['phase'];
  readonly ready: boolean;
  readonly terminating: boolean;
  readonly source?: SourceRef;
}

/** The controllers whose pod templates are expanded into pods. */
export const workloadKinds: readonly WorkloadKind[] = [
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
];

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
): { workloads: Workload[]; pods: PodDraft[] } {
  const hpaMin = readHpas(envs);
  const workloads: Workload[] = [];
  const pods: PodDraft[] = [];
  for (const env of envs) {
    if (env.kind === 'Pod') {
      const draft = barePod(env);
      if (!env.f.invalid) pods.push(draft);
      continue;
    }
    if (!workloadKinds.includes(env.kind as WorkloadKind)) continue;
    const result = expandOne(env, nodes, hpaMin, sink);
    if (!result || env.f.invalid) continue;
    workloads.push(result.workload);
    pods.push(...result.pods);
  }
  workloads.sort(byNamespaceName);
  return { workloads, pods };
}

function readHpas(envs: readonly Envelope[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const env of envs) {
    if (env.kind !== 'HorizontalPodAutoscaler') continue;
    const kind = env.f.str(['spec', 'scaleTargetRef', 'kind']);
    const name = env.f.str(['spec', 'scaleTargetRef', 'name']);
    if (kind && name) out.set(objectKey(kind, env.namespace, name), env.f.int(['spec', 'minReplicas']) ?? 1);
  }
  return out;
}

function barePod(env: Envelope): PodDraft {
  const f = env.f;
  const t = readPodTemplate(f, ['metadata'], ['spec']);
  const ips = f
    .list(['status', 'podIPs'])
    .map((_, i) => f.str(['status', 'podIPs', i, 'ip']))
    .filter((x): x is string => !!x);
  const podIP = f.str(['status', 'podIP']);
  const explicitIPs = podIP && !ips.includes(podIP) ? [podIP, ...ips] : ips;
  const phase = (f.str(['status', 'phase']) ?? 'Running') as Pod['phase'];
  let ready = phase === 'Running';
  f.list(['status', 'conditions']).forEach((_, i) => {
    if (f.str(['status', 'conditions', i, 'type']) === 'Ready')
      ready = ready && f.str(['status', 'conditions', i, 'status']) === 'True';
  });
  return {
    template: t,
    labels: env.labels,
    annotations: env.annotations,
    hostname: t.hostname,
    subdomain: t.subdomain,
    key: env.key,
    namespace: env.namespace as string,
    name: env.name,
    boundNode: t.nodeName,
    explicitIPs,
    phase,
    ready,
    terminating: f.get(['metadata', 'deletionTimestamp']) !== undefined,
    source: env.raw.source,
  };
}

interface Expanded {
  workload: Workload;
  pods: PodDraft[];
}

function expandOne(
  env: Envelope,
  nodes: readonly Node[],
  hpaMin: Map<string, number>,
  sink: (d: Diagnostic) => void,
): Expanded | undefined {
  const f = env.f;
  const ns = env.namespace as string;
  const jobPath: PathSegment[] = env.kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec'] : ['spec'];
  const tmplPath: PathSegment[] = [...jobPath, 'template'];
  const t = readPodTemplate(f, [...tmplPath, 'metadata'], [...tmplPath, 'spec']);
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
  if (f.invalid) return undefined;
  let replicas: number;
  let replicasFrom: Workload['replicasFrom'];
  const hpa = hpaMin.get(env.key);
  const specReplicas = isBatch ? undefined : f.int(['spec', 'replicas']);
  if (env.kind === 'DaemonSet') {
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
  const base = (name: string, labels: Record<string, string>, extra: Partial<PodDraft> = {}): PodDraft => ({
    template: t,
    labels,
    annotations: t.annotations,
    hostname: t.hostname,
    subdomain: t.subdomain,
    key: objectKey('Pod', ns, name),
    namespace: ns,
    name,
    owner: env.key,
    boundNode: t.nodeName,
    explicitIPs: [],
    phase: 'Running',
    ready: true,
    terminating: false,
    source: env.raw.source,
    ...extra,
  });
  const pods: PodDraft[] = [];
  const seed = JSON.stringify(f.get(tmplPath));
  if (env.kind === 'Deployment') {
    const hash = templateHash(seed);
    const rs = `${env.name}-${hash}`;
    const labels = { ...t.labels, 'pod-template-hash': hash }; // shared by every replica: the model is read-only
    for (let i = 0; i < replicas; i++) pods.push(base(`${rs}-${stableSuffix(`${rs}/${i}`)}`, labels));
  } else if (env.kind === 'ReplicaSet') {
    for (let i = 0; i < replicas; i++)
      pods.push(base(`${env.name}-${stableSuffix(`${env.name}/${i}`)}`, t.labels));
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
      pods.push(base(name, labels, { hostname: name, subdomain: serviceName }));
    }
  } else if (env.kind === 'DaemonSet') {
    const labels = { ...t.labels, 'controller-revision-hash': templateHash(seed) };
    const nodeSelector = selectorFromMap(t.nodeSelector);
    for (const node of nodes) {
      if (!matches(nodeSelector, node.labels)) continue;
      const name = `${env.name}-${stableSuffix(`${env.key}/${node.name}`)}`;
      pods.push(base(name, labels, { boundNode: node.name }));
      replicas++;
    }
  } else {
    const job = env.kind === 'CronJob' ? `${env.name}-${String(fnvMinutes(env.key))}` : env.name;
    const labels = { ...t.labels, 'batch.kubernetes.io/job-name': job, 'job-name': job };
    for (let i = 0; i < replicas; i++) pods.push(base(`${job}-${stableSuffix(`${job}/${i}`)}`, labels));
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
    podKeys: pods.map((p) => p.key),
  };
  return { workload, pods };
}

/** CronJob-created Jobs are named `<cronjob>-<scheduled time in minutes>`; a stable 8-digit stand-in. */
function fnvMinutes(seed: string): number {
  let h = 0;
  for (let i = 0; i < seed.length; i++) h = (h * 31 + seed.charCodeAt(i)) % 90000000;
  return 10000000 + h;
}
