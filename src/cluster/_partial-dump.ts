import type { Diagnostic } from '../model/diagnostic.ts';
import type { Envelope } from './_envelope.ts';

/** The status field that counts a workload's pods, per kind (CronJob: none, it has pods only while a Job runs). */
const podCount: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['status', 'replicas'],
  ReplicaSet: ['status', 'replicas'],
  StatefulSet: ['status', 'replicas'],
  DaemonSet: ['status', 'currentNumberScheduled'],
  Job: ['status', 'active'],
};

/** Did the API server write this object (uid, resourceVersion or creationTimestamp: a `kubectl get -o yaml` dump)? */
export const readBack = (env: Envelope): boolean =>
  ['uid', 'resourceVersion', 'creationTimestamp'].some((k) => env.f.get(['metadata', k]) !== undefined);

/**
 * A workload read back from a cluster whose pods the input leaves out (a partial dump: `kubectl get deploy -A -o yaml`
 * without pods): its controller made pods that kubetwin cannot see ("a Deployment provides declarative updates for
 * Pods and ReplicaSets", https://kubernetes.io/docs/concepts/workloads/controllers/deployment/; the status counts
 * them, `status.replicas` — "total number of non-terminated pods targeted by this deployment"), so the pods kubetwin
 * plans from the template stand in for them with addresses and nodes of its own. Said, never silent; undefined when
 * the object is hand-written, its pods are in the input, or its status counts none (scaled to zero, a finished Job).
 */
export function workloadPodsNotInInput(
  env: Envelope,
  planned: number,
  observedPods: number,
): Diagnostic | undefined {
  const count = podCount[env.kind];
  if (!count || observedPods > 0 || planned === 0 || !readBack(env)) return undefined;
  // Read as it is, not checked: a status is the cluster's report, not input to validate.
  const raw = env.f.get(count);
  const status = typeof raw === 'number' ? raw : undefined;
  if (env.kind === 'Job' ? !status : status === 0) return undefined;
  const name = `${env.kind} ${env.namespace}/${env.name}`;
  return {
    code: 'workload-pods-not-in-input',
    severity: 'warning',
    message: `${name} was read back from a cluster${status ? ` (${count.slice(1).join('.')}: ${status})` : ''} but none of its pods is in the input: kubetwin plans ${planned} pod(s) from its template, with addresses and nodes of its own, in their place — answers about them are not about the cluster's pods`,
    source: env.raw.locate(['metadata', 'name']),
    object: env.key,
    hint: 'Dump the pods too (kubectl get pods,deployments,services,... -A -o yaml), or the whole namespace.',
  };
}
