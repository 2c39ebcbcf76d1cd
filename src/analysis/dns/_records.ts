/**
 * The record lookup of CoreDNS's kubernetes plugin ("Records"): a name inside the cluster zone split into
 * `[endpoint | _port._proto].service.namespace.(svc|pod)` and matched against Services, their ready endpoints and
 * pods. Each hit is a host (an address, or a name for ExternalName) with the port and the name SRV records point at.
 * https://github.com/kubernetes/dns/blob/master/docs/specification.md (§2.3 ClusterIP, §2.4 headless, §2.5 ExternalName)
 * and https://coredns.io/plugins/kubernetes/ (pods modes, ignore empty_service, endpoint_pod_names)
 */
import type { KubernetesPluginConfig } from '../corefile/index.ts';
import { canonicalIP } from '../../lib/ip.ts';
import type { DnsIndex, EndpointAddress } from './_index.ts';
import { dashedIP, ipFromDashed, isDashedIP, labelsBelow } from './_names.ts';

export interface Hit {
  /** An IP address, or a domain name (ExternalName). */
  readonly host: string;
  readonly port?: number;
  /** The name an SRV record targets: `svc.ns.svc.zone.` or `endpoint.svc.ns.svc.zone.`. */
  readonly target: string;
}

/** `hits` (possibly empty: NODATA), or `nameError` (NXDOMAIN, or fallthrough when configured). */
export type Lookup = { readonly hits: readonly Hit[] } | { readonly nameError: string };

interface Request {
  readonly podOrSvc: string;
  readonly namespace: string;
  readonly service: string;
  readonly endpoint: string;
  readonly port: string;
  readonly protocol: string;
}

const stripUnderscore = (s: string) => (s.startsWith('_') ? s.slice(1) : s);

/**
 * Splits the labels below the zone as the plugin's parseRequest does: apex, `svc` and `pod` give NODATA; one
 * extra label is an endpoint, two are `_port._proto`; more is an invalid request (NXDOMAIN).
 */
function parseRequest(labels: readonly string[]): Request | 'nodata' | 'invalid' {
  if (labels.length === 0 || (labels.length === 1 && (labels[0] === 'svc' || labels[0] === 'pod')))
    return 'nodata';
  let last = labels.length - 1;
  const podOrSvc = labels[last];
  if (podOrSvc !== 'svc' && podOrSvc !== 'pod') return 'invalid';
  const at = (i: number) => (i >= 0 ? labels[i] : '');
  const namespace = at(--last);
  const service = at(--last);
  last--;
  if (last > 1) return 'invalid';
  return {
    podOrSvc,
    namespace,
    service,
    endpoint: last === 0 ? labels[0] : '',
    port: last === 1 ? stripUnderscore(labels[0]) : '',
    protocol: last === 1 ? stripUnderscore(labels[1]) : '',
  };
}

/** The name CoreDNS gives an endpoint: its hostname, else (endpoint_pod_names) the pod name, else the dashed IP. */
export function endpointName(a: EndpointAddress, podNames: boolean): string {
  return a.hostname ?? (podNames && a.podName ? a.podName : dashedIP(a.ip));
}

/** Whether `name` is the endpoint's name or that lower-cased (a dashed address compared without building it). */
function isNamed(a: EndpointAddress, podNames: boolean, name: string): boolean {
  if (a.hostname === undefined && !(podNames && a.podName)) return isDashedIP(name, a.ip);
  const own = endpointName(a, podNames);
  return name === own || name === own.toLowerCase();
}

function namespaceExposed(index: DnsIndex, cfg: KubernetesPluginConfig, ns: string): boolean {
  return (cfg.namespaces.length === 0 || cfg.namespaces.includes(ns)) && index.namespaces.has(ns);
}

const same = (want: string, have: string) => want === '' || want.toLowerCase() === have.toLowerCase();

/** Looks up a canonical name inside `zone` (a kubernetes plugin zone that is not a reverse zone). */
export function lookupRecords(
  index: DnsIndex,
  cfg: KubernetesPluginConfig,
  zone: string,
  name: string,
): Lookup {
  const r = parseRequest(labelsBelow(name, zone));
  if (r === 'nodata') return { hits: [] };
  if (r === 'invalid')
    return {
      nameError: `"${name}" is not of the form [endpoint.]service.namespace.svc.${zone} or ip.namespace.pod.${zone}`,
    };
  if (!namespaceExposed(index, cfg, r.namespace))
    return {
      nameError: `namespace "${r.namespace}" does not exist${cfg.namespaces.length ? " or is not among the kubernetes plugin's namespaces" : ''}`,
    };
  return r.podOrSvc === 'pod' ? findPods(index, cfg, r, zone) : findServices(index, cfg, r, zone);
}

function findPods(index: DnsIndex, cfg: KubernetesPluginConfig, r: Request, zone: string): Lookup {
  if (cfg.pods === 'disabled')
    return { nameError: 'pod records are disabled (the kubernetes plugin has no "pods insecure|verified")' };
  if (r.service === '') return { hits: [] };
  const ip = ipFromDashed(r.service);
  if (!ip) return { nameError: `"${r.service}" is not a dashed IP address` };
  const target = `${r.service}.${r.namespace}.pod.${zone}`;
  if (cfg.pods === 'insecure') return { hits: [{ host: ip, target }] };
  const pods = (index.podsByIP.get(ip) ?? []).filter((ns) => ns === r.namespace);
  return pods.length
    ? { hits: pods.map(() => ({ host: ip, target })) }
    : { nameError: `no pod in ${r.namespace} has IP ${ip} (pods verified)` };
}

function findServices(index: DnsIndex, cfg: KubernetesPluginConfig, r: Request, zone: string): Lookup {
  if (r.service === '') return { hits: [] };
  const entry = index.services.get(`${r.service}.${r.namespace}`);
  if (!entry) return { nameError: `no Service ${r.namespace}/${r.service}` };
  const svc = entry.service;
  const svcName = `${svc.name}.${svc.namespace}.svc.${zone}`;
  if (cfg.ignoreEmptyService && svc.type !== 'ExternalName' && !svc.headless && entry.endpoints.length === 0)
    return {
      nameError: `Service ${svc.namespace}/${svc.name} has no ready endpoints (ignore empty_service)`,
    };
  if (svc.type === 'ExternalName') {
    if (r.endpoint || r.port || r.protocol)
      return { nameError: `ExternalName Service ${svc.namespace}/${svc.name} has no endpoint or port names` };
    const ext = svc.externalName ?? '';
    if (!ext || canonicalIP(ext))
      return {
        nameError: `ExternalName "${ext}" of ${svc.namespace}/${svc.name} is not a domain name, so no CNAME is served`,
      };
    return { hits: [{ host: `${ext.toLowerCase().replace(/\.$/, '')}.`, target: svcName }] };
  }
  const hits: Hit[] = [];
  if (svc.headless || r.endpoint) {
    const wanted = r.endpoint.toLowerCase();
    for (const a of entry.endpoints) {
      if (wanted && !isNamed(a, cfg.endpointPodNames, wanted)) continue;
      const epName = endpointName(a, cfg.endpointPodNames);
      const ports = a.ports.length ? a.ports : [{ name: '', port: -1, protocol: '' }];
      for (const p of ports) {
        if (!same(r.port, p.name) || !same(r.protocol, p.protocol)) continue;
        hits.push({ host: a.ip, port: p.port, target: `${epName}.${svcName}` });
      }
    }
  } else {
    for (const p of svc.ports) {
      if (!same(r.port, p.name ?? '') || !same(r.protocol, p.protocol)) continue;
      for (const ip of svc.clusterIPs) hits.push({ host: ip, port: p.port, target: svcName });
    }
  }
  if (hits.length) return { hits };
  const why = r.endpoint
    ? `no ready endpoint named "${r.endpoint}"`
    : r.port || r.protocol
      ? `no port _${r.port}._${r.protocol}`
      : svc.headless
        ? 'no ready endpoints'
        : 'no ports';
  return { nameError: `Service ${svc.namespace}/${svc.name} has ${why}` };
}

/** PTR targets of an address: the Service owning the ClusterIP, else every endpoint with that address. */
export function reverseTargets(
  index: DnsIndex,
  cfg: KubernetesPluginConfig,
  ip: string,
  primaryZone: string,
): string[] {
  const exposed = (ns: string) => cfg.namespaces.length === 0 || namespaceExposed(index, cfg, ns);
  const svc = index.serviceByIP.get(ip);
  if (svc && exposed(svc.namespace)) return [`${svc.name}.${svc.namespace}.svc.${primaryZone}`];
  return (index.endpointsByIP.get(ip) ?? [])
    .filter((e) => exposed(e.service.namespace))
    .map(
      (e) =>
        `${endpointName(e, cfg.endpointPodNames)}.${e.service.name}.${e.service.namespace}.svc.${primaryZone}`,
    );
}
