import type { Protocol } from '../../model/types.ts';
import type { HttpRequest, PolicyEngine, Verdict } from '../policy/index.ts';
import { judgeSources, masqueradeSources, sourcesDisagree } from '../service-path/index.ts';
import type { Endpoint, Resolved } from './_refs.ts';

/**
 * The verdict of a pair kube-proxy masquerades on the way (`Resolved.masquerade`): the client's egress as the
 * client sends it, the endpoint's ingress as it sees each address the masquerade can give the connection
 * (`masqueradeSources`: the masquerading node's address, or a CNI device's in its pod range). Where those ingress
 * verdicts differ the pair's answer is unknown (`unknown` says which addresses get which); where they agree the
 * verdict is theirs, and `holds` lists the addresses it holds for.
 * https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#preserving-the-client-source-ip
 */
export function masqueradedVerdict(
  engine: PolicyEngine,
  m: NonNullable<Resolved['masquerade']>,
  a: Endpoint,
  b: Endpoint,
  wire: { readonly port: number; readonly protocol: Protocol; readonly http?: HttpRequest },
): { verdict: Verdict; unknown?: string; holds?: readonly string[] } | undefined {
  const endpointIP = b.party.kind === 'pod' ? b.party.pod.ip : b.party.ip;
  if (!endpointIP) return undefined;
  const sources = masqueradeSources(engine.model, {
    via: m.via ?? (a.party.kind === 'pod' ? a.party.pod.nodeName : undefined),
    endpointNode: b.party.kind === 'pod' ? b.party.pod.nodeName : undefined,
    endpointIP,
    // From outside to a load-balancer address (k3s's ServiceLB may carry it); a pod's is captured by kube-proxy.
    loadBalancer: a.party.kind !== 'pod' && m.service.loadBalancerIngress.includes(m.address),
    service: m.service,
    ...(a.party.kind === 'ip' ? { client: a.party.ip } : {}),
  });
  if (!sources.length) return undefined;
  const { port, protocol, http } = wire;
  const client = engine.explain(a.party, b.party, port, protocol, { http });
  // A svclb pod's own address is judged as that pod, its egress policies included (it sends the connection on).
  const seen = new Map(
    sources.map((s) => [
      s.ip,
      engine.explain(
        s.pod ? { kind: 'pod', pod: s.pod } : { kind: 'ip', ip: s.ip, device: s.device },
        b.party,
        port,
        protocol,
        { http },
      ),
    ]),
  );
  const v = judgeSources(engine.model, sources, (s) =>
    s.pod ? seen.get(s.ip)!.allowed : seen.get(s.ip)!.ingress.allowed,
  );
  const at = seen.get((v.allowedBy[0] ?? v.deniedBy[0]).ip)!;
  const verdict: Verdict = {
    ...at,
    egress: client.egress,
    allowed: client.egress.allowed && at.ingress.allowed,
    warnings: [...new Set([...client.warnings, ...at.warnings])],
  };
  const unknown = sourcesDisagree(`${b.label} (through ${m.address})`, v);
  return unknown ? { verdict, unknown } : { verdict, holds: sources.map((s) => s.ip) };
}
