import type { Directive, ServerBlock, Token } from './_tokenize.ts';
import { fqdn } from './_fqdn.ts';
import { splitPath, type CorefileFiles } from './_import.ts';
import { answeringUnmodeled, unmodeledAnswerers } from './_unmodeled.ts';
import type {
  CacheConfig,
  ForwardConfig,
  HostsEntry,
  HostsPluginConfig,
  KubernetesPluginConfig,
  PodsMode,
  RewriteMatch,
  RewriteNameRule,
  ServerConfig,
} from './types.ts';

export interface PluginProblem {
  readonly code: 'corefile-invalid-option' | 'corefile-plugin-not-modeled';
  readonly message: string;
  readonly at: Token;
}

export { fqdn };

// Plugins with no effect on the answers themselves (health, metrics, logging, reload).
const operational = new Set([
  'errors',
  'health',
  'ready',
  'prometheus',
  'loop',
  'reload',
  'log',
  'debug',
  'pprof',
  'bind',
  'whoami',
  'cancel',
  'timeouts',
]);

const onlyOnce = new Set(['hosts', 'kubernetes']);

/** Interprets one server block's directives. Unknown plugins are recorded in `notModeled`. */
export function serverConfig(
  block: ServerBlock,
  problems: PluginProblem[],
  fs?: CorefileFiles,
): ServerConfig {
  const zones: string[] = [];
  let port = 53;
  for (const k of block.keys) {
    const m = /^(?:dns:\/\/)?([^:]*)(?::(\d+))?$/.exec(k.text);
    if (!m) continue;
    zones.push(fqdn(m[1] || '.'));
    if (m[2]) port = Number(m[2]);
  }
  const forwards: ForwardConfig[] = [];
  const out: { -readonly [K in keyof ServerConfig]: ServerConfig[K] } = {
    zones,
    port,
    forwards,
    rewrites: [],
    notModeled: [],
    unmodeledAnswerers: [],
  };
  const notModeled: string[] = [];
  const rewrites: RewriteNameRule[] = [];
  const seen = new Map<string, Token>();
  for (const d of block.directives) {
    const name = d.name.text;
    const before = seen.get(name);
    // https://coredns.io/plugins/hosts/, https://coredns.io/plugins/kubernetes/: "can only be used once per Server Block"
    if (before && onlyOnce.has(name))
      problems.push({
        code: 'corefile-invalid-option',
        message: `${name} appears again in this server block (first at ${before.file ?? 'Corefile'} line ${before.line}): CoreDNS does not start, as ${name} can only be used once per server block; kubetwin answers from the last one`,
        at: d.name,
      });
    seen.set(name, d.name);
    if (name === 'kubernetes') out.kubernetes = kubernetes(d, zones, problems);
    else if (name === 'hosts') out.hosts = hosts(d, zones, problems, fs);
    else if (name === 'rewrite') rewrites.push(...rewrite(d, problems));
    else if (name === 'cache') out.cache = cache(d, problems);
    else if (name === 'forward') forwards.push(forward(d, problems));
    else {
      notModeled.push(name);
      // An import left in the block could not be resolved; resolveImports has said so.
      if (!operational.has(name) && name !== 'import')
        problems.push({
          code: 'corefile-plugin-not-modeled',
          message: answeringUnmodeled.has(name)
            ? `Corefile plugin "${name}" is not modeled: the names it answers are resolved as unknown`
            : `Corefile plugin "${name}" is not modeled: kubetwin answers as if it were absent${name === 'loadbalance' ? ' (records keep a fixed order instead of being shuffled)' : ''}`,
          at: d.name,
        });
    }
  }
  const quiet = notModeled.filter((n) => operational.has(n));
  if (quiet.length)
    problems.push({
      code: 'corefile-plugin-not-modeled',
      message: `Corefile plugins without effect on answers are not modeled: ${quiet.join(', ')}`,
      at: block.keys[0] ?? block.directives[0].name,
    });
  return { ...out, rewrites, notModeled, unmodeledAnswerers: unmodeledAnswerers(block.directives, zones) };
}

function int(t: Token | undefined, problems: PluginProblem[], what: string, fallback: number): number {
  if (t && /^\d+$/.test(t.text)) return Number(t.text);
  if (t)
    problems.push({
      code: 'corefile-invalid-option',
      message: `${what} "${t.text}" is not a whole number; ${fallback} is used`,
      at: t,
    });
  return fallback;
}

/** https://coredns.io/plugins/kubernetes/ — zones from the arguments, else the server block's; ttl default 5. */
function kubernetes(
  d: Directive,
  blockZones: readonly string[],
  problems: PluginProblem[],
): KubernetesPluginConfig {
  const zones = d.args.length ? d.args.map((a) => fqdn(a.text)) : [...blockZones];
  let pods: PodsMode = 'disabled';
  let ttl = 5;
  let fallthrough: string[] = [];
  let namespaces: string[] = [];
  let endpointPodNames = false;
  let ignoreEmptyService = false;
  for (const o of d.block) {
    const args = o.args.map((a) => a.text);
    switch (o.name.text) {
      case 'pods':
        if (args[0] === 'disabled' || args[0] === 'insecure' || args[0] === 'verified') pods = args[0];
        else
          problems.push({
            code: 'corefile-invalid-option',
            message: `pods "${args[0] ?? ''}" must be disabled, insecure or verified`,
            at: o.name,
          });
        break;
      case 'ttl':
        ttl = Math.min(int(o.args[0], problems, 'ttl', 5), 3600);
        break;
      case 'fallthrough':
        fallthrough = args.length ? args.map(fqdn) : ['.'];
        break;
      case 'namespaces':
        namespaces = args;
        break;
      case 'endpoint_pod_names':
        endpointPodNames = true;
        break;
      case 'ignore':
        ignoreEmptyService = args.includes('empty_service');
        break;
      case 'endpoint':
      case 'tls':
      case 'kubeconfig':
      case 'labels':
      case 'namespace_labels':
      case 'noendpoints':
      case 'multicluster':
      case 'startup_timeout':
      case 'apiserver_qps':
      case 'apiserver_burst':
      case 'apiserver_max_inflight':
        break;
      default:
        problems.push({
          code: 'corefile-invalid-option',
          message: `kubernetes option "${o.name.text}" is not known`,
          at: o.name,
        });
    }
  }
  return { zones, pods, ttl, fallthrough, namespaces, endpointPodNames, ignoreEmptyService };
}

/** https://coredns.io/plugins/hosts/ — inline `IP NAME…` lines, ttl default 3600, PTRs unless no_reverse. */
function hosts(
  d: Directive,
  blockZones: readonly string[],
  problems: PluginProblem[],
  fs?: CorefileFiles,
): HostsPluginConfig {
  const [file, ...zoneArgs] = d.args.map((a) => a.text);
  const fromFile = file ? hostsFile(file, fs) : { entries: [] };
  const entries: HostsEntry[] = [...fromFile.entries];
  let ttl = 3600;
  let fallthrough: string[] = [];
  let noReverse = false;
  for (const o of d.block) {
    const word = o.name.text;
    if (word === 'ttl') ttl = int(o.args[0], problems, 'ttl', 3600);
    else if (word === 'fallthrough') fallthrough = o.args.length ? o.args.map((a) => fqdn(a.text)) : ['.'];
    else if (word === 'no_reverse') noReverse = true;
    else if (word === 'reload') continue;
    else if (o.args.length) entries.push({ ip: word, names: o.args.map((a) => fqdn(a.text)) });
  }
  if (file && fromFile.note)
    problems.push({
      code: 'corefile-plugin-not-modeled',
      message: `hosts ${file}: ${fromFile.note}`,
      at: d.name,
    });
  return {
    ...(file ? { file } : {}),
    ...(file && fromFile.unknown ? { fileUnknown: true } : {}),
    entries,
    zones: zoneArgs.length ? zoneArgs.map(fqdn) : [...blockZones],
    ttl,
    fallthrough,
    noReverse,
  };
}

/**
 * The entries of a hosts file the CoreDNS container reads: a mounted ConfigMap key (k3s's `NodeHosts`) is read in
 * /etc/hosts format (`IP NAME…`, `#` comments); a path relative to the Corefile is taken under /etc/coredns. A file
 * in a known directory that is not there gives no entries; one nowhere in the input is unknown.
 * https://coredns.io/plugins/hosts/ ("FILE … relative paths are interpreted relative to the path specified by the
 * root plugin"), https://github.com/k3s-io/k3s/blob/master/manifests/coredns.yaml (NodeHosts)
 */
function hostsFile(
  file: string,
  fs: CorefileFiles | undefined,
): { entries: HostsEntry[]; unknown?: true; note?: string } {
  const path = file.startsWith('/') ? file : `/etc/coredns/${file}`;
  const text = fs?.files.get(path);
  if (text !== undefined) {
    const entries: HostsEntry[] = [];
    for (const line of text.split('\n')) {
      const [ip, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
      if (ip && names.length) entries.push({ ip, names: names.map(fqdn) });
    }
    return { entries };
  }
  const from = fs?.directories.get(splitPath(path).dir);
  if (from !== undefined)
    return { entries: [], note: `the file is not in ${from}: the plugin has no entries from it` };
  return {
    entries: [],
    unknown: true,
    note: 'the file is not in the input (no ConfigMap mounted there): names the plugin may answer are resolved as unknown',
  };
}

/** https://coredns.io/plugins/rewrite/ — only `name` rules are modeled; others are reported. */
function rewrite(d: Directive, problems: PluginProblem[]): RewriteNameRule[] {
  let args = d.args.map((a) => a.text);
  let mode: 'stop' | 'continue' = 'stop';
  if (args[0] === 'stop' || args[0] === 'continue') {
    mode = args[0];
    args = args.slice(1);
  }
  const lines: string[][] = d.block.length
    ? d.block.map((o) => [o.name.text, ...o.args.map((a) => a.text)])
    : [args];
  const out: RewriteNameRule[] = [];
  for (let i = 0; i < lines.length; i++) {
    const words = lines[i];
    if (words[0] !== 'name') {
      if (words[0] === 'answer') continue;
      problems.push({
        code: 'corefile-plugin-not-modeled',
        message: `rewrite ${words[0] ?? ''} is not modeled (only rewrite name is)`,
        at: d.name,
      });
      continue;
    }
    let rest = words.slice(1);
    let match: RewriteMatch = 'exact';
    if (['exact', 'prefix', 'suffix', 'substring', 'regex'].includes(rest[0]) && rest.length >= 3) {
      match = rest[0] as RewriteMatch;
      rest = rest.slice(1);
    }
    const [from, to, ...tail] = rest;
    if (!from || !to) {
      problems.push({
        code: 'corefile-invalid-option',
        message: 'rewrite name needs FROM and TO',
        at: d.name,
      });
      continue;
    }
    const next = lines[i + 1];
    const answerWords = tail[0] === 'answer' ? tail.slice(1) : next?.[0] === 'answer' ? next.slice(1) : [];
    const answer =
      answerWords[0] === 'auto'
        ? ('auto' as const)
        : answerWords[0] === 'name' && answerWords[2]
          ? { from: answerWords[1], to: answerWords[2] }
          : undefined;
    out.push({
      mode,
      match,
      from: match === 'regex' ? from : from.toLowerCase(),
      to: match === 'regex' ? to : to.toLowerCase(),
      ...(answer ? { answer } : {}),
    });
  }
  return out;
}

/**
 * https://coredns.io/plugins/cache/ — `cache [TTL]` caps both; `success|denial CAPACITY [TTL] [MINTTL]` refine
 * (CAPACITY default 9984 replies per store).
 */
function cache(d: Directive, problems: PluginProblem[]): CacheConfig {
  const cap = d.args[0] && /^\d+$/.test(d.args[0].text) ? Number(d.args[0].text) : undefined;
  const c = {
    successTTL: cap ?? 3600,
    denialTTL: cap ?? 1800,
    successMinTTL: 5,
    denialMinTTL: 5,
    successCapacity: 9984,
    denialCapacity: 9984,
  };
  for (const o of d.block) {
    if (o.name.text !== 'success' && o.name.text !== 'denial') continue;
    const key = o.name.text;
    if (o.args[0]) c[`${key}Capacity`] = int(o.args[0], problems, `${key} CAPACITY`, 9984);
    if (o.args[1]) c[`${key}TTL`] = int(o.args[1], problems, `${key} TTL`, c[`${key}TTL`]);
    if (o.args[2]) c[`${key}MinTTL`] = int(o.args[2], problems, `${key} MINTTL`, 5);
  }
  return c;
}

/**
 * https://coredns.io/plugins/forward/ — `forward FROM TO… { except IGNORED_NAMES… }`; kubetwin never sends the query,
 * it says where it would go. Several stanzas in one block are chained in order (plugin/forward/setup.go).
 */
function forward(d: Directive, problems: PluginProblem[]): ForwardConfig {
  const [from, ...to] = d.args.map((a) => a.text);
  if (!from || !to.length)
    problems.push({
      code: 'corefile-invalid-option',
      message: 'forward needs FROM and at least one TO',
      at: d.name,
    });
  const except = d.block
    .filter((o) => o.name.text === 'except')
    .flatMap((o) => o.args.map((a) => fqdn(a.text)));
  return { from: fqdn(from ?? '.'), to, except };
}
