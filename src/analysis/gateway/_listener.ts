import type { Gateway, Listener, ReferenceGrant } from '../../model/routing.ts';
import type { ClusterModel } from '../../model/types.ts';
import { cond, type Condition } from './_conditions.ts';
import { refPermitted } from './_refs.ts';
import { group, protocolKinds } from './_protocols.ts';
import { pemProblem } from './_pem.ts';
import { frontendConditions } from './_frontend.ts';
import { knownClasses } from './_class.ts';

/** The controller of Istio's ambient waypoints (GatewayClass `istio-waypoint`). */
const meshController = 'istio.io/mesh-controller';

/**
 * Whether `l` is the HBONE listener of an Istio ambient waypoint: istiod accepts protocol HBONE (port 15008, as
 * `istioctl waypoint generate` writes it) on a Gateway of a class its mesh controller owns. Such a Gateway is a
 * waypoint, not a way in from outside; its routing is not modeled (docs/mesh.md).
 * https://istio.io/latest/docs/ambient/usage/waypoint/
 */
function waypointHbone(gw: Gateway, l: Listener, model: ClusterModel): boolean {
  if (l.protocol !== 'HBONE') return false;
  const declared = model.routing?.gatewayClasses.find((c) => c.name === gw.gatewayClassName);
  return (declared?.controllerName ?? knownClasses[gw.gatewayClassName]) === meshController;
}

/**
 * Why a listener may not use the certificate Secret `secret` (undefined when it may): a Secret of another
 * namespace needs a ReferenceGrant there from the Gateway (or, for a ListenerSet's listener, from the ListenerSet).
 * https://gateway-api.sigs.k8s.io/reference/spec/#gatewaytlsconfig
 */
export function certificateRefNotPermitted(
  grants: readonly ReferenceGrant[],
  l: Listener,
  gw: Gateway,
  secret: { namespace: string; name: string },
): string | undefined {
  const home = l.set?.namespace ?? gw.namespace;
  return refPermitted(
    grants,
    { group: l.set?.group ?? group, kind: l.set?.kind ?? 'Gateway', namespace: home },
    { group: '', kind: 'Secret', namespace: secret.namespace, name: secret.name },
  )
    ? undefined
    : `certificateRef to Secret ${secret.namespace}/${secret.name} crosses namespaces and no ReferenceGrant in ${secret.namespace} allows it`;
}

/**
 * A listener's conditions: `Accepted` (UnsupportedProtocol), `ResolvedRefs` (InvalidRouteKinds,
 * InvalidCertificateRef — a missing Secret, a ref that is not a Secret, or "the data within that resource is
 * malformed" —, RefNotPermitted; the client certificate trust anchors of `spec.tls.frontend`, see _frontend.ts),
 * `Conflicted` and `Programmed`.
 * https://gateway-api.sigs.k8s.io/reference/spec/#gateway.networking.k8s.io/v1.ListenerConditionReason
 */
export function listenerConditions(gw: Gateway, l: Listener, model: ClusterModel): Condition[] {
  const r = model.routing!;
  const out: Condition[] = [];
  const supported = !!protocolKinds[l.protocol] || waypointHbone(gw, l, model);
  out.push(
    supported
      ? cond('Accepted', true, 'Accepted')
      : cond('Accepted', false, 'UnsupportedProtocol', `protocol ${l.protocol} is not supported`),
  );
  let refs = cond('ResolvedRefs', true, 'ResolvedRefs');
  const badKinds = l.allowedRoutes.kinds.filter(
    (k) => k.group !== group || !(protocolKinds[l.protocol] ?? []).includes(k.kind),
  );
  if (badKinds.length)
    refs = cond(
      'ResolvedRefs',
      false,
      'InvalidRouteKinds',
      `kinds ${badKinds.map((k) => k.kind).join(', ')} cannot attach to a ${l.protocol} listener`,
    );
  if (
    (l.protocol === 'HTTPS' && (!l.tls || (l.tls.mode === 'Terminate' && !l.tls.certificateRefs.length))) ||
    (l.protocol === 'TLS' && l.tls?.mode === 'Terminate' && !l.tls.certificateRefs.length)
  )
    refs = cond(
      'ResolvedRefs',
      false,
      'InvalidCertificateRef',
      `a${l.protocol === 'TLS' ? ' TLS Terminate' : 'n HTTPS'} listener needs tls.certificateRefs`,
    );
  // A ListenerSet's listener refers from the ListenerSet: its namespace, and grants naming kind ListenerSet; the
  // Gateway's grants are not inherited. https://gateway-api.sigs.k8s.io/geps/gep-1713/#referencegrant-semantics
  const home = l.set?.namespace ?? gw.namespace;
  for (const ref of l.tls?.certificateRefs ?? []) {
    const ns = ref.namespace ?? home;
    const notPermitted = certificateRefNotPermitted(r.referenceGrants, l, gw, {
      namespace: ns,
      name: ref.name,
    });
    if (ref.group !== '' || ref.kind !== 'Secret')
      refs = cond(
        'ResolvedRefs',
        false,
        'InvalidCertificateRef',
        `certificateRef ${ref.kind} ${ref.name} is not a Secret`,
      );
    else if (notPermitted) refs = cond('ResolvedRefs', false, 'RefNotPermitted', notPermitted);
    else if (!r.tlsSecrets.some((s) => s.namespace === ns && s.name === ref.name)) {
      const cm = r.certificates.find((c) => c.namespace === ns && c.secretName === ref.name);
      refs = cond(
        'ResolvedRefs',
        false,
        'InvalidCertificateRef',
        `Secret ${ns}/${ref.name} not found${cm ? ` (cert-manager ${cm.key} would create it)` : ''}`,
      );
    } else {
      const secret = r.tlsSecrets.find((s) => s.namespace === ns && s.name === ref.name)!;
      const problem = pemProblem(secret.certPem, secret.keyPem);
      if (problem)
        refs = cond('ResolvedRefs', false, 'InvalidCertificateRef', `Secret ${ns}/${ref.name}: ${problem}`);
    }
    if (refs.status === 'False') break;
  }
  const fv = frontendConditions(gw, l, model);
  if (fv && refs.status === 'True') refs = fv.resolved;
  if (fv?.accepted && out[0].status === 'True') out[0] = fv.accepted;
  out.push(refs);
  const conflict = conflictOf(gw, l);
  const portTaken = !!conflict && !!l.set;
  if (portTaken)
    out[0] = cond(
      'Accepted',
      false,
      'PortUnavailable',
      `port ${l.port} is taken: ${conflictMessage(gw, l, conflict)}`,
    );
  out.push(
    conflict
      ? cond(
          'Conflicted',
          true,
          conflict.protocol !== l.protocol ? 'ProtocolConflict' : 'HostnameConflict',
          l.set ? conflictMessage(gw, l, conflict) : `listener ${conflict.name} uses the same port`,
        )
      : cond('Conflicted', false, 'NoConflicts'),
  );
  const ok = out[0].status === 'True' && refs.status === 'True' && !conflict;
  out.push(
    portTaken
      ? cond('Programmed', false, 'PortUnavailable')
      : cond('Programmed', ok, ok ? 'Programmed' : 'Invalid'),
  );
  return out;
}

const clash = (o: Listener, l: Listener) =>
  o.port === l.port &&
  (o.protocol !== l.protocol
    ? !compatible(o.protocol, l.protocol)
    : (o.hostname ?? '') === (l.hostname ?? ''));

/**
 * The listener `l` conflicts with. Among the Gateway's own listeners, both of a conflicting pair are Conflicted (as
 * before ListenerSets). A ListenerSet listener yields to every listener ahead of it in the merged list — the
 * Gateway's, then older ListenerSets' (GEP-1713 precedence) — and never makes one of those Conflicted.
 * https://gateway-api.sigs.k8s.io/geps/gep-1713/#listener-and-listenerset-conflicts
 */
function conflictOf(gw: Gateway, l: Listener): Listener | undefined {
  if (!l.set) return gw.listeners.find((o) => o !== l && !o.set && clash(o, l));
  const at = gw.listeners.indexOf(l);
  return gw.listeners.slice(0, at).find((o) => clash(o, l));
}

/** Says whose listener won without naming another tenant's ListenerSet (the GEP asks not to leak it). */
function conflictMessage(gw: Gateway, l: Listener, o: Listener): string {
  if (o.set && o.set.key === l.set?.key)
    return `it conflicts with listener ${o.name} of the same ListenerSet`;
  return o.set
    ? 'it conflicts with a listener of another ListenerSet attached to the same Gateway, which takes precedence'
    : `it conflicts with listener ${o.name} of Gateway ${gw.namespace}/${gw.name}, which takes precedence`;
}

/**
 * How answers name a listener: its name, and for a ListenerSet's listener the ListenerSet too (names are unique
 * only within their object).
 */
export function listenerLabel(l: Listener): string {
  return l.set ? `${l.name} of ${l.set.key}` : l.name;
}

const compatible = (a: string, b: string) => (a === 'HTTPS' && b === 'TLS') || (a === 'TLS' && b === 'HTTPS');
