/**
 * The /etc/hosts kubelet writes into a pod (not for hostNetwork pods, which see the node's): localhost lines, the
 * pod's addresses with its hostname (and `<hostname>.<subdomain>.<ns>.svc.<zone>` when it has a subdomain), then
 * `hostAliases`. glibc (`hosts: files dns`) and musl both consult it before DNS, for the name as given — no search
 * list. https://kubernetes.io/docs/tasks/network/customize-hosts-file-for-pods/
 */
import type { Pod } from '../../model/types.ts';

export interface HostsLine {
  readonly ip: string;
  readonly names: readonly string[];
}

export function podHostsFile(pod: Pod, clusterDomain: string): HostsLine[] | undefined {
  if (pod.hostNetwork) return undefined;
  const hostname = (pod.hostname ?? pod.name).slice(0, 63);
  const names = pod.subdomain
    ? [`${hostname}.${pod.subdomain}.${pod.namespace}.svc.${clusterDomain}`, hostname]
    : [hostname];
  return [
    { ip: '127.0.0.1', names: ['localhost'] },
    { ip: '::1', names: ['localhost', 'ip6-localhost', 'ip6-loopback'] },
    { ip: 'fe00::', names: ['ip6-localnet', 'ip6-mcastprefix'] },
    { ip: 'fe00::1', names: ['ip6-allnodes'] },
    { ip: 'fe00::2', names: ['ip6-allrouters'] },
    ...pod.ips.map((ip) => ({ ip, names })),
    ...(pod.hostAliases ?? []).map((a) => ({ ip: a.ip, names: a.hostnames })),
  ];
}

/** Addresses of `name` (as given, trailing dot ignored, any case) for A or AAAA, in file order. */
export function lookupHostsFile(lines: readonly HostsLine[], name: string, type: string): string[] {
  if (type !== 'A' && type !== 'AAAA') return [];
  const want = name.replace(/\.$/, '').toLowerCase();
  const v6 = type === 'AAAA';
  return lines
    .filter((l) => l.ip.includes(':') === v6 && l.names.some((n) => n.toLowerCase() === want))
    .map((l) => l.ip);
}
