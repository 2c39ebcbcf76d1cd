/**
 * Whether a Corefile plugin kubetwin does not model takes a question before a modeled plugin would: it must sit
 * earlier in CoreDNS's plugin.cfg, hold the name in one of its zones and accept the class and type; a `template`
 * passes the question on only when its regexes all compile, none matches and `fallthrough` covers the name
 * (template.go returns NXDOMAIN otherwise, a reply kubetwin does not model either, so it counts as taken).
 * https://github.com/coredns/coredns/blob/master/plugin.cfg · https://coredns.io/plugins/template/
 */
import { orderOf, type UnmodeledAnswerer } from '../corefile/index.ts';
import { inZone } from './_names.ts';

/**
 * Go's RE2 syntax as far as JavaScript reads it the same: `(?P<name>` is `(?<name>`. A pattern JavaScript cannot
 * compile is undefined, which counts as "may match". Compiled once per pattern: every query asks.
 */
const compiled = new Map<string, RegExp | undefined>();
function goRegex(source: string): RegExp | undefined {
  if (compiled.has(source)) return compiled.get(source);
  let re: RegExp | undefined;
  try {
    re = new RegExp(source.replace(/\(\?P</g, '(?<'));
  } catch {
    re = undefined;
  }
  compiled.set(source, re);
  return re;
}

/** The first unmodeled plugin placed before `before` (`end`: after every one) that may answer `name`/`type` (IN). */
export function claimedBy(
  answerers: readonly UnmodeledAnswerer[],
  name: string,
  type: string,
  before: string,
): UnmodeledAnswerer | undefined {
  const limit = before === 'end' ? Infinity : orderOf(before);
  for (const a of answerers) {
    if (orderOf(a.plugin) >= limit) continue;
    if (!a.zones.some((z) => inZone(name, z))) continue;
    if (a.classes && !a.classes.includes('IN')) continue;
    if (a.types && !a.types.includes(type)) continue;
    if (a.match.length) {
      const mayMatch = a.match.some((m) => {
        const r = goRegex(m);
        return r === undefined || r.test(name);
      });
      if (!mayMatch && a.fallthrough.some((z) => inZone(name, z))) continue;
    }
    return a;
  }
  return undefined;
}
