import { cidrAt, cidrContains, formatIP, parseCidr, parseIP } from '../../lib/ip.ts';
import type { RawObject } from '../../parse/index.ts';
import { argValue, k3sNodeArgsAnnotation, parseNodeArgs } from '../../model/k3s-node-args.ts';
import { asList, asString, at, isKind, nameOf, type Inferred } from './_observed.ts';

export { argOn, argValue, k3sNodeArgsAnnotation } from '../../model/k3s-node-args.ts';

/** A k3s server's command line as its Node records it. */
export interface K3sServerArgs {
  readonly node: RawObject;
  readonly args: readonly string[];
}

/**
 * The k3s servers' command lines, from the `k3s.io/node-args` annotation of the Nodes whose first word is
 * `server`, sorted by Node name. k3s writes the annotation from its arguments merged with its config file
 * (`configfilearg.MustParse`), each `--flag=value` split into two words and secrets replaced by `********`
 * (k3s-io/k3s pkg/nodeconfig/nodeconfig.go, `getNodeArgs`). Agents' lines are left out: the flags read here
 * are server flags, which the agents take from the server.
 */
export function k3sServers(objects: readonly RawObject[]): K3sServerArgs[] {
  const out: K3sServerArgs[] = [];
  for (const node of objects.filter((o) => isKind(o, 'Node', ''))) {
    const text = asString(at(node.body, 'metadata', 'annotations', k3sNodeArgsAnnotation));
    const args = text ? parseNodeArgs(text) : undefined;
    if (args?.[0] === 'server') out.push({ node, args });
  }
  return out.sort((a, b) => ((nameOf(a.node) ?? '') < (nameOf(b.node) ?? '') ? -1 : 1));
}

/**
 * k3s's built-in defaults for its server flags (https://docs.k3s.io/cli/server#networking): `--cluster-cidr`
 * 10.42.0.0/16, `--service-cidr` 10.43.0.0/16.
 */
const defaults = { 'cluster-cidr': '10.42.0.0/16', 'service-cidr': '10.43.0.0/16' } as const;

/**
 * A k3s server's pod or service range from its `k3s.io/node-args`: the flag's value where the command line (or
 * config file) sets it, else k3s's default — used only when every address observed (`sample`) lies in it, so a
 * cluster started some other way falls back to the covering guess.
 */
export function inferK3sRange(
  servers: readonly K3sServerArgs[],
  flag: keyof typeof defaults,
  sample: readonly string[],
): Inferred<string> | undefined {
  const server = servers[0];
  if (!server) return undefined;
  const source = server.node.locate(['metadata', 'annotations', k3sNodeArgsAnnotation]);
  const stated = argValue(server.args, flag);
  const cidrs = stated?.split(',').map((c) => c.trim());
  if (stated && cidrs && cidrs.length <= 2 && cidrs.every((c) => parseCidr(c)))
    return {
      value: cidrs.join(','),
      sources: [source],
      rule: `--${flag} in the k3s.io/node-args of k3s server Node ${nameOf(server.node)}`,
      exact: true,
    };
  if (stated) return undefined;
  const range = parseCidr(defaults[flag])!;
  const inside = sample.every((s) => {
    const ip = parseIP(s.split('/')[0] ?? '');
    return !ip || ip.family !== 4 || cidrContains(range, ip);
  });
  if (!inside) return undefined;
  return {
    value: defaults[flag],
    sources: [source],
    rule: `k3s's default --${flag}: the k3s.io/node-args of k3s server Node ${nameOf(server.node)} (its command line and config file) set none`,
    note: "k3s's default holds for a server started without the flag; k3s.io/node-args records the arguments of the server's last start",
    exact: false,
  };
}

/** Every string of `list` (a helper for the samples above). */
export const strings = (list: unknown): string[] =>
  asList(list).filter((s): s is string => typeof s === 'string');

/**
 * What a k3s server's kubelet gives pods, from the server's `k3s.io/node-args` (https://docs.k3s.io/cli/server#networking):
 * `stated` where the command line (or config file) sets the flag, `defaulted` k3s's own default otherwise.
 * - DNS address (`clusterDNS`): the first address of `--cluster-dns` (a comma-separated list); unset, k3s takes the
 *   10th address of each service range, the first one's being `ClusterDNS` (k3s-io/k3s pkg/cli/server/server.go;
 *   default 10.43.0.10), counted only where the service range is known (`serviceCIDR`, itself exact or not).
 * - cluster domain: `--cluster-domain`, else `cluster.local`.
 */
export function inferK3sDns(
  servers: readonly K3sServerArgs[],
  serviceCIDR: Inferred<string> | undefined,
): { stated?: Inferred<string>; defaulted?: Inferred<string> } {
  const server = servers[0];
  if (!server) return {};
  const source = server.node.locate(['metadata', 'annotations', k3sNodeArgsAnnotation]);
  const where = `the k3s.io/node-args of k3s server Node ${nameOf(server.node)}`;
  const stated = argValue(server.args, 'cluster-dns');
  if (stated) {
    const first = stated.split(',')[0]!.trim();
    return parseIP(first)
      ? { stated: { value: first, sources: [source], rule: `--cluster-dns in ${where}`, exact: true } }
      : {};
  }
  const range = serviceCIDR && parseCidr(serviceCIDR.value.split(',')[0]!.trim());
  if (!serviceCIDR || !range) return {};
  return {
    defaulted: {
      value: formatIP(cidrAt(range, 10n)),
      sources: [source, ...serviceCIDR.sources],
      rule: `k3s's default --cluster-dns, the 10th address of the service range ${range.text}: ${where} (its command line and config file) set none`,
      ...(serviceCIDR.note ? { note: serviceCIDR.note } : {}),
      exact: serviceCIDR.exact,
    },
  };
}

/** The cluster domain of a k3s cluster (`inferK3sDns` says where it comes from). */
export function inferK3sDomain(servers: readonly K3sServerArgs[]): {
  stated?: Inferred<string>;
  defaulted?: Inferred<string>;
} {
  const server = servers[0];
  if (!server) return {};
  const source = server.node.locate(['metadata', 'annotations', k3sNodeArgsAnnotation]);
  const where = `the k3s.io/node-args of k3s server Node ${nameOf(server.node)}`;
  const stated = argValue(server.args, 'cluster-domain')?.replace(/\.$/, '').toLowerCase();
  if (stated)
    return /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(stated)
      ? { stated: { value: stated, sources: [source], rule: `--cluster-domain in ${where}`, exact: true } }
      : {};
  return {
    defaulted: {
      value: 'cluster.local',
      sources: [source],
      rule: `k3s's default --cluster-domain: ${where} (its command line and config file) set none`,
      note: "k3s's default holds for a server started without the flag; k3s.io/node-args records the arguments of the server's last start",
      exact: false,
    },
  };
}
