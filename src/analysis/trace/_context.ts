import type { ClusterModel, EndpointSlice, Pod, Service } from '../../model/types.ts';
import { PolicyEngine } from '../policy/index.ts';
import { createDns, type Dns } from '../dns/index.ts';
import { compileRouter, type Router, type Via } from '../route/index.ts';
import type { CertTable } from '../tls/index.ts';

/** Everything a trace consults, compiled once per model and shared by every trace. */
export interface TraceContext {
  readonly model: ClusterModel;
  readonly engine: PolicyEngine;
  readonly dns: Dns;
  readonly certificates?: CertTable;
  readonly now?: string;
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
}

export function createTraceContext(model: ClusterModel, options: TraceContextOptions = {}): TraceContext {
  const engine = new PolicyEngine(model);
  const dns = createDns(model);
  const routers = new Map<string, Router | string>();
  const byClusterIP = new Map<string, Service>();
  for (const s of model.services) for (const ip of s.clusterIPs) byClusterIP.set(ip, s);
  const byPodIP = new Map<string, Pod>();
  for (const p of model.pods) if (!p.hostNetwork) for (const ip of p.ips) byPodIP.set(ip, p);
  const byName = new Map(model.services.map((s) => [`${s.namespace}/${s.name}`, s]));
  const podByRef = new Map(model.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
  const podsByOwner = new Map<string, Pod[]>();
  for (const p of model.pods)
    if (p.owner) (podsByOwner.get(p.owner) ?? podsByOwner.set(p.owner, []).get(p.owner)!).push(p);
  const slices = new Map<string, EndpointSlice[]>();
  for (const e of model.endpointSlices) {
    const k = `${e.namespace}/${e.serviceName}`;
    (slices.get(k) ?? slices.set(k, []).get(k)!).push(e);
  }
  return {
    model,
    engine,
    dns,
    certificates: options.certificates,
    now: options.now,
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
    serviceNamed: (ns, name) => byName.get(`${ns}/${name}`),
    podNamed: (ref) => podByRef.get(ref),
    podsOfWorkload: (key) => podsByOwner.get(key) ?? [],
    slicesOf: (ns, name) => slices.get(`${ns}/${name}`) ?? [],
  };
}
