/**
 * DNS probes, pure: names looked up from inside pods by the real C library resolver (`getent ahostsv4`, glibc,
 * `hosts: files dns`) with the pod's resolv.conf and /etc/hosts, against kubetwin's DNS server answering at the
 * pod's endpoints of the cluster DNS Service — compared with `resolve`'s answer from that pod (`resolveFrom`:
 * /etc/hosts, then the search-list walk), and with whether the pod may reach cluster DNS at all (its Service
 * probe to the DNS Service's port 53/UDP).
 */
import { createDns, libcOf, podResolvConf } from '../../analysis/dns/index.ts';
import type { ClusterModel, Pod } from '../../model/types.ts';
import type { ServiceCase } from './_service-cases.ts';
import type { LabPlan } from './types.ts';
import type { Disagreement } from './probes.ts';

export interface DnsCase {
  readonly from: string;
  readonly fromNetns: string;
  readonly name: string;
  /** The IPv4 addresses the lookup must return, sorted; empty: not found. */
  readonly addresses: readonly string[];
  /** The model's answer in words (`resolve`'s final reply, or why DNS is out of reach). */
  readonly model: string;
}

/** How many names each pod looks up (its own hostname, a missing name, Services in turn). */
const NAMES_PER_POD = 6;

export function dnsCases(
  model: ClusterModel,
  plan: LabPlan,
  services: readonly ServiceCase[],
): { cases: DnsCase[]; skipped: string[] } {
  const dnsSvc = plan.dnsService;
  if (!dnsSvc)
    return {
      cases: [],
      skipped: [`DNS: no Service at the cluster DNS address ${model.profile.dnsServiceIP} port 53`],
    };
  if (!plan.pods.some((p) => p.dns.some((d) => d.protocol === 'UDP')))
    return { cases: [], skipped: [`DNS: service:${dnsSvc.service} has no ready endpoint the lab builds`] };
  const dns = createDns(model);
  const byKey = new Map<string, Pod>(model.pods.map((p) => [p.key, p]));
  const reach = new Map<string, ServiceCase>();
  for (const c of services)
    if (c.to === `service:${dnsSvc.service}` && c.port === 53 && c.protocol === 'UDP') reach.set(c.from, c);
  const svcNames = model.services
    .filter((s) => s.type !== 'ExternalName')
    .map((s) => ({ ns: s.namespace, name: s.name }));
  const cases: DnsCase[] = [];
  const skipped: string[] = [];
  plan.pods.forEach((lp, i) => {
    const pod = byKey.get(lp.key)!;
    const rc = podResolvConf(pod, model.profile);
    if (libcOf(pod, model.profile) !== 'glibc')
      return void skipped.push(`DNS from ${lp.ref}: musl resolver (the lab resolves with glibc)`);
    if (rc.nameservers[0] !== dnsSvc.clusterIP)
      return void skipped.push(
        `DNS from ${lp.ref}: its resolver ${rc.nameservers[0] ?? '(none)'} is not the cluster DNS (dnsPolicy ${rc.effectivePolicy})`,
      );
    const path = reach.get(lp.ref);
    if (!path || path.model === 'partial')
      return void skipped.push(
        `DNS from ${lp.ref}: ${path ? 'the policies admit it to some cluster DNS endpoints only' : 'no Service probe to cluster DNS'}`,
      );
    const reachable = path.model === 'allow';
    const names = [pod.hostname ?? pod.name, `kubetwin-no-such-name.${pod.namespace}`];
    const own = svcNames.find((s) => s.ns === pod.namespace);
    if (own) names.push(own.name);
    if (svcNames.length)
      for (let k = 0; names.length < NAMES_PER_POD && k < svcNames.length; k++) {
        const s = svcNames[(i * 3 + k) % svcNames.length];
        names.push(k === 0 ? `${s.name}.${s.ns}.svc.${model.profile.clusterDomain}` : `${s.name}.${s.ns}`);
      }
    for (const name of [...new Set(names)].slice(0, reachable ? NAMES_PER_POD : 2)) {
      const walk = dns.resolveFrom(pod, { name, type: 'A' }).walk;
      const found = walk.final.answer.flatMap((r) => (r.rdata.type === 'A' ? [r.rdata.address] : []));
      const fromHosts = walk.final.answeredBy === 'etc-hosts';
      const addresses = fromHosts || reachable ? [...new Set(found)].sort() : [];
      cases.push({
        from: lp.ref,
        fromNetns: lp.netns,
        name,
        addresses,
        model:
          fromHosts || reachable
            ? `${walk.rcode}${addresses.length ? ` ${addresses.join(' ')}` : ''}${fromHosts ? ' (/etc/hosts)' : walk.resolvedName ? ` (${walk.resolvedName})` : ''}`
            : `cluster DNS out of reach (${path.model} to service:${dnsSvc.service} 53/UDP)`,
      });
    }
  });
  return { cases, skipped };
}

/** Addresses `getent ahostsv4` printed (first column, unique, sorted); empty when it found nothing. */
export function getentAddresses(stdout: string | undefined): string[] {
  if (!stdout) return [];
  return [
    ...new Set(
      stdout
        .split('\n')
        .map((l) => l.split(/\s+/)[0])
        .filter((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a)),
    ),
  ].sort();
}

/** The DNS lookups whose real answer differs from the model's. */
export function dnsDisagreements(cases: readonly DnsCase[], answers: readonly string[][]): Disagreement[] {
  const out: Disagreement[] = [];
  cases.forEach((c, i) => {
    const got = answers[i];
    if (got.join(' ') === c.addresses.join(' ')) return;
    out.push({
      kind: 'dns',
      from: c.from,
      to: c.name,
      port: 53,
      protocol: 'UDP',
      model: c.addresses.length ? c.addresses.join(' ') : 'not found',
      lab: got.length ? got.join(' ') : 'not found',
      outcome: got.length ? 'answered' : 'not found',
      explanation: `resolve from ${c.from}: ${c.model}`,
    });
  });
  return out;
}
