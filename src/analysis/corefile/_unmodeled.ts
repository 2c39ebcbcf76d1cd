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
export const pluginOrder: readonly string[] = [
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

/** Zones from a plugin's arguments where they are domain names (`ZONE:ID` keeps the zone), else the block's. */
function zonesOf(args: readonly string[], blockZones: readonly string[]): string[] {
  const zones = args.map((a) => a.split(':')[0]).filter((a) => /^[a-z0-9.-]*\.?$/i.test(a) && a.length > 0);
  return zones.length ? zones.map(fqdn) : [...blockZones];
}

/**
 * Go's RE2 syntax as far as JavaScript reads it the same: `(?P<name>` is `(?<name>`. A pattern JavaScript cannot
 * compile is kept as undefined, which counts as "may match".
 */
function goRegex(source: string): RegExp | undefined {
  try {
    return new RegExp(source.replace(/\(\?P</g, '(?<'));
  } catch {
    return undefined;
  }
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
    if (!pluginOrder.includes(name) || ['cache', 'rewrite', 'hosts', 'kubernetes', 'forward'].includes(name))
      continue;
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
  return out.sort((a, b) => pluginOrder.indexOf(a.plugin) - pluginOrder.indexOf(b.plugin));
}

/** The place of a plugin in plugin.cfg (for comparing with the modeled plugins). */
export function orderOf(plugin: string): number {
  return pluginOrder.indexOf(plugin);
}

/** Whether `name` lies in `zone` (both canonical). */
function within(name: string, zone: string): boolean {
  return zone === '.' || name === zone || name.endsWith(`.${zone}`);
}

/**
 * The first unmodeled plugin placed before `before` in plugin.cfg that may answer `name`/`type` (IN class), or
 * undefined. A template whose regexes all compile and none matches passes the query on only with `fallthrough`
 * covering the name (template.go returns NXDOMAIN otherwise; kubetwin does not model that reply either, so it
 * counts as claimed).
 */
export function claimedBy(
  answerers: readonly UnmodeledAnswerer[],
  name: string,
  type: string,
  before: string,
): UnmodeledAnswerer | undefined {
  const limit = before === 'end' ? Infinity : orderOf(before);
  for (const a of answerers) {
    if (orderOf(a.plugin) >= limit) continue;
    if (!a.zones.some((z) => within(name, z))) continue;
    if (a.classes && !a.classes.includes('IN')) continue;
    if (a.types && !a.types.includes(type)) continue;
    if (a.match.length) {
      const regexes = a.match.map(goRegex);
      const mayMatch = regexes.some((r) => r === undefined || r.test(name));
      if (!mayMatch && a.fallthrough.some((z) => within(name, z))) continue;
    }
    return a;
  }
  return undefined;
}
