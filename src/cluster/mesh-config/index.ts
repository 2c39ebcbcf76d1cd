/**
 * Raw objects → the mesh model: which mesh runs (the profile's `mesh`, else detected from its control plane)
 * and Istio's VirtualServices and DestinationRules in slim form. Invalid objects are reported with
 * file:line:col and marked invalid, so the builder leaves them out of `others` too.
 */
import type { Diagnostic } from '../../model/diagnostic.ts';
import type {
  DestinationRule,
  LinkerdDefaultPolicy,
  MeshModel,
  MeshName,
  VirtualService,
} from '../../model/mesh.ts';
import type { Profile } from '../../model/profile.ts';
import { byNamespaceName } from '../../model/keys.ts';
import type { Envelope } from '../_envelope.ts';
import { istioNetworkingGroup, readDestinationRule, readVirtualService } from './_istio.ts';
import { readServiceProfile } from './_linkerd.ts';
import { readServiceEntry, readWorkloadEntry } from './_istio-entries.ts';
import { readIstioGateway } from './_istio-gateway.ts';
import { readIstioSidecar } from './_istio-sidecar.ts';
import { readIstioExportDefaults } from './_istio-export-defaults.ts';
import { checkGatewayBinding } from './_istio-gateway-check.ts';
import { istioSecurityGroup, readAuthorizationPolicy, readPeerAuthentication } from './_istio-security.ts';
import { readRoute } from '../routing/index.ts';
import { rolloutWeightsAtRest } from './_argo-rollouts-istio.ts';
import {
  linkerdPolicyGroup,
  readLinkerdAuthorizationPolicy,
  readMeshTLSAuthentication,
  readEgressNetwork,
  readNetworkAuthentication,
  readServer,
  readServerAuthorization,
} from './_linkerd-policy.ts';

/** Linkerd's default `clusterNetworks` (Helm values of linkerd-control-plane). */
export const linkerdClusterNetworks: readonly string[] = [
  '10.0.0.0/8',
  '100.64.0.0/10',
  '172.16.0.0/12',
  '192.168.0.0/16',
  'fd00::/8',
];

export { re2Problem } from './_istio.ts';
export {
  boundHosts,
  exportedTo,
  gatewayRefOf,
  intersectHosts,
  splitServerHost,
  vsHostFqdn,
} from './_istio-gateway-bind.ts';

/** Control-plane objects that give a mesh away, most telling first. */
const controlPlanes: readonly { mesh: MeshName; kind: string; namespace?: string; name: string }[] = [
  { mesh: 'istio', kind: 'Deployment', name: 'istiod' },
  { mesh: 'linkerd', kind: 'Deployment', name: 'linkerd-destination' },
  { mesh: 'istio', kind: 'Namespace', name: 'istio-system' },
  { mesh: 'linkerd', kind: 'Namespace', name: 'linkerd' },
];

/**
 * The mesh the profile names, else the first control-plane object found (an `istiod` or `linkerd-destination`
 * Deployment, an `istio-system` or `linkerd` Namespace), reported as an `info` note.
 */
function detectMesh(
  envs: readonly Envelope[],
  profile: Profile,
  sink: (d: Diagnostic) => void,
): Pick<MeshModel, 'name' | 'detectedFrom'> {
  if (profile.mesh) return { name: profile.mesh.name, detectedFrom: 'profile' };
  for (const cp of controlPlanes) {
    const e = envs.find((x) => x.kind === cp.kind && x.name === cp.name);
    if (!e) continue;
    sink({
      code: 'mesh-detected',
      severity: 'info',
      message: `${e.key} is ${cp.mesh === 'istio' ? 'Istio' : 'Linkerd'}'s control plane: kubetwin answers as ${cp.mesh} would (set mesh.name in the profile to say so)`,
      source: e.raw.source,
      object: e.key,
    });
    return { name: cp.mesh, detectedFrom: e.key };
  }
  return {};
}

/** Reads the mesh objects among `envs`; `sink` receives the diagnostics. */
export function buildMesh(
  envs: readonly Envelope[],
  profile: Profile,
  sink: (d: Diagnostic) => void,
): MeshModel {
  const of = (kind: string) =>
    envs.filter((e) => e.kind === kind && e.group === istioNetworkingGroup && !e.f.invalid);
  const keep = <T>(e: Envelope, v: T) => (e.f.invalid ? [] : [v]);
  const rootNamespace = profile.mesh?.rootNamespace ?? 'istio-system';
  const defaults = readIstioExportDefaults(envs, rootNamespace, sink);
  // An empty exportTo is the mesh-wide default, as istiod reads it (push_context.go, exportToDefaults).
  const exported = <T extends { exportTo: readonly string[] }>(x: T, d?: readonly string[]): T =>
    x.exportTo.length || !d ? x : { ...x, exportTo: d };
  const written = { virtualServices: 0, destinationRules: 0, serviceEntries: 0 };
  const count = <T extends { exportTo: readonly string[] }>(k: keyof typeof written, xs: T[]) => {
    written[k] = xs.filter((x) => !x.exportTo.length).length;
    return xs;
  };
  const virtualServices = rolloutWeightsAtRest(
    envs,
    count(
      'virtualServices',
      of('VirtualService').flatMap((e) => keep(e, readVirtualService(e))),
    ),
  )
    .map((x) => exported(x, defaults?.virtualService))
    .sort(byNamespaceName);
  const destinationRules = count(
    'destinationRules',
    of('DestinationRule').flatMap((e) => keep(e, readDestinationRule(e))),
  )
    .map((x) => exported(x, defaults?.destinationRule))
    .sort(byNamespaceName);
  const serviceEntries = count(
    'serviceEntries',
    of('ServiceEntry').flatMap((e) => keep(e, readServiceEntry(e))),
  )
    .map((x) => exported(x, defaults?.service))
    .sort(byNamespaceName);
  const workloadEntries = of('WorkloadEntry')
    .flatMap((e) => keep(e, readWorkloadEntry(e)))
    .sort(byNamespaceName);
  const istioGateways = of('Gateway')
    .flatMap((e) => keep(e, readIstioGateway(e)))
    .sort(byNamespaceName);
  const sidecars = of('Sidecar')
    .flatMap((e) => keep(e, readIstioSidecar(e)))
    .sort(byNamespaceName);
  checkGatewayBinding(of('VirtualService'), virtualServices, istioGateways, profile.clusterDomain, sink);
  checkSubsets(virtualServices, destinationRules, profile.clusterDomain, sink);
  checkHosts(virtualServices, envs, profile.clusterDomain, sink);
  const serviceProfiles = envs
    .filter((e) => e.kind === 'ServiceProfile' && e.group === 'linkerd.io' && !e.f.invalid)
    .flatMap((e) => keep(e, readServiceProfile(e)))
    .sort(byNamespaceName);
  const security = (kind: string) =>
    envs.filter((e) => e.kind === kind && e.group === istioSecurityGroup && !e.f.invalid);
  const peerAuthentications = security('PeerAuthentication')
    .flatMap((e) => keep(e, readPeerAuthentication(e)))
    .sort(byNamespaceName);
  const authorizationPolicies = security('AuthorizationPolicy')
    .flatMap((e) => keep(e, readAuthorizationPolicy(e)))
    .sort(byNamespaceName);
  const linkerd = <T extends { namespace: string; name: string; key: string }>(
    kind: string,
    read: (e: Envelope) => T,
  ): T[] =>
    envs
      .filter((e) => e.kind === kind && e.group === linkerdPolicyGroup && !e.f.invalid)
      .flatMap((e) => keep(e, read(e)))
      .sort(byNamespaceName);
  return {
    ...detectMesh(envs, profile, sink),
    virtualServices,
    destinationRules,
    serviceEntries,
    workloadEntries,
    istioGateways,
    sidecars,
    ...(profile.mesh?.outboundTrafficPolicy
      ? { outboundTrafficPolicy: profile.mesh.outboundTrafficPolicy }
      : {}),
    serviceProfiles,
    peerAuthentications,
    authorizationPolicies,
    rootNamespace,
    ...(defaults ? { exportDefaults: defaults } : exportToAssumed(written, rootNamespace)),
    linkerd: {
      servers: linkerd('Server', readServer),
      serverAuthorizations: linkerd('ServerAuthorization', readServerAuthorization),
      authorizationPolicies: linkerd('AuthorizationPolicy', readLinkerdAuthorizationPolicy),
      meshTLSAuthentications: linkerd('MeshTLSAuthentication', readMeshTLSAuthentication),
      networkAuthentications: linkerd('NetworkAuthentication', readNetworkAuthentication),
      httpRoutes: linkerd('HTTPRoute', readRoute),
      defaultInboundPolicy:
        (profile.mesh?.defaultInboundPolicy as LinkerdDefaultPolicy | undefined) ?? 'all-unauthenticated',
      clusterNetworks: profile.mesh?.clusterNetworks ?? linkerdClusterNetworks,
      egressNetworks: linkerd('EgressNetwork', readEgressNetwork),
    },
  };
}

/**
 * The note for answers when the exportTo defaults are not in the input and some objects rely on them: Istio's own
 * default, `*`, is assumed. Empty when nothing relies on them.
 */
function exportToAssumed(
  written: { virtualServices: number; destinationRules: number; serviceEntries: number },
  rootNamespace: string,
): Pick<MeshModel, 'exportToAssumed'> {
  const parts = [
    written.virtualServices && `${written.virtualServices} VirtualService(s) (defaultVirtualServiceExportTo)`,
    written.destinationRules &&
      `${written.destinationRules} DestinationRule(s) (defaultDestinationRuleExportTo)`,
    written.serviceEntries && `${written.serviceEntries} ServiceEntry(s) (defaultServiceExportTo)`,
  ].filter(Boolean);
  if (!parts.length) return {};
  return {
    exportToAssumed: `exportTo defaults: neither the istio ConfigMap (${rootNamespace}, key mesh) nor an IstioOperator spec.meshConfig is in the input, so \`*\` (Istio's default: every namespace) is assumed for ${parts.join(', ')} without exportTo`,
  };
}

const fqdn = (host: string, ns: string, domain: string) =>
  host.includes('.') || host.startsWith('*') ? host : `${host}.${ns}.svc.${domain}`;

/** Every route destination of a VirtualService (`http`, `tcp` and `tls` rules), with where it is and what a bad one does. */
function routeDestinations(vs: VirtualService) {
  const http = ' the sidecar answers 503 for these requests';
  const l4 = ' the proxy closes these connections';
  return [
    ...vs.http.flatMap((r) => r.route.map((d) => ({ d, at: `spec.http[${r.index}]`, effect: http }))),
    ...vs.tcp.flatMap((r) => r.route.map((d) => ({ d, at: `spec.tcp[${r.index}]`, effect: l4 }))),
    ...vs.tls.flatMap((r) => r.route.map((d) => ({ d, at: `spec.tls[${r.index}]`, effect: l4 }))),
  ];
}

/**
 * A route to a subset that no DestinationRule for its host defines (looked up in the VirtualService's
 * namespace, the host's and `istio-system`) is reported at the destination, as `istioctl analyze` reports
 * IST0101: the sidecar answers 503 for it. https://istio.io/latest/docs/reference/config/analysis/ist0101/
 */
function checkSubsets(
  vss: readonly VirtualService[],
  drs: readonly DestinationRule[],
  domain: string,
  sink: (d: Diagnostic) => void,
): void {
  for (const vs of vss)
    for (const { d, at, effect } of routeDestinations(vs)) {
      if (!d.subset) continue;
      const host = fqdn(d.host, vs.namespace, domain);
      const hostNs = host.split('.')[1];
      const defined = drs.some(
        (dr) =>
          [vs.namespace, hostNs, 'istio-system'].includes(dr.namespace) &&
          fqdn(dr.host, dr.namespace, domain) === host &&
          dr.subsets.some((s) => s.name === d.subset),
      );
      if (!defined)
        sink({
          code: 'mesh-unknown-subset',
          severity: 'warning',
          message: `${vs.key} ${at} routes to subset ${d.subset} of ${d.host}, which no DestinationRule for ${host} defines:${effect}`,
          source: d.source,
          object: vs.key,
          hint: `Add subset ${d.subset} to the DestinationRule of ${host}, or route to a subset it defines.`,
        });
    }
}

/**
 * A route destination whose host is neither a Service in the input (short names resolved in the
 * VirtualService's namespace) nor a host a ServiceEntry declares is reported at the destination, as
 * `istioctl analyze` reports IST0101 (ReferencedResourceNotFound): the sidecar has no cluster for it and
 * answers 503. https://istio.io/latest/docs/reference/config/analysis/ist0101/
 */
function checkHosts(
  vss: readonly VirtualService[],
  envs: readonly Envelope[],
  domain: string,
  sink: (d: Diagnostic) => void,
): void {
  const services = new Set(
    envs
      .filter((e) => e.kind === 'Service' && e.group === '')
      .map((e) => `${e.name}.${e.namespace ?? 'default'}.svc.${domain}`),
  );
  const entries = envs
    .filter((e) => e.kind === 'ServiceEntry' && e.group === istioNetworkingGroup)
    .flatMap((e) =>
      e.f.list(['spec', 'hosts']).map((_, i) => (e.f.str(['spec', 'hosts', i]) ?? '').toLowerCase()),
    );
  const declared = (host: string) =>
    entries.some((h) => h === host || (h.startsWith('*.') && host.endsWith(h.slice(1))));
  for (const vs of vss)
    for (const { d, at, effect } of routeDestinations(vs)) {
      const host = fqdn(d.host, vs.namespace, domain);
      if (host.startsWith('*') || services.has(host) || declared(d.host.toLowerCase()) || declared(host))
        continue;
      // name.namespace (no svc suffix) is how people also write Services.
      const parts = d.host.split('.');
      if (parts.length === 2 && services.has(`${parts[0]}.${parts[1]}.svc.${domain}`)) continue;
      sink({
        code: 'mesh-unknown-host',
        severity: 'warning',
        message: `${vs.key} ${at} routes to host ${d.host}, which is neither a Service in the input nor a host a ServiceEntry declares:${effect}`,
        source: d.source,
        object: vs.key,
        hint: `Route to an existing Service (${host} is not one), or declare the host with a ServiceEntry.`,
      });
    }
}
