/**
 * Plugins kubetwin does not model but that answer queries themselves: for the names they claim, the reply comes
 * from them and not from the plugins kubetwin models, so kubetwin's answer would be a guess. Each is read only far
 * enough to know which questions it may take: its zones, and for `template` its class, type, regexes and
 * fallthrough. Where a plugin runs is its place in CoreDNS's plugin.cfg, not the Corefile's order.
 * https://github.com/coredns/coredns/blob/master/plugin.cfg · https://coredns.io/plugins/template/ ·
 * https://coredns.io/plugins/k8s_external/ · https://coredns.io/plugins/file/ · https://coredns.io/plugins/auto/ ·
 * https://coredns.io/plugins/secondary/ · https://coredns.io/plugins/etcd/ · https://coredns.io/plugins/route53/ ·
 * https://coredns.io/plugins/azure/ · https://coredns.io/plugins/clouddns/ · https://coredns.io/plugins/grpc/ ·
 * https://coredns.io/plugins/acl/ · https://coredns.io/plugins/dns64/ · https://coredns.io/plugins/view/
 */
import type { Directive } from './_tokenize.ts';
import { fqdn } from './_fqdn.ts';
import type { UnmodeledAnswerer } from './types.ts';

/**
 * The order plugin.cfg compiles in (CoreDNS 1.11), for the plugins that matter here: a query meets them in this
 * order whatever the Corefile says. The modeled ones (`cache`, `rewrite`, `hosts`, `kubernetes`, `forward`) are
 * listed so an unmodeled plugin's place among them is known.
 */
const pluginOrder: readonly string[] = [
  // An `import` left unresolved (its files are not in the input) may bring any plugin: it comes first.
  'import',
  'view',
  'acl',
  'dns64',
  'cache',
  'rewrite',
  'template',
  'hosts',
  'route53',
  'azure',
  'clouddns',
  'k8s_external',
  'kubernetes',
  'file',
  'auto',
  'secondary',
  'etcd',
  'forward',
  'grpc',
];

/** The plugins kubetwin models; every other one of `pluginOrder` answers queries itself and is not modeled. */
const modeled = new Set(['cache', 'rewrite', 'hosts', 'kubernetes', 'forward']);

/** The plugins of `pluginOrder` that answer queries and that kubetwin does not model. */
export const answeringUnmodeled: ReadonlySet<string> = new Set(pluginOrder.filter((p) => !modeled.has(p)));

/** Zones from a plugin's arguments where they are domain names (`ZONE:ID` keeps the zone), else the block's. */
function zonesOf(args: readonly string[], blockZones: readonly string[]): string[] {
  const zones = args.map((a) => a.split(':')[0]).filter((a) => /^[a-z0-9.-]*\.?$/i.test(a) && a.length > 0);
  return zones.length ? zones.map(fqdn) : [...blockZones];
}

/** The questions `template CLASS TYPE [ZONE…] { match …; fallthrough [ZONE…] }` may answer. */
function template(d: Directive, blockZones: readonly string[]): UnmodeledAnswerer {
  const [cls = 'ANY', type = 'ANY', ...zoneArgs] = d.args.map((a) => a.text.toUpperCase());
  const match: string[] = [];
  let fallthrough: string[] = [];
  for (const o of d.block) {
    if (o.name.text === 'match') match.push(...o.args.map((a) => a.text));
    if (o.name.text === 'fallthrough') fallthrough = o.args.length ? o.args.map((a) => fqdn(a.text)) : ['.'];
  }
  return {
    plugin: 'template',
    line: d.name.line,
    zones: zoneArgs.length ? zoneArgs.map(fqdn) : [...blockZones],
    classes: cls === 'ANY' ? undefined : [cls],
    types: type === 'ANY' ? undefined : [type],
    match,
    fallthrough,
  };
}

/** The unmodeled answering plugins of one server block, in plugin.cfg order. */
export function unmodeledAnswerers(
  directives: readonly Directive[],
  blockZones: readonly string[],
): UnmodeledAnswerer[] {
  const out: UnmodeledAnswerer[] = [];
  for (const d of directives) {
    const name = d.name.text;
    if (!answeringUnmodeled.has(name)) continue;
    const args = d.args.map((a) => a.text);
    const base = { plugin: name, line: d.name.line, match: [], fallthrough: [] };
    if (name === 'template') out.push(template(d, blockZones));
    else if (name === 'dns64') out.push({ ...base, zones: [...blockZones], types: ['AAAA'] });
    // file DBFILE [ZONES…]; grpc FROM TO…: the first argument is not a zone.
    else if (name === 'file') out.push({ ...base, zones: zonesOf(args.slice(1), blockZones) });
    else if (name === 'grpc') out.push({ ...base, zones: zonesOf(args.slice(0, 1), blockZones) });
    // acl and view read rules from their block: every name of the block may be refused or routed elsewhere.
    else if (name === 'acl' || name === 'view' || name === 'import')
      out.push({ ...base, zones: [...blockZones] });
    else out.push({ ...base, zones: zonesOf(args, blockZones) });
  }
  return out.sort((a, b) => orderOf(a.plugin) - orderOf(b.plugin));
}

/**
 * The place of a plugin in plugin.cfg (for comparing with the modeled plugins); -1, before every plugin, for a
 * stand-in kubetwin adds itself where the input hides what answers (kube-dns settings it does not model,
 * node-local-dns without its ConfigMap).
 */
export function orderOf(plugin: string): number {
  return pluginOrder.indexOf(plugin);
}
