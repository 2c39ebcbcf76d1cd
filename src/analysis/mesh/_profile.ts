import type { Labels } from '../../lib/labels.ts';
import type { MeshName } from '../../model/mesh.ts';
import type { Namespace, Pod, Service } from '../../model/types.ts';
import type { MeshRouteTable, Sidecar } from './types.ts';

/**
 * What one mesh contributes to the shared model (STYLE.md: meshes as profiles over one model): who gets a
 * proxy, the mesh's own route tables, how subsets resolve, and the settings it shows on answers.
 */
export interface MeshProfile {
  readonly name: MeshName;
  sidecar(pod: Pod, ns: Namespace | undefined): Sidecar;
  /** The mesh's own routes for a Service (Istio VirtualService); GAMMA routes are added by the shared layer. */
  table(service: Service, clientNs: string): MeshRouteTable | undefined;
  /** A named subset's pod labels, or why it does not exist. */
  subset(service: Service, subset: string, clientNs: string): { labels: Labels; notes: string[] } | string;
  /** Settings in effect for requests to a Service (DestinationRule traffic policy, objects not modeled). */
  notes(service: Service, clientNs: string): string[];
}
