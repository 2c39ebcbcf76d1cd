import type { ClusterModel } from '../model/types.ts';
import type { GetResource } from './get.ts';
import { modelAsList } from './model-json.ts';

/**
 * What `get` says instead of an empty table, as kubectl says "No resources found in NS namespace." (on stderr, so
 * a script reading stdout gets nothing): which namespaces hold the resource instead, or that the namespace asked
 * for is not in the input at all. Undefined when there is something to list (and for `all`, whose sections are
 * shown even when empty).
 */
export function emptyGetNote(
  model: ClusterModel,
  resource: GetResource,
  namespace: string | undefined,
): string | undefined {
  if (resource === 'all' || modelAsList(model, resource, namespace).items.length) return undefined;
  const elsewhere = [
    ...new Set(
      modelAsList(model, resource, undefined).items.flatMap((i) => {
        const ns = (i as { namespace?: unknown }).namespace;
        return typeof ns === 'string' ? [ns] : [];
      }),
    ),
  ].sort();
  if (namespace === undefined) return `No ${resource} found in any namespace: the input holds none.\n`;
  if (!model.namespaces.some((n) => n.name === namespace))
    return `No ${resource} found: namespace ${namespace} is not in the input (its namespaces: ${model.namespaces.map((n) => n.name).join(', ') || 'none'}).\n`;
  return elsewhere.length
    ? `No ${resource} found in namespace ${namespace}; the cluster as built has ${resource} in ${elsewhere.join(', ')} (-A lists every namespace, -n NAMESPACE one).\n`
    : `No ${resource} found in namespace ${namespace}: the input holds none in any namespace.\n`;
}
