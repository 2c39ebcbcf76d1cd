import type { ControllerProfile, HttpRequest } from '../../model/routing.ts';
import type { ObjectKey } from '../../model/types.ts';

/** A Kubernetes object as emitted: plain data, printed as YAML or JSON. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly annotations?: Record<string, string>;
  };
  readonly spec: Record<string, unknown>;
}

/** Something of an Ingress that has no Gateway API equivalent, or that the conversion changed. */
export interface Unconvertible {
  readonly object: ObjectKey;
  /** The field or annotation, as `metadata.annotations["…"]` or `spec.rules[0].paths[1]`. */
  readonly what: string;
  readonly reason: string;
}

/** How a router answered one sample request, reduced to what must stay equal across the conversion. */
export interface Outcome {
  readonly status: number;
  /** `namespace/name:port` of each usable backend, sorted. */
  readonly backends: readonly string[];
  readonly redirect?: string;
  readonly rewrittenPath?: string;
}

export interface Sample {
  readonly request: HttpRequest;
  /** Why the sample exists: `path of Ingress/ns/n rules[0].paths[1]`, `prefix boundary`, `unknown host`… */
  readonly why: string;
}

export interface Difference {
  readonly url: string;
  readonly why: string;
  readonly ingress: Outcome;
  readonly gateway: Outcome;
}

export interface ClassConversion {
  readonly ingressClass: string;
  /** The controller behaviour profile the Ingress side of the equivalence check ran under. */
  readonly profile: ControllerProfile;
  readonly gateway: { readonly namespace: string; readonly name: string };
  readonly ingresses: readonly ObjectKey[];
  readonly samples: number;
  readonly differences: readonly Difference[];
}

export interface ConversionResult {
  /** Every emitted object, GatewayClasses first, then Gateways, ReferenceGrants and HTTPRoutes, each sorted. */
  readonly objects: readonly Manifest[];
  readonly classes: readonly ClassConversion[];
  readonly unconvertible: readonly Unconvertible[];
  /** Problems the emitted manifests had when read back (a converter bug if ever non-empty). */
  readonly rebuildProblems: readonly string[];
}
