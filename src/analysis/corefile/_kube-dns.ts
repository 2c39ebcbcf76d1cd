/**
 * kube-dns (GKE and pre-1.12 clusters) reads the `kube-system/kube-dns` ConfigMap: `stubDomains`, a JSON map from a
 * DNS suffix to the nameservers (IP, optionally `:port`) its dnsmasq sends that suffix to, and
 * `upstreamNameservers`, a JSON array of at most three IPs that replace the node's /etc/resolv.conf for every other
 * name outside the cluster domain. The Kubernetes docs give the CoreDNS equivalent, which is what this builds: one
 * server block per stub domain forwarding to its nameservers, and the default block's `forward .` to the upstream
 * nameservers. `federations` and any other key are not modeled: the names they may change are made unknown.
 * https://kubernetes.io/docs/tasks/administer-cluster/dns-custom-nameservers/#coredns-configuration-equivalent-to-kube-dns
 * https://kubernetes.io/blog/2017/04/configuring-private-dns-zones-upstream-nameservers-kubernetes/
 * https://cloud.google.com/kubernetes-engine/docs/how-to/kube-dns
 */
import { parseIP } from '../../lib/ip.ts';
import { defaultCorefileLines } from './_default.ts';
import type { UnmodeledAnswerer } from './types.ts';

export interface KubeDnsProblem {
  /** The ConfigMap key the problem is in. */
  readonly key: string;
  readonly message: string;
}

export interface KubeDnsTranslation {
  /** The Corefile that answers as this kube-dns configuration does. */
  readonly corefile: string;
  /** Names the configuration may answer in ways kubetwin does not model. */
  readonly unknown: readonly UnmodeledAnswerer[];
  readonly problems: readonly KubeDnsProblem[];
  /** Keys read but not modeled (`federations`, unknown keys). */
  readonly notModeled: readonly KubeDnsProblem[];
}

/** kube-dns's limit on `upstreamNameservers` (pkg/dns/config validateUpstreamNameserver). */
const maxUpstreams = 3;

/** The Corefile equivalent to the kube-dns ConfigMap `data`, with what it cannot express. */
export function kubeDnsCorefile(
  data: Readonly<Record<string, unknown>>,
  clusterDomain: string,
): KubeDnsTranslation {
  const problems: KubeDnsProblem[] = [];
  const unknown: UnmodeledAnswerer[] = [];
  const notModeled: KubeDnsProblem[] = [];
  const unknownFor = (zones: string[], reason: string, match: string[] = []) =>
    unknown.push({
      plugin: 'kube-dns',
      line: 0,
      zones,
      match,
      fallthrough: match.length ? ['.'] : [],
      reason: `the kube-dns ConfigMap's ${reason}: kubetwin does not model it, so the reply is unknown`,
    });
  const bad = (key: string, message: string) => {
    problems.push({ key, message });
    // kube-dns rejects an invalid configuration and keeps the one it had: which one is not in the input.
    unknownFor(['.'], `${key} is invalid (kube-dns keeps a configuration the input does not hold)`);
  };
  const json = (key: string): unknown => {
    const text = data[key];
    if (typeof text !== 'string' || !text.trim()) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      bad(key, `${key} is not valid JSON: ${(e as Error).message}`);
      return undefined;
    }
  };
  const stubs: [string, string[]][] = [];
  const stubValue = json('stubDomains');
  if (
    stubValue !== undefined &&
    (typeof stubValue !== 'object' || stubValue === null || Array.isArray(stubValue))
  )
    bad('stubDomains', 'stubDomains must be a JSON object from a domain to a list of nameserver IPs');
  else
    for (const [domain, servers] of Object.entries(
      (stubValue as Record<string, unknown> | undefined) ?? {},
    ).sort()) {
      const zone = domain.toLowerCase().replace(/\.$/, '');
      const list = Array.isArray(servers) ? servers : [];
      if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(zone) || !list.length || !list.every(isNameserver))
        bad(
          'stubDomains',
          `stubDomains "${domain}" must map a DNS name to a non-empty list of nameserver IPs`,
        );
      else stubs.push([zone, list as string[]]);
    }
  let upstreams = ['/etc/resolv.conf'];
  const upValue = json('upstreamNameservers');
  if (upValue !== undefined) {
    if (!Array.isArray(upValue) || !upValue.every(isNameserver) || upValue.length > maxUpstreams)
      bad(
        'upstreamNameservers',
        `upstreamNameservers must be a JSON list of at most ${maxUpstreams} nameserver IPs`,
      );
    else if (upValue.length) upstreams = upValue as string[];
  }
  const federations = json('federations');
  if (federations !== undefined) {
    const names = typeof federations === 'object' && federations ? Object.keys(federations).sort() : [];
    const escaped = clusterDomain.replace(/\./g, '\\.');
    // A federated name is <service>.<namespace>.<federation>.svc.<domain> (kube-dns pkg/dns federation).
    const match = names.length
      ? [`^[^.]+\\.[^.]+\\.(${names.map(escapeRe).join('|')})\\.svc\\.${escaped}\\.$`]
      : [];
    const what = `federations (${names.join(', ') || 'unreadable'})`;
    unknownFor([`${clusterDomain}.`], what, match);
    notModeled.push({ key: 'federations', message: unknown.at(-1)!.reason! });
  }
  for (const key of Object.keys(data).sort())
    if (!['stubDomains', 'upstreamNameservers', 'federations'].includes(key)) {
      unknownFor(['.'], `key ${key}`);
      notModeled.push({ key, message: unknown.at(-1)!.reason! });
    }
  const lines = defaultCorefileLines(clusterDomain).map((l) =>
    l.trim().startsWith('forward . /etc/resolv.conf') ? `    forward . ${upstreams.join(' ')} {` : l,
  );
  for (const [zone, servers] of stubs)
    lines.push(`${zone}:53 {`, '    errors', '    cache 30', `    forward . ${servers.join(' ')}`, '}');
  return { corefile: lines.join('\n') + '\n', unknown, problems, notModeled };
}

/** An IP, optionally with `:port` (IPv6 in brackets when it has one), as kube-dns accepts. */
function isNameserver(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(v) ?? /^([^:]+):(\d+)$/.exec(v);
  return parseIP(m ? m[1]! : v) !== undefined;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
