import type { SourceRef } from '../../model/diagnostic.ts';
import type { Flow, FlowStep } from '../flows/index.ts';

export type HopKind =
  | 'dns'
  | 'external-dns'
  | 'load-balancer'
  | 'node'
  | 'controller'
  | 'route'
  | 'sidecar'
  | 'mirror'
  | 'tls'
  | 'service'
  | 'endpoints'
  | 'policy'
  | 'deliver';

/** One hop of a trace, with its verdict and the objects (and YAML lines) that decided it. */
export interface Hop {
  readonly kind: HopKind;
  readonly title: string;
  /** `ok` passed, `fail` stops the request here, `warn` passed with a caveat, `info` context only. */
  readonly verdict: 'ok' | 'fail' | 'warn' | 'info';
  readonly details: readonly string[];
  readonly objects: readonly { readonly key: string; readonly source?: SourceRef }[];
  /**
   * Where this hop sends the request next: for policy hops the destinations judged (`ns/pod` or an address, with
   * the port), allowed or not; for route hops the backend (`service:ns/name`).
   */
  readonly destinations?: readonly { readonly target: string; readonly port: number }[];
  /**
   * What kubetwin does not model that may change this hop's verdict: keys of unmodeled objects
   * (src/analysis/unmodeled), or in words what a router, mesh proxy or policy could not decide.
   */
  readonly unknown?: readonly string[];
  /**
   * Set when the hop fails only because the input lacks what would decide it (a public name with no address in the
   * profile's externalHosts): the outcome is unknown, not a defect of the cluster, and doctor reports it as info.
   */
  readonly undecided?: string;
}

/** Where the request ends up. */
export interface Delivery {
  readonly pod: string;
  readonly ip: string;
  readonly port: number;
}

/** The smallest change that would let the request through, with a YAML patch where one is clear. */
export interface Fix {
  readonly summary: string;
  readonly patch?: string;
  /** The object whose mistake denies the request (a policy's selector or ports): a doctor finding on it is the fix. */
  readonly culprit?: string;
  /** The doctor finding the fix points at (`code`, object key), when the pipeline found one on the culprit. */
  readonly finding?: { readonly code: string; readonly key: string; readonly source?: string };
}

export interface Trace {
  readonly from: string;
  readonly to: string;
  /** `delivered` every candidate reached; `partial` some did (kube-proxy may pick a blocked one); `failed` none. */
  readonly outcome: 'delivered' | 'partial' | 'failed';
  readonly hops: readonly Hop[];
  readonly delivered: readonly Delivery[];
  /** The first hop that fails, and why. */
  readonly failure?: { readonly hop: number; readonly reason: string };
  readonly fix?: Fix;
  /**
   * What kubetwin does not model that may change a hop of this trace (every hop's `unknown`): the outcome is then
   * what the modeled objects say, not an answer.
   */
  readonly unknown?: readonly string[];
}

export interface FlowTrace {
  readonly flow: Flow;
  readonly steps: readonly { readonly step: FlowStep; readonly trace: Trace }[];
  readonly outcome: 'delivered' | 'partial' | 'failed';
}
