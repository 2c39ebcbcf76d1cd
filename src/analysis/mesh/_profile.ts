import type { Labels } from '../../lib/labels.ts';
import type { MeshName } from '../../model/mesh.ts';
import type { Namespace, Pod, Service } from '../../model/types.ts';
import type { MeshRequest, MeshRouteTable, Sidecar } from './types.ts';

/** The client pod a sidecar routes for, as far as per-client settings (an Istio DestinationRule workloadSelector) need it. */
export type RoutingClient = Pick<Pod, 'namespace' | 'labels'>;

/**
 * The client pod and the port a request goes to, when the routes its proxy has depend on them (an Istio Sidecar
 * imports VirtualServices per egress listener); without it, every route exported to the client's namespace counts.
 */
export interface ScopedClient {
  readonly pod: Pod;
  readonly port: number;
}

export interface MeshPolicy {
  readonly notes: readonly string[];
  readonly timeout?: string;
  readonly retries?: string;
  /**
   * Why the client's proxy weighs endpoints by locality (Istio: a DestinationRule with `outlierDetection` or
   * `localityLbSetting`), so that which endpoints take a request depends on where they run; undefined when not.
   */
  readonly locality?: string;
}

/**
 * What one mesh contributes to the shared model (STYLE.md: meshes as profiles over one model): who gets a
 * proxy, the mesh's own route tables, how subsets resolve, and the settings it shows on answers.
 */
export interface MeshProfile {
  readonly name: MeshName;
  sidecar(pod: Pod, ns: Namespace | undefined): Sidecar;
  /**
   * The mesh's own routes for a Service (Istio VirtualService) as a client of `clientNs` sees them (exportTo);
   * GAMMA routes are added by the shared layer.
   */
  table(service: Service, clientNs: string, client?: ScopedClient): MeshRouteTable | undefined;
  /** The mesh's routes for a host that is not a Service (an Istio ServiceEntry host), for a client's namespace. */
  hostTable?(host: string, clientNs: string, client?: ScopedClient): MeshRouteTable | undefined;
  /** A named subset's pod labels, or why it does not exist, for the client pod routing (its namespace and labels). */
  subset(
    service: Service,
    subset: string,
    client: RoutingClient,
  ): { labels: Labels; notes: string[] } | string;
  /**
   * Settings in effect for this request to a Service (DestinationRule traffic policy, a ServiceProfile
   * route's timeout and retries); `timeout`/`retries` fill the answer when the winning route sets none.
   */
  policy(service: Service, client: RoutingClient, req: MeshRequest): MeshPolicy;
}
