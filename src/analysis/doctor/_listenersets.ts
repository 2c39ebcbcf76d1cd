import { gatewayAnalysisOf } from './_gateway-analysis.ts';
import type { DoctorRule, Finding } from './types.ts';

/**
 * A ListenerSet its parent Gateway does not accept (GEP-1713): `Accepted=False` with NotAllowed (the Gateway's
 * `spec.allowedListeners.namespaces` does not admit the ListenerSet's namespace; `None` by default),
 * ParentNotAccepted (the Gateway is missing or not accepted) or ListenersNotValid (none of its listeners is valid).
 * Its listeners serve nothing and the routes attached to them are not routed.
 * https://gateway-api.sigs.k8s.io/geps/gep-1713/#gateway-listenerset-handshake
 * https://gateway-api.sigs.k8s.io/geps/gep-1713/#listenerset-conditions
 */
export const listenerSetNotAccepted: DoctorRule = {
  code: 'listenerset-not-accepted',
  severity: 'error',
  summary:
    "a ListenerSet or XListenerSet its parent Gateway does not accept: the Gateway's allowedListeners does not admit its namespace (NotAllowed), the Gateway is missing or not accepted (ParentNotAccepted), or none of its listeners is valid (ListenersNotValid)",
  check: ({ model }) => {
    const sets = model.routing?.listenerSets ?? [];
    if (!sets.length) return [];
    const source = new Map(sets.map((s) => [s.key, s.source]));
    const out: Finding[] = [];
    for (const s of gatewayAnalysisOf(model).listenerSets) {
      const c = s.conditions.find((x) => x.type === 'Accepted');
      if (!c || c.status !== 'False') continue;
      const gw = model.routing?.gateways.find((g) => `Gateway/${g.namespace}/${g.name}` === s.parent);
      out.push({
        code: 'listenerset-not-accepted',
        severity: 'error',
        message: `${s.kind} ${s.namespace}/${s.name} is not accepted by ${s.parent}: ${c.reason}${c.message ? ` — ${c.message}` : ''}`,
        objects: [
          { key: s.key, source: source.get(s.key) },
          ...(gw && c.reason === 'NotAllowed' ? [{ key: gw.key, source: gw.source }] : []),
        ],
        breaks: `the listeners of ${s.namespace}/${s.name} are not served, and routes attached to them get no traffic`,
        fix:
          c.reason === 'NotAllowed'
            ? `Admit namespace ${s.namespace} in the Gateway's spec.allowedListeners.namespaces (from: Same, All or Selector), or move the ListenerSet.`
            : c.reason === 'ParentNotAccepted'
              ? 'Point spec.parentRef at an existing, accepted Gateway.'
              : 'Fix the listeners (protocol, port, hostname, TLS) so at least one is valid and none conflicts.',
        ...(c.reason === 'NotAllowed'
          ? {
              patch: `spec:\n  allowedListeners:\n    namespaces:\n      from: ${gw && gw.namespace === s.namespace ? 'Same' : 'All'}\n`,
            }
          : {}),
      });
    }
    return out;
  },
};
