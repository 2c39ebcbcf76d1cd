import { podHostsFile, podResolvConf, renderResolvConf } from '../../analysis/dns/index.ts';
import type { ClusterModel, Pod } from '../../model/types.ts';
import type { LabEtcFile, LabPod } from './types.ts';

/**
 * The files kubelet writes into each pod that name resolution reads — resolv.conf from its dnsPolicy and
 * dnsConfig, /etc/hosts with its own entries and hostAliases — and an nsswitch.conf with `hosts: files dns` (the
 * images' default), placed where `ip netns exec` bind-mounts them over /etc.
 * https://man7.org/linux/man-pages/man8/ip-netns.8.html
 */
export function planEtc(model: ClusterModel, pods: readonly LabPod[]): LabEtcFile[] {
  const byKey = new Map<string, Pod>(model.pods.map((p) => [p.key, p]));
  const out: LabEtcFile[] = [];
  for (const lp of pods) {
    const pod = byKey.get(lp.key)!;
    const hosts = podHostsFile(pod, model.profile.clusterDomain) ?? [];
    out.push(
      { netns: lp.netns, file: 'resolv.conf', content: renderResolvConf(podResolvConf(pod, model.profile)) },
      {
        netns: lp.netns,
        file: 'hosts',
        content: hosts.map((l) => `${l.ip}\t${l.names.join(' ')}\n`).join(''),
      },
      { netns: lp.netns, file: 'nsswitch.conf', content: 'hosts: files dns\n' },
    );
  }
  return out;
}
