import type { Service } from '../../model/types.ts';
import { capturedNote, masqueradeUnknown } from '../service-path/index.ts';
import { serviceDetailLines, type ServiceDetails } from './_service.ts';
import type { Hop } from './types.ts';

/**
 * The hops of a pod's connection to a Service's load-balancer address or externalIP, restated: kube-proxy on
 * the pod's node captures it and sends it to the Service's endpoints (service-path `capturedService`, from
 * kubernetes/kubernetes pkg/proxy/iptables/proxier.go, the KUBE-EXT chain), so the ClusterIP's words on the source
 * address do not apply. With externalTrafficPolicy Cluster the connection is masqueraded: the endpoints' ingress
 * policies see the client node, which the policy hops (judged for the pod) do not, so the hop carries an unknown when
 * something judges the source there (`sourceJudged`: an endpoint isolated for ingress, or admin policies). `details`
 * are the Service hop's own (serviceHop): its source-address line, for the ClusterIP, is left out.
 * https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-ip-mode
 */
export function capturedServiceHops(
  hops: readonly Hop[],
  details: ServiceDetails | undefined,
  svc: Service,
  at: { readonly ip: string; readonly sourceJudged: boolean },
): Hop[] {
  const { ip, sourceJudged } = at;
  const masqueraded = svc.externalTrafficPolicy === 'Cluster' && sourceJudged;
  return hops.map((h) =>
    h.kind === 'service'
      ? {
          ...h,
          title: `${ip} → ${h.title} (captured by kube-proxy)`,
          details: [
            capturedNote(svc, ip),
            ...(details ? serviceDetailLines(details, { sourceAddress: true }) : h.details),
          ],
          ...(masqueraded
            ? { verdict: 'warn' as const, unknown: [...(h.unknown ?? []), masqueradeUnknown(svc, ip)] }
            : {}),
        }
      : h,
  );
}
