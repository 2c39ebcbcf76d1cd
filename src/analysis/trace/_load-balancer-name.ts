import type { Pod, Protocol, Service } from '../../model/types.ts';
import type { TraceContext } from './_context.ts';
import type { DnsOutcome } from './_dns.ts';
import { loadBalancerNamed } from './_north-south.ts';
import { publicEgress } from './_public-egress.ts';
import { internetClient } from './_sources.ts';
import type { Fix, Hop } from './types.ts';

/** A pod's way out to a load balancer it names by hostname: its DNS and egress hops, or why it stops there. */
export interface ToLoadBalancerName {
  readonly hops: Hop[];
  readonly service: Service;
  readonly reason?: string;
  readonly fix?: Fix;
}

/**
 * A pod's request to a Service's `status.loadBalancer.ingress[].hostname` (a DNS-based load balancer, e.g. an AWS
 * ELB): cluster DNS forwards the name upstream, whose answer (the load balancer's addresses, the cloud's) kubetwin
 * does not know, and kube-proxy does not capture it: it takes in-cluster connections straight to the endpoints only
 * for `ingress[].ip` (ipMode VIP), so the connection leaves the cluster through the pod's egress and comes back
 * through the load balancer, as it does from outside (`northSouth`, whose hostname hop is `ok` likewise: the name
 * is the load balancer's). The unknown addresses are in the trace's `unknown` only where a verdict depends on them
 * (egress allowed to some public ranges only). With externalTrafficPolicy Local the endpoints
 * see the address the connection left the cluster with, which the model does not hold: unknown where it is judged.
 * Undefined when `host` is no such hostname.
 * https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceStatus (hostname: DNS based)
 * https://github.com/kubernetes/enhancements/tree/master/keps/sig-network/1860-kube-proxy-IP-node-binding (ipMode;
 * a hostname-only ingress is the long-standing way to keep kube-proxy from short-circuiting a load balancer)
 */
export function podToLoadBalancerName(
  ctx: TraceContext,
  pod: Pod,
  target: {
    readonly host: string;
    readonly port: number;
    readonly protocol: Protocol;
    readonly dns: DnsOutcome;
    /** Whether anything judges the source address at the Service's endpoints (an ingress-isolated one, admin policies). */
    readonly sourceJudged: (svc: Service) => boolean;
  },
): ToLoadBalancerName | undefined {
  const { host, port, protocol, dns, sourceJudged } = target;
  const service = loadBalancerNamed(ctx, host);
  if (!service || !dns.outside) return undefined;
  const name = `Service ${service.namespace}/${service.name}`;
  const upstream = `the upstream DNS answer for ${host}: the addresses of the load balancer of ${name} (the cloud's; kubetwin sends no query)`;
  // The name is the load balancer's: what the upstream answers is known in kind, so the DNS hop is not unknown.
  const hops: Hop[] = dns.hops.map(({ unknown: _u, undecided: _d, ...h }, i) =>
    i === dns.hops.length - 1
      ? {
          ...h,
          title: `${host}: forwarded upstream by cluster DNS — the load-balancer hostname of ${name} (its addresses, the upstream answer, are unknown to kubetwin)`,
          verdict: 'ok',
          details: [
            ...h.details,
            `kubetwin sends no query upstream, so the reply above stands for an unknown one; ${host} is ${name}'s status.loadBalancer.ingress[].hostname, so the answer is its load balancer's addresses, which the model does not hold (they matter only where a policy tells addresses apart: then the hop that judges them says unknown)`,
          ],
          objects: [...h.objects, { key: service.key, source: service.source }],
        }
      : h,
  );
  const egress = publicEgress(ctx, pod, { host, port, protocol });
  const notCaptured = `kube-proxy takes in-cluster connections straight to a Service's endpoints only for a status.loadBalancer.ingress[].ip; ${name} reports a hostname only, so the connection leaves the cluster for its load balancer and comes back through it; past the load balancer the trace goes on as from outside, ${internetClient} standing for the address the connection left the cluster with`;
  const local =
    service.externalTrafficPolicy === 'Local' && sourceJudged(service)
      ? [
          `with externalTrafficPolicy Local the endpoints see the address the connection left the cluster with (its node's, or a NAT gateway's), which the model does not hold: the policy hop below judges a public address in its place`,
        ]
      : [];
  if (egress.allowed === 'none') {
    const reason = `whatever ${host} resolves to, ${egress.where} is denied (isolated by ${egress.isolating.join(', ')})`;
    hops.push({
      kind: 'policy',
      title: `${egress.where}: denied`,
      verdict: 'fail',
      details: [notCaptured, reason],
      objects: egress.isolating.map((key) => ({ key })),
    });
    return {
      hops,
      service,
      reason,
      fix: {
        summary: `allow egress from ${pod.namespace}/${pod.name} to ${host}'s load balancer on ${port}/${protocol} (an ipBlock for its addresses, or a toFQDNs rule where the CNI has one)`,
      },
    };
  }
  const some = egress.allowed === 'some';
  hops.push({
    kind: 'policy',
    title: `${egress.where}: ${some ? 'allowed to some ranges, denied to others' : 'allowed'}`,
    verdict: some || local.length ? 'warn' : 'ok',
    details: [notCaptured, ...local],
    objects: egress.isolating.map((key) => ({ key })),
    ...(some || local.length
      ? {
          unknown: [
            ...(some ? [`whether ${egress.where} admits ${host}: it depends on ${upstream}`] : []),
            ...local,
          ],
        }
      : {}),
  });
  return { hops, service };
}
