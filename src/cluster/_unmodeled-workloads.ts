/**
 * Objects of kinds kubetwin does not model that carry a pod template (`spec.template` with `metadata.labels` and
 * `spec.containers`, the PodTemplateSpec a workload controller runs: OpenKruise's CloneSet, Knative's Service,
 * a vendor's own workload CRD): their controller makes pods the model does not hold. A Service whose selector their
 * template labels satisfy may have endpoints kubetwin does not see, so an answer through it is not final. Pure.
 * https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-template-v1/#PodTemplateSpec
 */
import { kindSupport } from '../model/catalogue.ts';
import { objectKey } from '../model/keys.ts';
import type { UnmodeledWorkload } from '../model/types.ts';
import type { RawObject } from '../parse/index.ts';

const isMap = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** The template labels of a pod template at `spec.template`, if the object has one. */
export function templateLabels(body: Record<string, unknown>): Record<string, string> | undefined {
  const template = isMap(body.spec) ? body.spec.template : undefined;
  if (!isMap(template) || !isMap(template.spec) || !Array.isArray(template.spec.containers)) return undefined;
  const labels = isMap(template.metadata) ? template.metadata.labels : undefined;
  if (!isMap(labels)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

/** Every object of an unmodeled kind with a labelled pod template, in input order. */
export function unmodeledWorkloads(
  raws: readonly RawObject[],
  defaultNamespace: string,
): UnmodeledWorkload[] {
  const out: UnmodeledWorkload[] = [];
  for (const raw of raws) {
    const { apiVersion, kind, metadata } = raw.body;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !isMap(metadata)) continue;
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    if (kindSupport(kind, group) || typeof metadata.name !== 'string') continue;
    const labels = templateLabels(raw.body);
    if (!labels) continue;
    const namespace =
      typeof metadata.namespace === 'string' && metadata.namespace ? metadata.namespace : defaultNamespace;
    out.push({
      key: objectKey(`${kind}.${group}`, namespace, metadata.name),
      kind,
      apiVersion,
      namespace,
      name: metadata.name,
      templateLabels: labels,
      source: raw.source,
    });
  }
  return out;
}
