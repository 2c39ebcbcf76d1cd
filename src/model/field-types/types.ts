/** The JSON type a field must have (`integer-or-string`: Kubernetes' IntOrString, e.g. `targetPort`). */
export type FieldType = 'string' | 'integer' | 'boolean' | 'map' | 'list' | 'integer-or-string';

/**
 * The fields of one kind, one per line: `path type [min..max | port]`. The path is dotted, `*` standing for every
 * element of a list or every key of a map; the range (integers only) is the one the API server validates, `port`
 * being 1..65535 reported as `invalid-port`. `PodSpec` and
 * `PodTemplate` hold the pod fields shared by every workload (under `spec.template` and the like).
 */
export interface KindFields {
  readonly kind: string;
  /** Where the types and ranges come from (the kind's API reference). */
  readonly source: string;
  readonly fields: string;
}

export interface FieldRule {
  readonly kind: string;
  readonly path: string;
  readonly type: FieldType;
  readonly min?: number;
  readonly max?: number;
  /** The diagnostic code of a value out of range: `invalid-port` for ports, else `invalid-field`. */
  readonly code: string;
  readonly source: string;
}
