/**
 * A k3s server's command line as its Node records it: the `k3s.io/node-args` annotation, a JSON list of words,
 * written from the arguments merged with the config file (`configfilearg.MustParse`), each `--flag=value` split into
 * two words (k3s-io/k3s pkg/nodeconfig/nodeconfig.go, `getNodeArgs`). Pure reads of those words, for the builder's
 * profile inference and the analyses (https://docs.k3s.io/cli/server).
 */

/** The annotation k3s writes on each Node: its command line (config file included), JSON-encoded. */
export const k3sNodeArgsAnnotation = 'k3s.io/node-args';

/** The words of a `k3s.io/node-args` value; undefined when it is not a JSON list of strings. */
export function parseNodeArgs(text: string): string[] | undefined {
  try {
    const list: unknown = JSON.parse(text);
    return Array.isArray(list) && list.every((w) => typeof w === 'string') ? list : undefined;
  } catch {
    return undefined;
  }
}

/** The value of `--name` in a k3s node-args list (`--name value`, as k3s splits `--name=value`), last one wins. */
export function argValue(args: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  args.forEach((w, i) => {
    if (w === `--${name}` && i + 1 < args.length && !args[i + 1]!.startsWith('--')) value = args[i + 1];
  });
  return value;
}

/** Every value of a repeatable `--name` (`--disable traefik --disable servicelb`), each split on commas. */
export function argValues(args: readonly string[], name: string): string[] {
  const out: string[] = [];
  args.forEach((w, i) => {
    const next = args[i + 1];
    if (w === `--${name}` && next !== undefined && !next.startsWith('--'))
      out.push(
        ...next
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
  });
  return out;
}

/** Is the boolean `--name` on: given alone, or followed by `true` (a config file's `name: true`)? */
export function argOn(args: readonly string[], name: string): boolean {
  let on = false;
  args.forEach((w, i) => {
    if (w !== `--${name}`) return;
    const next = args[i + 1];
    on = next === 'false' ? false : true;
  });
  return on;
}

/** The packaged components `--disable` can leave out (https://docs.k3s.io/installation/packaged-components). */
export type K3sComponent =
  'coredns' | 'servicelb' | 'traefik' | 'local-storage' | 'metrics-server' | 'runtimes';

/** The command lines of the k3s servers among Nodes (first word `server`), sorted by Node name. */
export function k3sServerArgs(
  nodes: readonly { readonly name: string; readonly annotations: Readonly<Record<string, string>> }[],
): { readonly node: string; readonly args: readonly string[] }[] {
  const out: { node: string; args: string[] }[] = [];
  for (const n of nodes) {
    const text = n.annotations[k3sNodeArgsAnnotation];
    const args = text ? parseNodeArgs(text) : undefined;
    if (args?.[0] === 'server') out.push({ node: n.name, args });
  }
  return out.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
}

/**
 * The packaged component a k3s server's `--disable` leaves out: k3s does not deploy it and deletes it if deployed
 * (https://docs.k3s.io/cli/server: `--disable value` "Do not deploy packaged components and delete any deployed
 * components (valid items: coredns, servicelb, traefik, local-storage, metrics-server, runtimes)"; k3s-io/k3s
 * pkg/cli/server/server.go sets `DisableServiceLB` from `--disable servicelb` alone). `disabled` is the first server's answer; `servers` names the servers that disagree, when they do.
 */
export function k3sDisabled(
  servers: readonly { readonly node: string; readonly args: readonly string[] }[],
  component: K3sComponent,
): { readonly disabled: boolean; readonly node: string; readonly disagree?: readonly string[] } | undefined {
  const off = (args: readonly string[]) => argValues(args, 'disable').includes(component);
  const first = servers[0];
  if (!first) return undefined;
  const disabled = off(first.args);
  const disagree = servers.filter((s) => off(s.args) !== disabled).map((s) => s.node);
  return { disabled, node: first.node, ...(disagree.length ? { disagree } : {}) };
}
