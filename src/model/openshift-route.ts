/**
 * Slim OpenShift `Route` (route.openshift.io/v1), as `src/cluster/routing/_openshift-routes.ts` reads it. Field
 * names mirror the API.
 * https://docs.redhat.com/en/documentation/openshift_container_platform/4.17/html/network_apis/route-route-openshift-io-v1
 */
import type { ObjectMeta } from './types.ts';
import type { SourceRef } from './diagnostic.ts';

/** A `spec.to` or `spec.alternateBackends[]` entry: a Service and its relative weight (0..256, default 100). */
export interface RouteTarget {
  readonly name: string;
  readonly weight: number;
  /** `spec.to` or `spec.alternateBackends[i]`. */
  readonly at: string;
}

export type RouteTermination = 'edge' | 'passthrough' | 'reencrypt';
export type InsecureEdgeTerminationPolicy = 'None' | 'Allow' | 'Redirect';

export interface OpenShiftRoute extends ObjectMeta {
  readonly namespace: string;
  /** Lower case; undefined when the router is left to generate `<name>-<namespace>.<ingress domain>`. */
  readonly host?: string;
  /** `spec.path`; undefined or `/` routes every path of the host. */
  readonly path?: string;
  readonly to: RouteTarget;
  readonly alternateBackends: readonly RouteTarget[];
  /** `spec.port.targetPort`: a port name or number of the Service's endpoints. */
  readonly targetPort?: number | string;
  readonly tls?: {
    readonly termination: RouteTermination;
    /** Default `None`. */
    readonly insecureEdgeTerminationPolicy: InsecureEdgeTerminationPolicy;
    /** Whether the Route carries its own `certificate` (inline PEM). */
    readonly certificate: boolean;
    readonly destinationCACertificate: boolean;
  };
  /** `None` (default) or `Subdomain`. */
  readonly wildcardPolicy: 'None' | 'Subdomain';
  readonly creationTimestamp?: string;
  /** Fields present that change traffic but are not modeled (`spec.httpHeaders`, `spec.subdomain`, …). */
  readonly unmodeled: readonly string[];
  readonly source?: SourceRef;
}
