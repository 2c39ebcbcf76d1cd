import { matches, type Selector } from './labels.ts';

/** The one namespace label the API server sets itself, known whether or not the Namespace is in the input. */
const nameLabel = 'kubernetes.io/metadata.name';

/** A namespace as an allowedRoutes Selector sees it: its labels, and whether its object is in the input. */
export interface NamespaceLabels {
  readonly labels: Readonly<Record<string, string>>;
  readonly inInput: boolean;
}

/**
 * Whether a listener's `allowedRoutes.namespaces.selector` admits a namespace: from its labels when the Namespace is
 * in the input; for one that is not, only `kubernetes.io/metadata.name` is known, so a selector that reads another
 * label (and does not already exclude the namespace by name) is `unknown`: the namespace's real labels decide.
 * https://gateway-api.sigs.k8s.io/reference/spec/#routenamespaces ("Selector: Routes in namespaces selected by the
 * selector may be used by this Gateway")
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-namespace-by-its-name
 */
export function selectorAdmits(
  selector: Selector,
  namespace: string,
  ns: NamespaceLabels | undefined,
): boolean | 'unknown' {
  if (ns?.inInput) return matches(selector, ns.labels);
  const byName = { requirements: selector.requirements.filter((r) => r.key === nameLabel) };
  if (selector.nothing || !matches(byName, { [nameLabel]: namespace })) return false;
  return selector.requirements.some((r) => r.key !== nameLabel) ? 'unknown' : true;
}

/** Every namespace of the input (or model) by name, as a Selector sees it: its labels and whether it is declared. */
export function namespaceLabelsByName(
  namespaces: readonly {
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly source?: unknown;
  }[],
): Map<string, NamespaceLabels> {
  return new Map(namespaces.map((n) => [n.name, { labels: n.labels, inInput: n.source !== undefined }]));
}
