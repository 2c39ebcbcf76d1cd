import type { GatewayClass, ParametersRef } from '../../model/routing.ts';
import type { ClusterModel } from '../../model/types.ts';
import { kindSupport } from '../../model/catalogue.ts';
import { cond, type Condition } from './_conditions.ts';

/** A GatewayClass as a controller would report it: declared, or assumed from a controller known to install it. */
export interface GatewayClassStatus {
  readonly name: string;
  readonly controllerName: string;
  /** True when the input does not declare the class and kubetwin assumes the controller installed it. */
  readonly assumed: boolean;
  readonly conditions: readonly Condition[];
  /** Said on every answer that goes through a Gateway of this class. */
  readonly note?: string;
}

/**
 * GatewayClasses that a controller creates itself when installed with its usual chart or manifests, by name:
 * istiod creates `istio` and `istio-waypoint` (https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/),
 * Cilium's Helm chart `cilium` when gatewayAPI.enabled (https://docs.cilium.io/en/stable/network/servicemesh/gateway-api/gateway-api/),
 * NGINX Gateway Fabric's chart `nginx` (https://docs.nginx.com/nginx-gateway-fabric/), Traefik's chart `traefik`
 * with the kubernetesGateway provider (https://doc.traefik.io/traefik/providers/kubernetes-gateway/), Envoy
 * Gateway's install `eg` (https://gateway.envoyproxy.io/docs/tasks/quickstart/), and GKE's managed classes
 * (https://cloud.google.com/kubernetes-engine/docs/concepts/gateway-api#gatewayclass).
 */
export const knownClasses: Readonly<Record<string, string>> = {
  istio: 'istio.io/gateway-controller',
  'istio-waypoint': 'istio.io/mesh-controller',
  cilium: 'io.cilium/gateway-controller',
  nginx: 'gateway.nginx.org/nginx-gateway-controller',
  traefik: 'traefik.io/gateway-controller',
  eg: 'gateway.envoyproxy.io/gatewayclass-controller',
  'gke-l7-global-external-managed': 'networking.gke.io/gateway',
  'gke-l7-regional-external-managed': 'networking.gke.io/gateway',
  'gke-l7-rilb': 'networking.gke.io/gateway',
  'gke-l7-gxlb': 'networking.gke.io/gateway',
};

/**
 * Whether the object a parametersRef names is among the input (`others` holds every kind kubetwin reads and does
 * not build); `unknown` for a kind kubetwin does not read at all (a controller's own CRD), which it drops on
 * input, so its absence proves nothing.
 */
export function parametersFound(
  model: ClusterModel,
  ref: ParametersRef,
  namespace?: string,
): boolean | 'unknown' {
  if (!kindSupport(ref.kind, ref.group)) return 'unknown';
  const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
  return model.others.some(
    (o) =>
      o.kind === ref.kind &&
      groupOf(o.apiVersion) === ref.group &&
      o.name === ref.name &&
      (namespace === undefined || o.namespace === namespace),
  );
}

/** The note for a parametersRef of a kind kubetwin does not read. */
export const unchecked = (owner: string, ref: ParametersRef, ns?: string) =>
  `not checked: ${owner} parametersRef ${describeRef(ref, ns)} — kubetwin does not read kind ${ref.kind}, so it cannot tell whether it exists (a dangling one makes the controller reject it with InvalidParameters)`;

const describeRef = (ref: ParametersRef, ns?: string) =>
  `${ref.kind}${ref.group ? `.${ref.group}` : ''} ${ns ? `${ns}/` : ''}${ref.name}`;

/**
 * Status of every GatewayClass the Gateways use or the input declares: `Accepted=True` for a declared class
 * whose parametersRef (if any) exists; `Accepted=False(InvalidParameters)` when "the parametersRef field is
 * invalid" (the referent is not among the input); a class the input does not declare but a known controller
 * installs is assumed, with a note.
 * https://gateway-api.sigs.k8s.io/reference/spec/#gatewayclassconditionreason
 */
export function gatewayClassStatuses(model: ClusterModel): GatewayClassStatus[] {
  const r = model.routing;
  if (!r) return [];
  const out: GatewayClassStatus[] = r.gatewayClasses.map((c: GatewayClass) => {
    const ref = c.parametersRef;
    const found = !ref || parametersFound(model, ref, ref.namespace);
    const ok = found !== false;
    return {
      name: c.name,
      controllerName: c.controllerName,
      assumed: false,
      ...(found === 'unknown' && ref
        ? { note: unchecked(`GatewayClass ${c.name}`, ref, ref.namespace) }
        : {}),
      conditions: [
        ok
          ? cond('Accepted', true, 'Accepted')
          : cond(
              'Accepted',
              false,
              'InvalidParameters',
              `parametersRef ${describeRef(ref, ref.namespace)} is not among the manifests`,
            ),
      ],
    };
  });
  const declared = new Set(out.map((c) => c.name));
  const wanted = [...new Set(r.gateways.map((g) => g.gatewayClassName))].sort();
  for (const name of wanted) {
    const controllerName = knownClasses[name];
    if (declared.has(name) || !controllerName) continue;
    const note = `GatewayClass ${name} is not among the manifests; assumed installed by its controller (${controllerName}), which creates it`;
    out.push({
      name,
      controllerName,
      assumed: true,
      conditions: [cond('Accepted', true, 'Accepted', `assumed: ${note}`)],
      note,
    });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The Gateway's own `Accepted=False` before its listeners are looked at: a dangling
 * `infrastructure.parametersRef` ("If the referent cannot be found … the Gateway SHOULD be rejected with the
 * Accepted status condition set to False and an InvalidParameters reason"), or a requested address of a type
 * the implementation does not support (`UnsupportedAddress`).
 * https://gateway-api.sigs.k8s.io/reference/spec/#gatewayinfrastructure
 */
export function gatewayRejection(
  model: ClusterModel,
  gw: {
    namespace: string;
    parametersRef?: ParametersRef;
    addresses?: readonly { type: string; value: string }[];
  },
): Condition | undefined {
  const ref = gw.parametersRef;
  if (ref && parametersFound(model, ref, gw.namespace) === false)
    return cond(
      'Accepted',
      false,
      'InvalidParameters',
      `infrastructure.parametersRef ${describeRef(ref, gw.namespace)} is not among the manifests`,
    );
  const bad = (gw.addresses ?? []).filter((a) => !addressTypes.includes(a.type));
  if (bad.length)
    return cond(
      'Accepted',
      false,
      'UnsupportedAddress',
      `address type ${bad.map((a) => a.type).join(', ')} is not supported (IPAddress, Hostname and NamedAddress are the spec's types)`,
    );
  return undefined;
}

/** The address types the spec defines. https://gateway-api.sigs.k8s.io/reference/spec/#addresstype */
export const addressTypes = ['IPAddress', 'Hostname', 'NamedAddress'];
