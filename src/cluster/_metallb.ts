/**
 * MetalLB as the load-balancer controller of the input: when it holds an `IPAddressPool` (metallb.io), each
 * LoadBalancer Service without an observed address (`status.loadBalancer.ingress`) or a profile address gets the
 * address MetalLB's controller would give it, or none with the reason (`metallb-address-pending`,
 * `metallb-address-undetermined`); an address from a pool that no L2Advertisement or BGPAdvertisement announces is
 * reported (`metallb-address-not-announced`): MetalLB assigns it, but no speaker answers for it.
 * https://metallb.universe.tf/usage/ and https://metallb.universe.tf/configuration/
 * Pure, apart from reporting through the Services' field readers.
 */
import type { Labels } from '../lib/labels.ts';
import type { Service } from '../model/types.ts';
import type { Envelope } from './_envelope.ts';
import { assignMetalLB, type MetalLBService } from './_metallb-assign.ts';
import { announcing, readMetalLB } from './_metallb-config.ts';

/** The Services with MetalLB's answers applied; `envOf` gives each Service's envelope. */
export function withMetalLB(
  envs: readonly Envelope[],
  services: readonly Service[],
  envOf: (svc: Service) => Envelope,
  fromProfile: (svc: Service) => boolean,
): Service[] {
  const config = readMetalLB(envs);
  if (!config) return [...services];
  const nsLabels = new Map<string, Labels>(
    envs.filter((e) => e.kind === 'Namespace').map((e) => [e.name, e.labels]),
  );
  const served = services.filter(
    (s) =>
      s.type === 'LoadBalancer' &&
      !fromProfile(s) &&
      !envOf(s).f.list(['status', 'loadBalancer', 'ingress']).length,
  );
  const asked: MetalLBService[] = served.map((s) => {
    const f = envOf(s).f;
    const lbIP = f.str(['spec', 'loadBalancerIP']);
    const lbClass = f.str(['spec', 'loadBalancerClass']);
    return {
      key: s.key,
      namespace: s.namespace,
      name: s.name,
      labels: s.labels,
      annotations: s.annotations,
      ...(lbIP ? { loadBalancerIP: lbIP } : {}),
      ...(lbClass !== undefined ? { loadBalancerClass: lbClass } : {}),
      families: s.ipFamilies,
      familyPolicy: f.str(['spec', 'ipFamilyPolicy']) ?? 'SingleStack',
    };
  });
  const answers = assignMetalLB(config, asked, (ns) => nsLabels.get(ns) ?? {});
  return services.map((s) => {
    const answer = answers.get(s.key);
    if (!answer) return s;
    const f = envOf(s).f;
    if (answer.kind === 'assigned') {
      if (!announcing(config, answer.pool).length)
        f.report(
          'metallb-address-not-announced',
          'warning',
          ['spec', 'type'],
          `MetalLB gives ${s.namespace}/${s.name} ${answer.addresses.join(', ')} from IPAddressPool ${answer.pool.name}, but no L2Advertisement or BGPAdvertisement announces that pool: nothing outside the cluster can reach the address`,
          `Add an L2Advertisement (or BGPAdvertisement) selecting IPAddressPool ${answer.pool.name}.`,
        );
      return { ...s, loadBalancerIngress: answer.addresses };
    }
    const pending = answer.kind === 'refused';
    const reason = pending
      ? `MetalLB assigns no address: ${answer.reason}`
      : `MetalLB's address is undetermined: ${answer.reason}`;
    f.report(
      pending ? 'metallb-address-pending' : 'metallb-address-undetermined',
      'warning',
      ['spec', 'type'],
      `LoadBalancer Service ${s.namespace}/${s.name}: ${reason}`,
      pending
        ? 'Fix the request (metallb.io/loadBalancerIPs, metallb.io/address-pool, spec.loadBalancerIP) or the IPAddressPools.'
        : 'Pin the address with the metallb.io/loadBalancerIPs annotation, or give the observed status.loadBalancer.ingress (a cluster dump).',
    );
    const within = answer.kind === 'undetermined' ? answer.pools?.flatMap((p) => p.addresses) : undefined;
    return {
      ...s,
      loadBalancerIngress: [],
      loadBalancerPending: { reason, undetermined: !pending, ...(within ? { within } : {}) },
    };
  });
}
