/** The JSON shapes of the API the page reads (see src/http). */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface PlacedNode extends Box {
  id: string;
  label: string;
  group: string;
  kind: string;
  count?: number;
}
export interface PlacedEdge {
  id: string;
  from: string;
  to: string;
  label: string;
  verdict: 'delivered' | 'partial' | 'failed' | 'allowed' | 'routes';
  count?: number;
  members?: { from: string; to: string; label: string }[];
}
export interface GraphResponse {
  version: number;
  title: string;
  namespaces: string[];
  ports: string[];
  labels: string[];
  nodeLabels: Record<string, string[]>;
  notes: string[];
  layout: {
    width: number;
    height: number;
    nodes: PlacedNode[];
    edges: PlacedEdge[];
    groups: (Box & { id: string })[];
    aggregated: string[];
    input: { nodes: number; edges: number };
  };
  svg: string;
  via?: string;
  diagnostics: number;
  flows: number;
}
export interface SourceAt {
  file: string;
  line: number;
  at: string;
}
export interface Hop {
  kind: string;
  title: string;
  verdict: 'ok' | 'fail' | 'warn' | 'info';
  details: string[];
  objects: { key: string; source?: SourceAt }[];
}
export interface Finding {
  code: string;
  severity: string;
  message: string;
  breaks: string;
  fix: string;
  patch?: string;
  objects: { key: string; source?: SourceAt }[];
}
