import type { ClusterModel, Service } from '../../model/types.ts';
import { canonicalIP } from '../../lib/ip.ts';
import type { Call } from './_calls.ts';
import type { Evidence } from './types.ts';

/**
 * The address the internet reaches a LoadBalancer Service at: its first load-balancer address; none for an internal
 * cloud load balancer, which is reached from the cloud network only.
 */
export const internetAddressOf = (s: Service): string | undefined =>
  s.loadBalancerScheme?.scheme === 'internal'
    ? undefined
    : s.loadBalancerIngress.map((a) => canonicalIP(a)).find(Boolean);

/** A route's path as a URL path to call, or `/` where it is a pattern (a regex, a glob) rather than a path. */
export const plainPath = (p: string | undefined): string => (p && /^\/[\w\-./~%]*$/.test(p) ? p : '/');

/**
 * Calls from the internet that the cluster's entry points invite: each Ingress rule with a host (`https` when a
 * `tls` entry covers the host), each HTTPRoute hostname with a path match, and each LoadBalancer Service port at its
 * address. Each becomes `internet → URL`, traced through the controller to the backend. A rule without a host has
 * no name to call it by and is returned as `skipped`, and so is an internal cloud load balancer
 * (`Service.loadBalancerScheme`), which the internet cannot reach.
 * https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-rules
 * https://gateway-api.sigs.k8s.io/reference/spec/#httproutespec
 */
export function callsFromRoutes(model: ClusterModel): { calls: Call[]; skipped: Evidence[] } {
  const calls: Call[] = [];
  const skipped: Evidence[] = [];
  const internet = { kind: 'internet' } as const;
  for (const ing of model.routing?.ingresses ?? []) {
    for (const rule of ing.rules) {
      for (const path of rule.paths) {
        const backend = path.backend.service?.name;
        if (!backend) continue;
        const text = `${ing.key} host ${rule.host ?? '*'} path ${path.path} → Service ${backend}:${path.backend.service!.port}`;
        if (!rule.host || rule.host.startsWith('*')) {
          skipped.push({ text: `${text}: no host name to call it by`, source: path.source ?? ing.source });
          continue;
        }
        const tls = ing.tls.some((t) => t.hosts.includes(rule.host!));
        calls.push({
          from: internet,
          to: {
            kind: 'url',
            scheme: tls ? 'https' : 'http',
            host: rule.host,
            port: tls ? 443 : 80,
            path: plainPath(path.path),
            protocol: 'TCP',
          },
          evidence: [{ text, source: path.source ?? ing.source }],
          confidence: 'high',
          via: 'route',
        });
      }
    }
  }
  const gateways = new Map((model.routing?.gateways ?? []).map((g) => [`${g.namespace}/${g.name}`, g]));
  for (const r of model.routing?.routes ?? []) {
    if (r.kind !== 'HTTPRoute') continue;
    const listeners = r.parentRefs.flatMap((p) => {
      const g = gateways.get(`${p.namespace ?? r.namespace}/${p.name}`);
      return (g?.listeners ?? []).filter((l) => !l.set && (!p.sectionName || l.name === p.sectionName));
    });
    for (const rule of r.rules) {
      if (!rule.backendRefs.length) continue;
      const paths = rule.matches.length ? rule.matches.map((m) => m.path?.value) : ['/'];
      for (const l of listeners) {
        const hosts = r.hostnames.length ? r.hostnames : l.hostname ? [l.hostname] : [];
        const https = l.protocol === 'HTTPS';
        if (!['HTTP', 'HTTPS'].includes(l.protocol)) continue;
        const text = `${r.key} rules[${rule.index}] on listener ${l.name} (${l.protocol} ${l.port})`;
        if (!hosts.length || hosts.every((h) => h.startsWith('*')))
          skipped.push({ text: `${text}: no host name to call it by`, source: rule.source ?? r.source });
        for (const host of hosts.filter((h) => !h.startsWith('*')))
          for (const path of paths)
            calls.push({
              from: internet,
              to: {
                kind: 'url',
                scheme: https ? 'https' : 'http',
                host,
                port: l.port,
                path: plainPath(path),
                protocol: 'TCP',
              },
              evidence: [{ text, source: rule.source ?? r.source }],
              confidence: 'high',
              via: 'route',
            });
      }
    }
  }
  for (const s of model.services) {
    if (s.type !== 'LoadBalancer') continue;
    // An internal cloud load balancer is an entry point from the cloud network, not from the internet.
    if (s.loadBalancerScheme?.scheme === 'internal') {
      skipped.push({
        text: `${s.key} type LoadBalancer: an internal load balancer (${s.loadBalancerScheme.by}) is reached from the cloud network, not from the internet`,
        source: s.source,
      });
      continue;
    }
    const address = internetAddressOf(s);
    for (const p of s.ports) {
      const text = `${s.key} type LoadBalancer port ${p.port}/${p.protocol}`;
      // Without an address (no status, no profile loadBalancers entry) the cloud balancer's path is kept: it
      // forwards to the Service's node port on the nodes.
      const node = model.nodes.find((n) => n.internalIP && !n.unschedulable)?.internalIP;
      if (!address && !(node && p.nodePort)) {
        skipped.push({ text: `${text}: no load-balancer address in the input or profile`, source: s.source });
        continue;
      }
      calls.push({
        from: internet,
        to: address
          ? { kind: 'ip', ip: address, port: p.port, protocol: p.protocol }
          : { kind: 'ip', ip: node!, port: p.nodePort!, protocol: p.protocol },
        evidence: [
          {
            text: address
              ? text
              : `${text}: no load-balancer address in the input or profile, so through node port ${p.nodePort} as the cloud balancer forwards`,
            source: s.source,
          },
        ],
        confidence: address ? 'high' : 'medium',
        via: 'route',
      });
    }
  }
  return { calls, skipped };
}
