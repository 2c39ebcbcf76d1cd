import { cidrContains, parseCidr, parseIP } from '../../lib/ip.ts';
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
