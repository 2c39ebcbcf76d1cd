/**
 * DestinationRule `exportTo`, as istiod indexes and looks rules up (`setDestinationRules` and `destinationRule` in
 * istio/istio pilot/pkg/model/push_context.go). A rule's own namespace sees it when its exportTo is empty, `*`, `.`
 * or names that namespace; other namespaces see it when it is exported (not private only: exportTo exactly `.` or
 * its own namespace) and its exportTo is empty, `*` or names the client's namespace. Empty means the mesh config's
 * `defaultDestinationRuleExportTo`, whose default is `*` (kubetwin does not read the mesh config: `*` is taken). A
 * rule with a workloadSelector is private to its namespace. `~` exports to none.
 * https://istio.io/latest/docs/reference/config/networking/destination-rule/#DestinationRule-export_to
 */
import type { DestinationRule } from '../../../model/mesh.ts';

/** Exported to its own namespace only (istiod's `isPrivateOnly`): not seen from other namespaces at all. */
export function privateOnly(dr: DestinationRule): boolean {
  if (dr.workloadSelector) return true;
  return dr.exportTo.length === 1 && (dr.exportTo[0] === '.' || dr.exportTo[0] === dr.namespace);
}

/** Seen by the proxies of its own namespace (istiod's `namespaceLocal` index). */
export function seenAtHome(dr: DestinationRule): boolean {
  if (dr.workloadSelector || !dr.exportTo.length) return true;
  return dr.exportTo.some((t) => t === '*' || t === '.' || t === dr.namespace);
}

/** An exported (not private-only) rule that the proxies of `clientNs` see, from another namespace. */
export function exportedToClient(dr: DestinationRule, clientNs: string): boolean {
  if (privateOnly(dr)) return false;
  return !dr.exportTo.length || dr.exportTo.some((t) => t === '*' || t === clientNs);
}

/** Why a rule that names the host is not seen from `clientNs`, for the answer's notes. */
export function notExportedNote(dr: DestinationRule, clientNs: string): string {
  const to = dr.workloadSelector
    ? 'its workloadSelector keeps it to its namespace'
    : `exportTo [${dr.exportTo.join(', ')}]`;
  return `${dr.key} is not exported to namespace ${clientNs} (${to}): it does not apply to this client`;
}
