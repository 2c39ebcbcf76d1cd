/**
 * Service probes, pure: from each pod to each ClusterIP Service port, what the model says happens — kube-proxy's
 * choice of endpoints for that client (`servicePath`: ready endpoints, the traffic policy, serving-terminating
 * fallback) and the policy verdict towards each chosen endpoint (`PolicyEngine`, judged after DNAT, as a
 * policy-enforcing CNI judges it).
 */
import { describeSide, type PolicyEngine } from '../../analysis/policy/index.ts';
import { hintedEndpoints, servicePath } from '../../analysis/service-path/index.ts';
import type { ClusterModel, Pod } from '../../model/types.ts';
import type { LabPlan, LabPod, LabServicePort } from './types.ts';
import type { Disagreement } from './probes.ts';

/**
 * What the model expects of one connection to a Service port: `allow` (every chosen endpoint admits it), `deny`
 * (none does), `partial` (some do: the lab's random pick decides), `no-endpoint` (kube-proxy rejects),
 * `dropped` (a Local traffic policy leaves no endpoint for this client).
 */
export type ServiceExpectation = 'allow' | 'deny' | 'partial' | 'no-endpoint' | 'dropped';

export interface ServiceCase {
  readonly from: string;
  readonly fromNetns: string;
  /** `service:ns/name`. */
  readonly to: string;
  readonly ip: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  /** `http` for TCP ports (a GET through the ClusterIP), `udp` for UDP, `connect` for the cluster DNS's TCP port. */
  readonly kind: 'http' | 'udp' | 'connect';
  readonly model: ServiceExpectation;
  /** Pods (`ns/name`) kube-proxy may send this client to, and those of them the policies admit it to. */
  readonly endpoints: readonly string[];
  readonly admitted: readonly string[];
}

/**
 * One case per (built pod, ClusterIP Service port of the lab); Service ports the lab cannot express for that
 * client are listed in `skipped` once, with the reason.
 */
export function serviceCases(
  model: ClusterModel,
  plan: LabPlan,
  engine: PolicyEngine,
): { cases: ServiceCase[]; skipped: string[] } {
  const podByRef = new Map<string, Pod>(model.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
  const labByRef = new Map<string, LabPod>(plan.pods.map((p) => [p.ref, p]));
  const cases: ServiceCase[] = [];
  const skipped = new Set<string>();
  let hairpin = 0;
  for (const sp of plan.services) {
    if (sp.protocol !== 'TCP' && sp.protocol !== 'UDP') continue;
    const why = unsupported(model, sp);
    if (why) {
      skipped.add(`service:${sp.service} ${sp.port}/${sp.protocol}: ${why}`);
      continue;
    }
    const dnsTcp = plan.dnsService?.service === sp.service && sp.port === 53 && sp.protocol === 'TCP';
    for (const from of plan.pods) {
      const path = servicePath(model, {
        service: sp.service,
        port: sp.port,
        client: { kind: 'pod', pod: from.ref },
      });
      if (typeof path === 'string' || !path.port || path.port.protocol !== sp.protocol) continue;
      const used = path.endpoints.filter((e) => e.used && e.port !== undefined);
      const foreign = used.find((e) => !e.pod || !labByRef.has(e.pod));
      if (foreign) {
        skipped.add(
          `service:${sp.service} ${sp.port}/${sp.protocol}: endpoint ${foreign.ip} is not a pod the lab builds`,
        );
        continue;
      }
      if (used.some((e) => e.pod === from.ref)) {
        hairpin++;
        continue;
      }
      const admitted = used.filter((e) =>
        engine.allows(
          { kind: 'pod', pod: podByRef.get(from.ref)! },
          { kind: 'pod', pod: podByRef.get(e.pod!)! },
          e.port!,
          sp.protocol,
        ),
      );
      const expect: ServiceExpectation =
        path.verdict === 'rejected'
          ? 'no-endpoint'
          : path.verdict === 'dropped'
            ? 'dropped'
            : admitted.length === used.length
              ? 'allow'
              : admitted.length
                ? 'partial'
                : 'deny';
      cases.push({
        from: from.ref,
        fromNetns: from.netns,
        to: `service:${sp.service}`,
        ip: sp.clusterIP,
        port: sp.port,
        protocol: sp.protocol,
        kind: sp.protocol === 'UDP' ? 'udp' : dnsTcp ? 'connect' : 'http',
        model: expect,
        endpoints: used.map((e) => e.pod!),
        admitted: admitted.map((e) => e.pod!),
      });
    }
  }
  if (hairpin)
    skipped.add(
      `${hairpin} Service probes from a pod to a Service it backs (hairpin) are not compared: whether policies judge a pod's own traffic coming back through a Service depends on the CNI (the model says a pod cannot block traffic to itself; the lab's chains judge it as any other)`,
    );
  return { cases, skipped: [...skipped].sort() };
}

/** Why the lab cannot express this Service port, or undefined. */
function unsupported(model: ClusterModel, sp: LabServicePort): string | undefined {
  const [ns, name] = sp.service.split('/');
  const svc = model.services.find((s) => s.namespace === ns && s.name === name)!;
  if (hintedEndpoints(model, svc))
    return 'topology-aware routing (zone and node hints) is not programmed in the lab';
  const notReady = model.endpointSlices.some(
    (s) =>
      s.namespace === ns &&
      s.serviceName === name &&
      s.endpoints.some((e) => !e.conditions.ready && e.conditions.serving && e.conditions.terminating),
  );
  if (notReady) return 'serving-terminating endpoints (the fallback) are not programmed in the lab';
  return undefined;
}

/**
 * What the lab saw, judged against the case: the lab's outcome class and whether it agrees. `open` lands on
 * `landed` (the responder's pod); `refused` is kube-proxy's reject (no endpoint) — every endpoint port has a
 * listener; `rejected` (a policy chain) and `timeout` are denied (or dropped, for a Local traffic policy).
 */
export function judgeService(
  c: ServiceCase,
  outcome: string,
  landed: string | undefined,
): { lab: string; agree: boolean } {
  if (outcome === 'open') {
    // The DNS server's answers do not name their pod; the responder's always do.
    const where = landed || undefined;
    const lab = where ? `allow (landed on ${where})` : 'allow';
    const ok = (c.model === 'allow' || c.model === 'partial') && (!where || c.admitted.includes(where));
    return { lab, agree: ok };
  }
  if (outcome === 'refused') return { lab: 'no-endpoint', agree: c.model === 'no-endpoint' };
  if (outcome === 'rejected') return { lab: 'deny', agree: c.model === 'deny' || c.model === 'partial' };
  if (outcome === 'timeout')
    return {
      lab: 'deny (timeout)',
      agree: c.model === 'deny' || c.model === 'partial' || c.model === 'dropped',
    };
  return { lab: outcome, agree: false };
}

/** The Service probes that disagree, each with the model's account: the endpoints kube-proxy may pick and the policy verdict towards each. */
export function serviceDisagreements(
  model: ClusterModel,
  engine: PolicyEngine,
  cases: readonly ServiceCase[],
  results: readonly { outcome: string; answeredBy?: string }[],
): Disagreement[] {
  const podByRef = new Map<string, Pod>(model.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
  const out: Disagreement[] = [];
  cases.forEach((c, i) => {
    const { lab, agree } = judgeService(c, results[i].outcome, results[i].answeredBy);
    if (agree) return;
    const perEndpoint = c.endpoints.map((ep) => {
      const pod = podByRef.get(ep)!;
      const v = engine.explain(
        { kind: 'pod', pod: podByRef.get(c.from)! },
        { kind: 'pod', pod },
        c.port,
        c.protocol,
      );
      return `${ep}: ${v.allowed ? 'admitted' : 'denied'} (${[...describeSide(v.egress, c.from), ...describeSide(v.ingress, ep)].join('; ')})`;
    });
    out.push({
      kind: 'service',
      from: c.from,
      to: `${c.to} (${c.ip})`,
      port: c.port,
      protocol: c.protocol,
      model: c.model,
      lab,
      outcome: results[i].outcome,
      explanation: c.endpoints.length
        ? `kube-proxy picks among ${c.endpoints.join(', ')}; ${perEndpoint.join('; ')}`
        : `no endpoint for this client (${c.model})`,
    });
  });
  return out;
}
