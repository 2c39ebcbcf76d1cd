/** The graph the layout takes: nodes grouped by namespace, edges labelled by port and coloured by verdict. */
/** `routes`: where a Service, ingress controller or Gateway forwards to (no verdict: the UI's object nodes). */
export type EdgeVerdict = 'delivered' | 'partial' | 'failed' | 'allowed' | 'routes';

export interface LayoutNode {
  readonly id: string;
  readonly label: string;
  /** The namespace the node is drawn in (its island); `(outside)` for the internet and external addresses. */
  readonly group: string;
  /** What the node stands for, for styling and the UI's selection panel. */
  readonly kind?: 'workload' | 'service' | 'outside' | 'namespace' | 'gateway';
}

/** What a change did to an edge (the UI's diff view): drawn heavier (added, changed) or faded (removed). */
export type EdgeMark = 'added' | 'removed' | 'changed';

export interface LayoutEdge {
  readonly from: string;
  readonly to: string;
  /** The port(s), e.g. `8080` or `80, 443`. */
  readonly label: string;
  readonly verdict: EdgeVerdict;
  readonly mark?: EdgeMark;
}

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface PlacedGroup extends Box {
  readonly id: string;
  readonly label: string;
  /** Nodes in the island. */
  readonly count: number;
}

export interface PlacedNode extends Box {
  readonly id: string;
  readonly label: string;
  readonly group: string;
  readonly kind: NonNullable<LayoutNode['kind']>;
  /** For a namespace drawn as one node (aggregated): how many nodes it stands for. */
  readonly count?: number;
}

export interface PlacedEdge {
  /** `e<index>`, stable for one layout. */
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly label: string;
  readonly verdict: EdgeVerdict;
  readonly mark?: EdgeMark;
  /** The polyline from the source's border to the target's, in graph coordinates. */
  readonly points: readonly (readonly [number, number])[];
  readonly labelBox: Box;
  /** For an edge between aggregated namespaces: how many edges it stands for. */
  readonly count?: number;
  /** The original edges (`from`, `to`, `label`) it stands for, when aggregated. */
  readonly members?: readonly { readonly from: string; readonly to: string; readonly label: string }[];
}

/** A laid-out graph: every coordinate absolute, inside `0..width × 0..height`. */
export interface LaidOutGraph {
  readonly width: number;
  readonly height: number;
  readonly groups: readonly PlacedGroup[];
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
  /** Namespaces drawn as one node each (past the size limit, or collapsed on request), sorted. */
  readonly aggregated: readonly string[];
  /** How many nodes and edges the input had before aggregation. */
  readonly input: { readonly nodes: number; readonly edges: number };
}

export interface LayoutOptions {
  /** Past this many nodes every namespace is drawn as one node with its count (default 150). */
  readonly maxNodes?: number;
  /** Namespaces to draw as one node whatever the size. */
  readonly collapse?: readonly string[];
  /** Namespaces to draw as islands even past `maxNodes` (the UI's click on a collapsed namespace). */
  readonly expand?: readonly string[];
}
