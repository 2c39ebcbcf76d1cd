import type { ClusterModel, EndpointSlice, Pod, Service } from '../../model/types.ts';
import { PolicyEngine, type HttpRequest, type Party, type Verdict } from '../policy/index.ts';
import type { Protocol } from '../../model/types.ts';

/** One connection the policy hop judged, for renderers that print flows (`trace -o hubble`). */
export interface JudgedFlow {
  readonly from: Party;
  readonly to: Party;
  /** The port the connection carries on the wire (a mesh may change it: Linkerd's 4143, Istio ambient's 15008). */
  readonly port: number;
  /** Another port it may carry instead, when the mesh may change it and the input does not say (judged apart). */
  readonly maybePort?: number;
  readonly protocol: Protocol;
  readonly http?: HttpRequest;
  readonly verdict: Verdict;
}
import { lookup } from '../../model/lookup.ts';
import { createDns, type Dns } from '../dns/index.ts';
import { compileRouter, type Router, type Via } from '../route/index.ts';
import type { CertTable } from '../tls/index.ts';
import type { Hop } from './types.ts';

/** Everything a trace consults, compiled once per model and shared by every trace. */
export interface TraceContext {
  readonly model: ClusterModel;
  readonly engine: PolicyEngine;
  readonly dns: Dns;
  readonly certificates?: CertTable;
  readonly now?: string;
  /** Called with every connection a policy hop judges, in order (set by `TraceContextOptions.onJudged`). */
  readonly onJudged?: (flow: JudgedFlow) => void;
  router(via: Via): Router | string;
  serviceByIP(ip: string): Service | undefined;
  podByIP(ip: string): Pod | undefined;
  serviceNamed(namespace: string, name: string): Service | undefined;
  /** A pod by `namespace/name`. */
  podNamed(ref: string): Pod | undefined;
  /** Pods of a workload (by its key), in model order. */
  podsOfWorkload(key: string): readonly Pod[];
  /** The EndpointSlices of a Service. */
  slicesOf(namespace: string, name: string): readonly EndpointSlice[];
}

export interface TraceContextOptions {
  readonly certificates?: CertTable;
  readonly now?: string;
  /** Receives every connection a policy hop judges (the trace itself is unchanged). */
  readonly onJudged?: (flow: JudgedFlow) => void;
  /**
   * The policy engine to judge with: `reach` passes its own, compiled with its `--host-network` mode, when it follows
   * a load balancer; default one compiled for the trace (hostNetwork pods are their node's address).
   */
  readonly engine?: PolicyEngine;
}

export function createTraceContext(model: ClusterModel, options: TraceContextOptions = {}): TraceContext {
  // A trace judges a few connections: the rule table (read by all-pairs readers only) is laid out on first ask.
  const engine = options.engine ?? new PolicyEngine(model, { ruleTable: 'on-demand' });
  const dns = createDns(model);
  const routers = new Map<string, Router | string>();
  const byClusterIP = new Map<string, Service>();
  for (const s of model.services) for (const ip of s.clusterIPs) byClusterIP.set(ip, s);
  const byPodIP = new Map<string, Pod>();
  for (const p of model.pods) if (!p.hostNetwork) for (const ip of p.ips) byPodIP.set(ip, p);
  const idx = lookup(model);
  return {
    model,
    engine,
    dns,
    certificates: options.certificates,
    now: options.now,
    onJudged: options.onJudged,
    router(via) {
      const key = JSON.stringify(via);
      let r = routers.get(key);
      if (!r)
        routers.set(
          key,
          (r = compileRouter(model, { via, certificates: options.certificates, now: options.now })),
        );
      return r;
    },
    serviceByIP: (ip) => byClusterIP.get(ip),
    podByIP: (ip) => byPodIP.get(ip),
    serviceNamed: (ns, name) => idx.serviceByRef(`${ns}/${name}`),
    podNamed: idx.podByRef,
    podsOfWorkload: idx.podsOfWorkload,
    slicesOf: idx.slicesOf,
  };
}

/** The failed hop when `router()` cannot build the router a request needs (its reason, as `router()` gives it). */
export const routerUnavailable = (reason: string): Hop => ({
  kind: 'route',
  title: 'router unavailable',
  verdict: 'fail',
  details: [reason],
  objects: [],
});
