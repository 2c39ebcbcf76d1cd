/** A status condition as a conformant implementation writes it (type, status, upstream reason). */
export interface Condition {
  readonly type: 'Accepted' | 'ResolvedRefs' | 'Programmed' | 'Conflicted';
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
}

export const cond = (
  type: Condition['type'],
  ok: boolean | 'unknown',
  reason: string,
  message = '',
): Condition => ({ type, status: ok === 'unknown' ? 'Unknown' : ok ? 'True' : 'False', reason, message });

export interface ListenerStatus {
  readonly name: string;
  readonly port: number;
  readonly protocol: string;
  readonly hostname?: string;
  readonly supportedKinds: readonly string[];
  readonly attachedRoutes: number;
  readonly conditions: readonly Condition[];
}

export interface GatewayStatus {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly className: string;
  readonly conditions: readonly Condition[];
  readonly listeners: readonly ListenerStatus[];
  /** `status.addresses`: requested ones, or the load balancer's. */
  readonly addresses: readonly { readonly type: string; readonly value: string }[];
  /** What the status rests on that the input does not say (an assumed GatewayClass, where addresses come from). */
  readonly notes: readonly string[];
  /**
   * `status.attachedListenerSets`: ListenerSets admitted by `spec.allowedListeners` and Accepted; set only when the
   * Gateway declares allowedListeners or a ListenerSet names it. https://gateway-api.sigs.k8s.io/geps/gep-1713/
   */
  readonly attachedListenerSets?: number;
}

/**
 * A ListenerSet's status (GEP-1713): `Accepted`/`Programmed` (NotAllowed, ParentNotAccepted, ListenersNotValid) and
 * its own listeners only, never its Gateway's.
 * https://gateway-api.sigs.k8s.io/geps/gep-1713/#listenerset-conditions
 */
export interface ListenerSetStatus {
  /** `ListenerSet/ns/name` or `XListenerSet/ns/name`. */
  readonly key: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** `Gateway/ns/name` of its parentRef. */
  readonly parent: string;
  readonly conditions: readonly Condition[];
  readonly listeners: readonly ListenerStatus[];
}

export interface RouteParentStatus {
  /** `Gateway/ns/name[/sectionName][:port]`. */
  readonly parent: string;
  readonly conditions: readonly Condition[];
}

export interface RouteStatus {
  readonly key: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly hostnames: readonly string[];
  readonly parents: readonly RouteParentStatus[];
}
