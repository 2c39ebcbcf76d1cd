/**
 * Cluster DNS as CoreDNS serves it from the model, and the way a pod's resolver walks its search list.
 * Pure: `createDns(model)` builds the index once; `answer()` is one CoreDNS reply; `resolveFrom()` is what a pod's
 * getaddrinfo would see. https://github.com/kubernetes/dns/blob/master/docs/specification.md
 *
 * @example
 * const dns = createDns(model);
 * dns.answer({ name: 'auth-service.e-commerce.svc.cluster.local', type: 'A' }).answer[0].rdata; // { type: 'A', address: '10.96.1.10' }
 */
import type { ClusterModel, EndpointSlice, Pod } from '../../model/types.ts';
import { lookup } from '../../model/lookup.ts';
import type { Diagnostic } from '../../model/diagnostic.ts';
import type { Profile } from '../../model/profile.ts';
import {
  dnsServerConfig,
  nodeLocalDnsConfig,
  type DnsServerConfig,
  type NodeLocalDns,
} from '../corefile/index.ts';
import { buildDnsIndex, type DnsIndex, type EndpointAddress } from './_index.ts';
export type { AddressMemo, DnsIndex, EndpointAddress, ServiceEntry, DnsService } from './_index.ts';
export {
  addressesOfSlice,
  byAddress,
  dnsService,
  newAddressMemo,
  sliceSerial,
  sortByAddress,
  zoneSerial,
} from './_index.ts';
import { canonicalName } from './_names.ts';
import { nodeResolver, podResolvConf, type Libc, type ResolvConf } from './_resolv-conf.ts';
import { serve, serveNodeLocal, type ServerContext } from './_server.ts';
import { walkSearchList, type WalkResult } from './_walk.ts';
import { lookupHostsFile, podHostsFile } from './_etc-hosts.ts';
import type { DnsQuestion, DnsResponse } from './types.ts';

export type * from './types.ts';
export type { Libc, ResolvConf } from './_resolv-conf.ts';
export type { WalkResult, WalkStep } from './_walk.ts';
export { podResolvConf, renderResolvConf } from './_resolv-conf.ts';
export { podHostsFile } from './_etc-hosts.ts';
export { rdataText, recordLine } from './_present.ts';
export { reverseName, dashedIP } from './_names.ts';
export { schemaVersion } from './_kubernetes.ts';
export { zoneQuestions } from './_zone-questions.ts';
export { nodeSearchAssumed, unknownResolution } from './_assumed.ts';
export { dotlessAssumed } from './_server.ts';

export interface PodResolution {
  readonly pod: Pod;
  readonly resolvConf: ResolvConf;
  readonly walk: WalkResult;
  /**
   * True when the pod's first nameserver is cluster DNS (its replies come from the model); false for another server
   * (dnsPolicy Default or None), whose replies are the profile's externalHosts, else unknown.
   */
  readonly clusterDNS: boolean;
}

export interface Dns {
  readonly config: DnsServerConfig;
  /** NodeLocal DNSCache, when the input has it (see `DnsData.nodeLocal`). */
  readonly nodeLocal?: NodeLocalDns;
  /** Corefile problems and plugins not modeled. */
  readonly diagnostics: readonly Diagnostic[];
  /** CoreDNS's reply to one query (no search list: the name is taken as absolute). */
  answer(q: DnsQuestion): DnsResponse;
  /** What the pod's resolver does with `name`: its resolv.conf and every query of the search-list walk. */
  resolveFrom(pod: Pod, q: DnsQuestion, options?: { libc?: Libc }): PodResolution;
}

export interface CreateDnsOptions {
  /** Use this configuration instead of the model's `coredns` ConfigMap (or the kubeadm default). */
  readonly config?: DnsServerConfig;
  /** Told each slice's ready addresses as the index takes them (an incremental zone keeps them per slice). */
  readonly onSlice?: (slice: EndpointSlice, addresses: EndpointAddress[]) => void;
}

/**
 * Everything cluster DNS needs, as plain data (Maps, arrays, strings): the configuration, its diagnostics, the
 * index and the profile. It survives structured cloning, so a server can build it in another process and keep
 * only this.
 */
export interface DnsData {
  readonly config: DnsServerConfig;
  readonly diagnostics: readonly Diagnostic[];
  readonly index: DnsIndex;
  readonly profile: Profile;
  /** NodeLocal DNSCache, when the input has its ConfigMap: pods whose nameserver it listens on ask it. */
  readonly nodeLocal?: NodeLocalDns;
}

export function buildDnsData(model: ClusterModel, options: CreateDnsOptions = {}): DnsData {
  const fromModel = options.config ? undefined : dnsServerConfig(model);
  const config = options.config ?? fromModel!.config;
  const index = buildDnsIndex(model, {
    podIndex: config.servers.some((s) => s.kubernetes?.pods === 'verified'),
    podNames: config.servers.some((s) => s.kubernetes?.endpointPodNames),
    ...(options.onSlice ? { onSlice: options.onSlice } : {}),
  });
  const nodeLocal = options.config ? undefined : nodeLocalDnsConfig(model);
  return {
    config,
    diagnostics: [...(fromModel?.diagnostics ?? []), ...(nodeLocal?.diagnostics ?? [])],
    index,
    profile: model.profile,
    ...(nodeLocal ? { nodeLocal: nodeLocal.nodeLocal } : {}),
  };
}

export function createDns(model: ClusterModel, options: CreateDnsOptions = {}): Dns {
  return createDnsFromData(buildDnsData(model, options));
}

/** The DNS of `data` (see `buildDnsData`); the model itself is not needed. */
export function createDnsFromData(data: DnsData): Dns {
  const { config, index, profile } = data;
  const externalHosts = new Map(Object.entries(profile.externalHosts).map(([k, v]) => [canonicalName(k), v]));
  const ctx: ServerContext = { config, index, externalHosts };
  // Only the forward answers (the profile's externalHosts) are known for resolvers other than the cluster DNS;
  // the answers name the resolver the pod asks (its first nameserver, or the node's own).
  const upstreamOnly = (nameserver: string): ServerContext => ({
    config: {
      origin: 'default',
      servers: [
        {
          zones: ['.'],
          port: 53,
          rewrites: [],
          notModeled: [],
          unmodeledAnswerers: [],
          forwards: [{ from: '.', to: [nameserver], except: [] }],
        },
      ],
    },
    index,
    externalHosts,
  });
  const answer = (q: DnsQuestion) => serve(ctx, q);
  return {
    config,
    ...(data.nodeLocal ? { nodeLocal: data.nodeLocal } : {}),
    diagnostics: data.diagnostics,
    answer,
    resolveFrom(pod, q, opts = {}) {
      const resolvConf = podResolvConf(pod, profile);
      const libc = opts.libc ?? libcOf(pod, profile);
      const first = resolvConf.nameservers[0] ?? '';
      const viaNodeLocal = data.nodeLocal?.addresses.includes(first) ?? false;
      const clusterDNS = viaNodeLocal || resolvConf.usesClusterDNS || index.dnsServiceIPs.includes(first);
      const server = clusterDNS ? ctx : upstreamOnly(first || nodeResolver);
      const ask =
        viaNodeLocal && data.nodeLocal
          ? (name: string, type: string) =>
              serveNodeLocal({ ...ctx, config: data.nodeLocal!.config }, ctx, {
                name,
                type,
                via: first,
                kind: data.nodeLocal!.kind,
              })
          : (name: string, type: string) => serve(server, { name, type });
      const hosts = podHostsFile(pod, profile.clusterDomain);
      const fromFile = hosts ? lookupHostsFile(hosts, q.name, q.type.toUpperCase()) : [];
      if (fromFile.length) return { pod, resolvConf, walk: hostsFileAnswer(q, fromFile, libc), clusterDNS };
      const walk = walkSearchList(resolvConf, q.name, q.type, ask, libc);
      return { pod, resolvConf, walk, clusterDNS };
    },
  };
}

/** The pod's C library: its `kubetwin.dev/libc` annotation, else the profile's `resolverLibc`, else glibc. */
export function libcOf(pod: Pod, profile: Profile): Libc {
  const a = pod.annotations['kubetwin.dev/libc'];
  if (a === 'musl' || a === 'glibc') return a;
  return profile.resolverLibc ?? 'glibc';
}

/** A lookup /etc/hosts answered: no DNS query is made. */
function hostsFileAnswer(q: DnsQuestion, addresses: readonly string[], libc: Libc): WalkResult {
  const name = q.name.endsWith('.') ? q.name : `${q.name}.`;
  const type = q.type.toUpperCase();
  const final: DnsResponse = {
    question: { name, type },
    rcode: 'NOERROR',
    authoritative: false,
    recursionAvailable: false,
    answer: addresses.map((address) => ({ name, ttl: 0, rdata: { type: type as 'A' | 'AAAA', address } })),
    authority: [],
    additional: [],
    answeredBy: 'etc-hosts',
    notes: ["answered from the pod's /etc/hosts (kubelet's entries and hostAliases) before any DNS query"],
  };
  return { libc, steps: [], final, rcode: 'NOERROR', resolvedName: name };
}

/**
 * Finds the pod `--from ns/name` names: a pod of that name, else the first pod (by name) of a workload of that name.
 * Undefined when neither exists.
 */
export function findPod(model: ClusterModel, ref: string): Pod | undefined {
  const [ns, name] = ref.includes('/') ? ref.split('/', 2) : ['default', ref];
  const idx = lookup(model);
  const exact = idx.podByRef(`${ns}/${name}`);
  if (exact) return exact;
  const w = model.workloads.find((x) => x.namespace === ns && x.name === name && x.podKeys.length);
  return w ? (w.podKeys.map((k) => idx.podByKey(k)).find(Boolean) ?? undefined) : undefined;
}
