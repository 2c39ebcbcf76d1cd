import type { Protocol, Service } from '../../model/types.ts';
import type { Party } from '../policy/index.ts';
import {
  judgeSources,
  masqueradeSources,
  sourcesDisagree,
  sourcesShort,
  type MasqueradeSource,
} from '../service-path/index.ts';
import type { TraceContext } from './_context.ts';
import { policyHop, type Target } from './_policy.ts';
import type { Delivery, Fix, Hop } from './types.ts';

/** A destination of a masqueraded connection, with the node it runs on (which decides the source address). */
export interface MasqueradedTarget extends Target {
  readonly nodeName?: string;
}

/**
 * The policy hop of a connection kube-proxy masquerades (externalTrafficPolicy Cluster from outside, or a pod to a
 * captured load-balancer address): each destination's ingress policies are judged for every source address the
 * masquerade can give it (`masqueradeSources`: the node's, or a CNI device's in the node's pod range). Where they
 * agree the hop says for which addresses the verdict holds; where they differ the destination counts as reached
 * but the hop carries an unknown naming the addresses on each side: never a plain ALLOWED.
 * `via`: the node that masquerades (a node port's node, a client pod's node); undefined for any node.
 * https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#preserving-the-client-source-ip
 */
export function masqueradedPolicyHop(
  ctx: TraceContext,
  via: string | undefined,
  targets: readonly MasqueradedTarget[],
  protocol: Protocol,
  fallback: Party,
  options: { readonly loadBalancer?: boolean; readonly service?: Pick<Service, 'namespace' | 'name'> } = {},
): { hop: Hop; delivered: Delivery[]; fix?: Fix; reason?: string; client: Party } {
  const sourcesOf = new Map<MasqueradedTarget, MasqueradeSource[]>();
  const groups = new Map<string, { source: MasqueradeSource; targets: MasqueradedTarget[] }>();
  for (const t of targets) {
    const list = masqueradeSources(ctx.model, {
      via,
      endpointNode: t.nodeName,
      endpointIP: t.address,
      loadBalancer: options.loadBalancer,
      service: options.service,
      ...(fallback.kind === 'ip' ? { client: fallback.ip } : {}),
    });
    sourcesOf.set(t, list);
    for (const s of list) {
      const g = groups.get(s.ip) ?? groups.set(s.ip, { source: s, targets: [] }).get(s.ip)!;
      g.targets.push(t);
    }
  }
  if (!groups.size) return { ...policyHop(ctx, fallback, targets, protocol), client: fallback };
  const runs = [...groups.values()]
    .sort((a, b) => ipOrder(a.source.ip, b.source.ip))
    .map((g) => {
      // A svclb pod's own address is that pod, judged with its egress policies (it sends the connection on).
      const party: Party = g.source.pod
        ? { kind: 'pod', pod: g.source.pod }
        : {
            kind: 'ip',
            ip: g.source.ip,
            label: `masquerade ${g.source.ip}`,
            ...(g.source.device ? { device: g.source.device } : {}),
          };
      return { ...g, party, pol: policyHop(ctx, party, g.targets, protocol) };
    });
  const delivered: Delivery[] = [];
  const unknown = new Set<string>();
  const agreed: string[] = [];
  for (const t of targets) {
    const v = judgeSources(ctx.model, sourcesOf.get(t)!, (s) =>
      runs
        .find((r) => r.source.ip === s.ip)!
        .pol.delivered.some((d) => d.ip === t.address && d.port === t.port),
    );
    const why = sourcesDisagree(`${t.label}:${t.port}`, v);
    if (why) unknown.add(why);
    else
      agreed.push(
        `${t.label}:${t.port}: ${v.deniedBy.length ? 'DENIED' : 'ALLOWED'} for every address the masquerade can give it (${[...v.allowedBy, ...v.deniedBy].map((s) => s.ip).join(', ')})`,
      );
    // Reached for some address: counted as delivered, with the unknown that says it may not be.
    if (v.allowedBy.length) delivered.push({ pod: deliveredName(t), ip: t.address, port: t.port });
  }
  for (const r of runs) for (const u of r.pol.hop.unknown ?? []) unknown.add(u);
  const objects = new Map<string, Hop['objects'][number]>();
  for (const r of runs) for (const o of r.pol.hop.objects) objects.set(o.key, o);
  const judged = delivered.length === targets.length ? 'ok' : delivered.length ? 'warn' : 'fail';
  const verdict = unknown.size && judged === 'ok' ? 'warn' : judged;
  const all = [...new Map(runs.map((r) => [r.source.ip, r.source])).values()];
  const kinds = runs[0].pol.hop.title.replace(/:.*$/, '');
  const hop: Hop = {
    kind: 'policy',
    title: `${kinds}: ${delivered.length}/${targets.length} destination(s) allowed${unknown.size ? ' (unknown: the masqueraded source address decides)' : ''}`,
    verdict,
    // Where every address gets the same verdicts, one address's judgement stands for all of them.
    details: [
      `kube-proxy masquerades the connection: the endpoints see ${sourcesShort(all)}`,
      ...agreed,
      ...(unknown.size ? runs : covering(runs)).flatMap((r) => r.pol.hop.details),
    ],
    objects: [...objects.values()],
    destinations: targets.map((t) => ({ target: deliveredName(t), port: t.port })),
    ...(unknown.size ? { unknown: [...unknown].sort() } : {}),
  };
  const failed = delivered.length ? undefined : runs.find((r) => r.pol.reason);
  return {
    hop,
    delivered,
    client: runs[0].party,
    ...(failed?.pol.reason ? { reason: failed.pol.reason } : {}),
    ...(failed?.pol.fix ? { fix: failed.pol.fix } : {}),
  };
}

/** The first runs that between them judge every target (one address per target where all agree). */
function covering<R extends { readonly targets: readonly MasqueradedTarget[] }>(runs: readonly R[]): R[] {
  const seen = new Set<MasqueradedTarget>();
  return runs.filter((r) => {
    const adds = r.targets.some((t) => !seen.has(t));
    r.targets.forEach((t) => seen.add(t));
    return adds;
  });
}

const deliveredName = (t: Target) => (t.pod ? `${t.pod.namespace}/${t.pod.name}` : t.address);

const ipOrder = (a: string, b: string) => {
  const key = (ip: string) => ip.split('.').map((x) => x.padStart(3, '0'));
  const x = key(a).join('.');
  const y = key(b).join('.');
  return x < y ? -1 : x > y ? 1 : 0;
};
