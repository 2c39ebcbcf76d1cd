/**
 * From outside to the address of a GKE Ingress (`kubernetes.io/ingress.class: gce` or `gce-internal`; GKE reads
 * the annotation): each Ingress gets its own Application Load Balancer, external (`gce`) or internal to the VPC
 * (`gce-internal`, https://cloud.google.com/kubernetes-engine/docs/concepts/ingress#controller_summary). Its URL map
 * routes as the Ingress spec (an ImplementationSpecific path is GKE's own reading, so unknown); a Service annotated
 * `cloud.google.com/neg: '{"ingress": true}'` is served by network endpoint groups — the pod addresses directly —
 * and any other backend through the nodes' NodePort (instance groups), which a ClusterIP Service does not have
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/container-native-load-balancing). The Google Front Ends
 * (130.211.0.0/22, 35.191.0.0/16) or, internal, the region's proxy-only subnet open the connections to the pods or
 * nodes: the pods never see the client.
 */
import type { Ingress } from '../../model/routing.ts';
import type { Service } from '../../model/types.ts';
import { isPublicAddress } from '../../lib/ip.ts';
import type { FlowTarget } from '../flows/index.ts';
import type { TraceContext } from './_context.ts';
import type { Leg } from './_north-south.ts';
import type { Hop } from './types.ts';
import { routeOnLoadBalancer } from './_load-balancer-route.ts';
import { outside, stopLeg, targetGroupLeg, type BackendPool } from './_cloud-ingress.ts';
import { gkeBackendScheme, throughProxiedIstioGateway } from './_proxied-istio-gateway.ts';

/** `gce` or `gce-internal` when the Ingress is GKE's by its class annotation (and names no ingressClassName). */
export function gkeClass(ing: Ingress): 'gce' | 'gce-internal' | undefined {
  if (ing.ingressClassName) return undefined;
  const c = ing.classAnnotation?.trim();
  return c === 'gce' || c === 'gce-internal' ? c : undefined;
}

/** Does the Service ask for network endpoint groups for Ingress (`cloud.google.com/neg` with `"ingress": true`)? */
export function negForIngress(svc: Pick<Service, 'annotations'>): boolean | string {
  const text = svc.annotations['cloud.google.com/neg'];
  if (text === undefined) return false;
  try {
    const v: unknown = JSON.parse(text);
    return !!v && typeof v === 'object' && (v as Record<string, unknown>).ingress === true;
  } catch {
    return `cloud.google.com/neg "${text}" is not JSON: GKE ignores it`;
  }
}

export function gkeIngressLeg(
  ctx: TraceContext,
  clientIP: string,
  address: string,
  target: Extract<FlowTarget, { kind: 'url' } | { kind: 'ip' }>,
  ing: Ingress,
): Leg {
  const cls = gkeClass(ing)!;
  const name = `GKE load balancer of Ingress ${ing.namespace}/${ing.name}`;
  const objects = [{ key: ing.key, source: ing.source }];
  const at = `${address}:${target.port}`;
  const url =
    target.kind === 'url' && (target.scheme === 'http' || target.scheme === 'https') ? target : undefined;
  if (!url)
    return stopLeg(objects, {
      title: `${at} → ${name}: an HTTP(S) load balancer`,
      why: `${address} is the ${name}, an HTTP(S) proxy: trace an http:// or https:// URL to follow a request through its URL map`,
      fix: `trace http://${address}${target.port === 80 ? '' : `:${target.port}`}/`,
      unknown: true,
    });
  if (cls === 'gce-internal' && isPublicAddress(clientIP))
    return stopLeg(objects, {
      title: `${at}: internal load balancer, not reachable from ${clientIP}`,
      why: `the ${name} is internal (kubernetes.io/ingress.class: gce-internal): its address is private to the VPC, so the internet client ${clientIP} cannot reach it`,
      fix: `reach it from the VPC, or use kubernetes.io/ingress.class: gce for an external load balancer`,
      unknown: false,
    });
  const hops: Hop[] = [
    {
      kind: 'load-balancer',
      title: `${at} → ${name}`,
      verdict: 'ok',
      details: [
        `${address} is the status.loadBalancer of ${ing.key}: GKE's ${cls === 'gce' ? 'external' : 'internal'} Application Load Balancer, one per Ingress (kubernetes.io/ingress.class: ${cls})`,
      ],
      objects,
    },
  ];
  const pool = (neg: boolean): BackendPool => ({
    name: 'GKE load balancer',
    pool: neg ? 'network endpoint group' : 'instance group',
    from:
      cls === 'gce'
        ? "the Google Front End proxies' addresses (130.211.0.0/22, 35.191.0.0/16)"
        : "the region's proxy-only subnet",
    refusal:
      'GKE needs a NodePort for a backend without container-native load balancing (cloud.google.com/neg: \'{"ingress": true}\')',
    toPods: `annotate it cloud.google.com/neg: '{"ingress": true}'`,
  });
  const from = outside(clientIP);
  const leg = routeOnLoadBalancer(ctx, url, {
    hops,
    members: [ing],
    className: cls,
    lb: name,
    next: (_, svc, port, entry) => {
      if (entry?.pathType === 'ImplementationSpecific') {
        const why = `${ing.key} ${entry.at} is an ImplementationSpecific path, which GKE reads its own way (a trailing /* is a prefix, else an exact path): the spec reading may not be GKE's`;
        const last = hops[hops.length - 1];
        hops[hops.length - 1] = { ...last, verdict: 'warn', unknown: [...(last.unknown ?? []), why] };
      }
      const neg = negForIngress(svc);
      if (typeof neg === 'string')
        return stopLeg([{ key: svc.key, source: svc.source }], {
          title: `${name}: backend of Service ${svc.namespace}/${svc.name}?`,
          why: neg,
          fix: `write the annotation as JSON, e.g. cloud.google.com/neg: '{"ingress": true}'`,
          unknown: true,
        });
      const leg = targetGroupLeg(ctx, {
        hops,
        svc,
        port,
        from,
        type: neg
          ? { type: 'ip', by: `cloud.google.com/neg: '{"ingress": true}' on ${svc.key} (container-native)` }
          : { type: 'instance', by: `no cloud.google.com/neg "ingress" on ${svc.key}: instance groups` },
        lb: pool(neg),
      });
      // Edge to mesh: the backend may be an Istio ingress gateway, which authorizes and routes the request on.
      return throughProxiedIstioGateway(ctx, leg, {
        url,
        svc,
        port,
        lb: { from: pool(neg).from, scheme: gkeBackendScheme(svc, port) },
      });
    },
  });
  return { ...leg, client: from };
}
