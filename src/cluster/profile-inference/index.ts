/**
 * The cluster profile inferred from what the input observed (a `kubectl get -A -o yaml` dump, a live
 * cluster): pure, data in and data out. Precedence, field by field: a field the ClusterProfile file sets, else
 * the value inferred here, else the default (`defaultProfile`). Every value records where it came from
 * (`Profile.origins`), which `kubetwin profile` prints.
 */
import type { Diagnostic } from '../../model/diagnostic.ts';
import {
  cidrList,
  defaultProfile,
  type Profile,
  type ProfileField,
  type ProfileOrigin,
  unknownCNI,
} from '../../model/profile.ts';
import { cidrAt, cidrContains, formatIP, parseCidr, parseIP } from '../../lib/ip.ts';
import type { RawObject } from '../../parse/index.ts';
import { readProfile } from '../profile.ts';
import { inferCni, inferKubeProxy } from './_cni.ts';
import { inferControlPlaneFlags } from './_control-plane.ts';
import { inferClusterDomain, inferDnsServiceIP } from './_dns.ts';
import { inferPodRanges, inferServiceCIDR, primaryFamily } from './_network.ts';
import { inferMaxPods, inferNodes } from './_nodes.ts';
import { inferNodeSearchDomains } from './_node-dns.ts';
import { at, isKind, isObserved, type Inferred } from './_observed.ts';
import { inferK3sDns, inferK3sDomain, inferK3sRange, k3sServers, strings } from './_k3s.ts';

export type { Inferred } from './_observed.ts';
export { isK3sKubelet } from './_cni.ts';
export { isObserved } from './_observed.ts';

export interface InferProfileOptions {
  /** The ClusterProfile object given (`--profile`, or `kubetwin.yaml` among the manifests). */
  readonly given?: RawObject;
}

export interface InferredProfile {
  /** The profile in use, with `origins` set for every field. */
  readonly profile: Profile;
  /** The profile file's own diagnostics, `profile-inferred` notes and `profile-contradicts-observed` warnings. */
  readonly diagnostics: Diagnostic[];
}

type Inferences = Partial<{ [K in ProfileField]: Inferred<Profile[K]> }>;

/** Every value this module can infer from the objects, by profile field. */
export function inferFromObjects(objects: readonly RawObject[]): Inferences {
  const primary = primaryFamily(objects);
  const pods = inferPodRanges(objects, primary);
  // What the control plane is started with is the range itself; the nodes' and pods' addresses only a sample of it.
  const flags = inferControlPlaneFlags(objects);
  const k3s = k3sServers(objects);
  const nodes = objects.filter((o) => isKind(o, 'Node', ''));
  const services = objects.filter((o) => isKind(o, 'Service', '') && isObserved(o));
  const k3sPods = inferK3sRange(
    k3s,
    'cluster-cidr',
    nodes.flatMap((n) => strings(at(n.body, 'spec', 'podCIDRs'))),
  );
  const k3sServices = inferK3sRange(
    k3s,
    'service-cidr',
    services.flatMap((s) => strings(at(s.body, 'spec', 'clusterIPs'))),
  );
  const serviceCIDR = inferServiceCIDR(objects, primary, flags.serviceCIDR ?? k3sServices);
  // k3s's kubelet takes --cluster-dns and --cluster-domain from the server: stated, they are what pods are given;
  // k3s's defaults come after what the cluster shows (the kube-dns Service k3s creates at --cluster-dns).
  const k3sDns = inferK3sDns(k3s, serviceCIDR);
  const k3sDomain = inferK3sDomain(k3s);
  const all: Inferences = {
    podCIDR: flags.podCIDR ?? k3sPods ?? pods.podCIDR,
    nodeCIDRMaskSize: pods.nodeCIDRMaskSize ?? flags.nodeCIDRMaskSize,
    nodeCIDRMaskSizeIPv6: pods.nodeCIDRMaskSizeIPv6 ?? flags.nodeCIDRMaskSizeIPv6,
    serviceCIDR,
    nodePortRange: flags.nodePortRange,
    dnsServiceIP: k3sDns.stated ?? inferDnsServiceIP(objects) ?? k3sDns.defaulted,
    clusterDomain: k3sDomain.stated ?? inferClusterDomain(objects) ?? k3sDomain.defaulted,
    cni: inferCni(objects),
    kubeProxy: inferKubeProxy(objects),
    nodes: inferNodes(objects),
    maxPodsPerNode: inferMaxPods(objects),
    nodeSearchDomains: inferNodeSearchDomains(objects),
  };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as Inferences;
}

/** Exact inferences that a profile field set to something else contradicts (worth a warning). */
const comparable: Partial<Record<ProfileField, (p: Profile) => string>> = {
  serviceCIDR: (p) => p.serviceCIDR,
  dnsServiceIP: (p) => p.dnsServiceIP,
  clusterDomain: (p) => p.clusterDomain,
  cni: (p) => `${p.cni.name}/${p.cni.enforcesNetworkPolicy}`,
  kubeProxy: (p) => p.kubeProxy.mode,
};

/**
 * A link-local `dnsServiceIP` (kubelet's clusterDNS on NodeLocal DNSCache's 169.254.20.10, or GKE's metadata server
 * 169.254.169.254 with Cloud DNS for GKE) is not contradicted by the kube-dns Service: that Service keeps its
 * ClusterIP while pods ask the node-local address. https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/
 * · https://cloud.google.com/kubernetes-engine/docs/concepts/about-cloud-dns
 */
function nodeLocalResolver(field: ProfileField, profile: { readonly dnsServiceIP?: string }): boolean {
  return field === 'dnsServiceIP' && /^169\.254\./.test(String(profile.dnsServiceIP ?? ''));
}

/**
 * The profile in use: each field from the given ClusterProfile when it sets it (validly), else inferred from
 * the objects, else the default. A guess (a covering prefix) is reported as a `profile-inferred` note; a profile
 * field that an object contradicts is a `profile-contradicts-observed` warning (the profile still wins).
 */
export function inferProfile(
  objects: readonly RawObject[],
  options: InferProfileOptions = {},
): InferredProfile {
  const given = options.given;
  const read = readProfile(given);
  const diagnostics: Diagnostic[] = [...read.diagnostics];
  const invalid = new Set(read.diagnostics.map((d) => d.source?.path?.split(/[.[]/)[0]));
  const isSet = (field: ProfileField) => !!given && field in given.body && !invalid.has(field);
  const inferred = inferFromObjects(objects);
  const values: Record<string, unknown> = { ...read.profile };
  const origins: Partial<Record<ProfileField, ProfileOrigin>> = {};
  const fields = Object.keys(defaultProfile).concat([
    'resolverLibc',
    'nodeSearchDomains',
    'ingressControllers',
  ]) as ProfileField[];
  for (const field of fields) {
    const guess = inferred[field] as Inferred<unknown> | undefined;
    if (isSet(field)) {
      origins[field] = { from: 'profile', sources: [given!.locate([field])] };
      const show = comparable[field];
      if (
        guess?.exact &&
        show &&
        show(read.profile) !== show({ ...read.profile, [field]: guess.value }) &&
        !nodeLocalResolver(field, read.profile)
      ) {
        diagnostics.push({
          code: 'profile-contradicts-observed',
          severity: 'warning',
          message: `the profile sets ${field} to ${show(read.profile)}, but ${guess.rule} says ${show({ ...read.profile, [field]: guess.value })}; the profile wins`,
          source: given!.locate([field]),
          hint: `Remove ${field} from the profile to use the observed value, or check that the input comes from the cluster the profile describes.`,
        });
      }
    } else if (guess) {
      values[field] = guess.value;
      origins[field] = {
        from: 'inferred',
        sources: guess.sources,
        rule: guess.rule,
        ...(guess.note ? { note: guess.note } : {}),
      };
      if (!guess.exact) diagnostics.push(guessNote(field, guess));
    } else if (field in values && values[field] !== undefined) origins[field] = { from: 'default' };
  }
  const dns = dnsFromServiceCIDR(values.serviceCIDR as string, origins);
  if (dns) {
    values.dnsServiceIP = dns.value;
    origins.dnsServiceIP = { from: 'inferred', sources: dns.sources, rule: dns.rule, note: dns.note };
    diagnostics.push(guessNote('dnsServiceIP', dns));
  }
  // The default nodes' ranges are carved from the default pod CIDR: under another pod CIDR they get theirs from
  // it, as kube-controller-manager would.
  if (origins.nodes?.from === 'default' && origins.podCIDR?.from !== 'default')
    values.nodes = defaultProfile.nodes.map((n) => ({ ...n, podCIDR: undefined }));
  return { profile: { ...(values as unknown as Profile), origins }, diagnostics };
}

/** The note for a value that is a guess rather than stated by an object. */
function guessNote(field: ProfileField, guess: Inferred<unknown>): Diagnostic {
  return {
    code: 'profile-inferred',
    severity: 'info',
    message: `${field} ${display(guess.value)} is inferred: ${guess.rule}${guess.note ? ` (${guess.note})` : ''}`,
    source: guess.sources[0],
    hint: `Set ${field} in a ClusterProfile (kubetwin profile prints one to edit) if the cluster's differs.`,
  };
}

/** A value as a message shows it: scalars as they are, the CNI by name and enforcement, others as JSON. */
function display(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  const cni = value as Partial<Profile['cni']>;
  if (cni.name === unknownCNI) return `${unknownCNI} (NetworkPolicy enforcement unknown)`;
  if (typeof cni.name === 'string' && typeof cni.enforcesNetworkPolicy === 'boolean')
    return `${cni.name} (${cni.enforcesNetworkPolicy ? 'enforces' : 'does not enforce'} NetworkPolicy)`;
  return JSON.stringify(value);
}

/**
 * Under a service CIDR other than the default, with no DNS IP set or observed: the 10th address of the primary
 * service range, as kubeadm gives kube-dns (`GetDNSIP`,
 * https://github.com/kubernetes/kubernetes/blob/master/cmd/kubeadm/app/constants/constants.go) and k3s does
 * (10.43.0.10); the default 10.96.0.10 would be outside the range.
 */
function dnsFromServiceCIDR(
  serviceCIDR: string,
  origins: Partial<Record<ProfileField, ProfileOrigin>>,
): Inferred<string> | undefined {
  if (origins.dnsServiceIP?.from !== 'default' || origins.serviceCIDR?.from === 'default') return undefined;
  const primary = parseCidr(cidrList(serviceCIDR)[0] ?? '');
  const fallback = parseIP(defaultProfile.dnsServiceIP);
  if (!primary || (fallback && cidrContains(primary, fallback))) return undefined;
  return {
    value: formatIP(cidrAt(primary, 10n)),
    sources: origins.serviceCIDR?.sources ?? [],
    rule: `the 10th address of the service CIDR ${primary.text}, as kubeadm and k3s give kube-dns`,
    note: 'no kube-dns Service read back from the cluster states it',
    exact: false,
  };
}
