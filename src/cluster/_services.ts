import { byNamespaceName } from '../model/keys.ts';
import type { Service } from '../model/types.ts';
import type { Profile } from '../model/profile.ts';
import { formatIP, parseIP } from '../lib/ip.ts';
import type { Envelope } from './_envelope.ts';
import { BandAllocator } from './_allocator.ts';
import { familyOf, resolveFamilies, ServiceIPs, type IPFamily } from './_service-ips.ts';
import { readService, type Draft } from './_service-read.ts';
import { withMetalLB } from './_metallb.ts';
import { withCiliumLBIPAM } from './_cilium-lb-ipam.ts';

/**
 * Services of every type, validated as the API server validates them, with ClusterIPs, NodePorts and
 * health-check NodePorts allocated (explicit values honoured, conflicts refused) and load-balancer addresses
 * from status, `spec.loadBalancerIP` or the profile, or as MetalLB would assign them when the input holds its
 * IPAddressPools (`_metallb.ts`).
 * https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/
 */
export function buildServices(envs: readonly Envelope[], profile: Profile): Service[] {
  const drafts = envs
    .filter((e) => e.kind === 'Service')
    .map(readService)
    .filter((d): d is Draft => !!d);
  const serviceIPs = new ServiceIPs(profile.serviceCIDR);
  const range = profile.nodePortRange;
  const nodePortSize = range.max - range.min + 1;
  const nodePorts = new BandAllocator(
    range.min,
    range.max,
    Math.min(Math.max(16, Math.floor(nodePortSize / 32)), 128),
  );
  const rejected = new Set<Draft>();
  const reject = (d: Draft, path: (string | number)[], code: string, message: string, hint: string) => {
    d.env.f.report(code, 'error', path, message, hint);
    rejected.add(d);
  };
  // Explicit values first: cluster add-ons (created at bootstrap, before any manifest is applied), then the
  // manifests in key order; the first claimant keeps a contested value, as the API server would.
  const isAddon = (d: Draft) => (d.env.raw.source.file === '<addon>' ? 0 : 1);
  const sorted = [...drafts].sort((a, b) => isAddon(a) - isAddon(b) || (a.env.key < b.env.key ? -1 : 1));
  const holders = new Map<string, string>();
  for (const d of sorted) {
    for (const text of d.explicitIPs) {
      const ip = parseIP(text);
      if (!ip) {
        reject(
          d,
          ['spec', 'clusterIP'],
          'invalid-ip',
          `spec.clusterIP "${text}" is not an IP address`,
          'Use an address inside the service CIDR, or remove clusterIP to have one allocated.',
        );
        continue;
      }
      const canonical = formatIP(ip);
      const holder = holders.get(canonical);
      const claimed = holder ? 'taken' : serviceIPs.claim(ip);
      if (claimed === 'out-of-range') {
        reject(
          d,
          ['spec', 'clusterIP'],
          'ip-out-of-range',
          `spec.clusterIP ${text} is outside the service CIDR ${profile.serviceCIDR}; the API server refuses it`,
          'Pick an address inside the service CIDR, or remove clusterIP.',
        );
        continue;
      }
      if (claimed === 'taken') {
        reject(
          d,
          ['spec', 'clusterIP'],
          'ip-conflict',
          `spec.clusterIP ${canonical} is already allocated to ${holder ?? 'another Service'}; the API server refuses this Service`,
          'Pick a free address, or remove clusterIP to have one allocated.',
        );
        continue;
      }
      holders.set(canonical, d.env.key);
    }
    const claimPort = (port: number | undefined, path: (string | number)[]) => {
      if (port === undefined) return;
      if (!nodePorts.contains(port))
        reject(
          d,
          path,
          'nodeport-out-of-range',
          `nodePort ${port} is outside the NodePort range ${range.min}-${range.max}`,
          'Pick a port in the range, or remove nodePort.',
        );
      else if (!nodePorts.claim(port))
        reject(
          d,
          path,
          'nodeport-conflict',
          `nodePort ${port} is already allocated to another Service; the API server refuses this Service`,
          'Pick a free port, or remove nodePort to have one allocated.',
        );
    };
    const claimedPorts = new Set<number>();
    d.ports.forEach((p, i) => {
      if (p.nodePort === undefined || claimedPorts.has(p.nodePort)) return; // a port may serve TCP and UDP alike
      claimedPorts.add(p.nodePort);
      claimPort(p.nodePort, ['spec', 'ports', i, 'nodePort']);
    });
    claimPort(d.healthCheckNodePort, ['spec', 'healthCheckNodePort']);
  }
  const out: Service[] = [];
  for (const d of sorted) {
    if (rejected.has(d)) continue;
    const explicit = d.explicitIPs.map((t) => formatIP(parseIP(t)!));
    const resolved =
      d.svc.type === 'ExternalName'
        ? { families: [] as IPFamily[] }
        : resolveFamilies(
            {
              policy: d.ipFamilyPolicy,
              families: d.requestedFamilies,
              explicitIPs: explicit,
              headless: d.svc.headless,
              hasSelector: !!d.svc.selector,
            },
            serviceIPs.families,
          );
    if ('error' in resolved) {
      d.env.f.report(
        'invalid-field',
        'error',
        ['spec', 'ipFamilyPolicy'],
        resolved.error,
        "Fix ipFamilyPolicy/ipFamilies, or the profile's serviceCIDR.",
      );
      continue;
    }
    const clusterIPs: string[] = [];
    let exhausted = false;
    if (!d.svc.headless && d.svc.type !== 'ExternalName')
      for (const family of resolved.families) {
        const ip = explicit.find((e) => familyOf(e) === family) ?? serviceIPs.allocate(family, d.env.key);
        if (ip) clusterIPs.push(ip);
        else exhausted = true;
      }
    if (exhausted) {
      d.env.f.report(
        'service-cidr-exhausted',
        'error',
        ['spec'],
        `no free ClusterIP left in ${profile.serviceCIDR}`,
        'Widen serviceCIDR in the profile.',
      );
      continue;
    }
    const ports = d.ports.map((p) =>
      d.wantsNodePorts && p.nodePort === undefined
        ? { ...p, nodePort: nodePorts.allocate(`${d.env.key}/${p.port}/${p.protocol}`) }
        : p,
    );
    const healthCheckNodePort =
      d.healthCheckNodePort ??
      (d.svc.type === 'LoadBalancer' && d.svc.externalTrafficPolicy === 'Local'
        ? nodePorts.allocate(`${d.env.key}/healthcheck`)
        : undefined);
    const ipFamilies = resolved.families;
    const fromProfile = profile.loadBalancers[`${d.svc.namespace}/${d.svc.name}`];
    const loadBalancerIngress =
      d.svc.type === 'LoadBalancer' && !d.svc.loadBalancerIngress.length && fromProfile
        ? [fromProfile]
        : d.svc.loadBalancerIngress;
    out.push({
      ...d.svc,
      clusterIPs,
      ports,
      ipFamilies,
      loadBalancerIngress,
      ...(healthCheckNodePort ? { healthCheckNodePort } : {}),
    });
  }
  const envOf = new Map(drafts.map((d) => [d.env.key, d.env]));
  const metallb = withMetalLB(
    envs,
    out,
    (s) => envOf.get(s.key) as Envelope,
    (s) => profile.loadBalancers[`${s.namespace}/${s.name}`] !== undefined,
  );
  // Cilium's LB IPAM answers the LoadBalancer Services nothing else gave an address (or a MetalLB answer).
  const lbipam = withCiliumLBIPAM(
    envs,
    metallb,
    (s) => envOf.get(s.key) as Envelope,
    (s) =>
      !s.loadBalancerIngress.length &&
      !s.loadBalancerPending &&
      profile.loadBalancers[`${s.namespace}/${s.name}`] === undefined,
  );
  return lbipam.sort(byNamespaceName);
}
