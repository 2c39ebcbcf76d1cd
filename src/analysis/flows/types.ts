import type { SourceRef } from '../../model/diagnostic.ts';
import type { Protocol } from '../../model/types.ts';

/** Where traffic starts: a pod or workload (`ns/name`), an address outside the cluster, or the internet. */
export type FlowSource =
  | { readonly kind: 'ref'; readonly namespace: string; readonly name: string }
  | { readonly kind: 'ip'; readonly ip: string }
  | { readonly kind: 'internet' };

/**
 * Where traffic goes: a URL (`https://api.example.com/login`, `tcp://db:3306`) resolved like the application
 * would resolve it, a Service (`service:ns/name:port`), an address (`ip:1.2.3.4:port`), or a pod or workload
 * with a port (`ns/name`).
 */
export type FlowTarget =
  | {
      readonly kind: 'url';
      readonly scheme: 'http' | 'https' | 'tcp' | 'udp' | 'grpc';
      readonly host: string;
      readonly port: number;
      readonly path: string;
      readonly protocol: Protocol;
      /** The HTTP method of an http(s) request; undefined: GET. */
      readonly method?: string;
      /** Headers of an http(s) request beyond Host, names lowercased (`trace -H`); undefined: none. */
      readonly headers?: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'service';
      readonly namespace: string;
      readonly name: string;
      readonly port: number;
      readonly protocol: Protocol;
    }
  | { readonly kind: 'ip'; readonly ip: string; readonly port: number; readonly protocol: Protocol }
  | {
      readonly kind: 'ref';
      readonly namespace: string;
      readonly name: string;
      readonly port?: number;
      readonly protocol: Protocol;
    };

/** Why discovery believes in a step: the setting, route or annotation that names it, with its line. */
export interface Evidence {
  readonly text: string;
  readonly source?: SourceRef;
}

/** How sure discovery is of a step: `high` an address with a port or scheme, a route or a monitor; `medium` a bare name. */
export type Confidence = 'high' | 'medium' | 'low';

export interface FlowStep {
  readonly from: FlowSource;
  readonly to: FlowTarget;
  /** The step as written (`from → to`), for output. */
  readonly text: string;
  readonly source?: SourceRef;
  /** Set on discovered steps only (`origin: 'discovered'`). */
  readonly evidence?: readonly Evidence[];
  readonly confidence?: Confidence;
}

export interface Flow {
  readonly name: string;
  readonly steps: readonly FlowStep[];
  /** `flows-file` for a flows file, `discovered` for flows found in the manifests, or the key of the ClientIntents it came from. */
  readonly origin: string;
  readonly source?: SourceRef;
}
