/**
 * Shapes of `diff`: what changed between two analysed clusters, each effect tied to the object changes it
 * depends on. Everything here is plain, sorted data; the renderers in `src/render/diff-*.ts` print it.
 */
import type { Severity } from '../../model/diagnostic.ts';

/** Where one side of a field change is written: `file:line:column`, or undefined on the side without it. */
export interface FieldChange {
  /** Field path as kubectl prints it (`spec.ingress[0].from[0].namespaceSelector`). */
  readonly path: string;
  /** The value as compact JSON; undefined when the field is absent on that side. */
  readonly before?: string;
  readonly after?: string;
  readonly beforeAt?: string;
  readonly afterAt?: string;
}

/** One object added, removed or modified, with its changed fields (the deepest paths where the values part). */
export interface ObjectChange {
  readonly key: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly change: 'added' | 'removed' | 'modified';
  readonly fields: readonly FieldChange[];
  /** Where the object starts on each side. */
  readonly beforeAt?: string;
  readonly afterAt?: string;
}

/**
 * The object changes an effect is attributed to. `certain`: the effect reads these objects and no other object it
 * reads changed (one cause, or every listed change is needed). Otherwise "caused by one of" these.
 */
export interface Cause {
  readonly objects: readonly string[];
  readonly certain: boolean;
}

export type EffectLayer =
  'exposure' | 'connectivity' | 'dns' | 'routing' | 'service' | 'flow' | 'finding' | 'posture';

/** `high`: a flow broke, a new error, new internet exposure; `medium`: lost or gained reach; `low`: the rest. */
export type EffectSeverity = 'high' | 'medium' | 'low';

/** One change in what the network does, before → after, with the object changes behind it. */
export interface Effect {
  readonly layer: EffectLayer;
  readonly severity: EffectSeverity;
  /** Stable identity of the thing that changed (`e-commerce/api-gateway → e-commerce/auth:8000/TCP`). */
  readonly subject: string;
  /** `added`: it exists only after; `removed`: only before; `changed`: both, with different answers. */
  readonly change: 'added' | 'removed' | 'changed';
  /** Better (`fixed`), worse (`broken`), or neither (`neutral`), judged per layer. */
  readonly direction: 'fixed' | 'broken' | 'neutral';
  readonly before: string;
  readonly after: string;
  readonly details: readonly string[];
  readonly cause: Cause;
  /** Graph edge for the Markdown's Mermaid chart (connectivity, exposure, flows). */
  readonly edge?: { readonly from: string; readonly to: string; readonly label: string };
  /** The finding behind a `finding` effect, for SARIF (after side for new findings). */
  readonly finding?: {
    readonly code: string;
    readonly severity: Severity;
    readonly message: string;
    readonly at?: { readonly file: string; readonly line: number; readonly column: number };
  };
}

export interface DiffSummary {
  readonly objects: { readonly added: number; readonly removed: number; readonly modified: number };
  /** Effects per layer, in layer order. */
  readonly layers: Readonly<Record<EffectLayer, number>>;
  readonly flowsBroken: number;
  readonly flowsFixed: number;
  readonly newErrors: number;
  readonly newExposure: number;
}

export interface ClusterDiff {
  readonly objects: readonly ObjectChange[];
  /** Sorted by layer (exposure first), then subject. */
  readonly effects: readonly Effect[];
  readonly summary: DiffSummary;
  /** What the comparison does not cover here, said once (unmodeled objects, heuristic attribution). */
  readonly notes: readonly string[];
}

export const layerOrder: readonly EffectLayer[] = [
  'exposure',
  'flow',
  'connectivity',
  'routing',
  'dns',
  'service',
  'finding',
  'posture',
];
