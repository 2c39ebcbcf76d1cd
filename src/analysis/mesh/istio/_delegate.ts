/**
 * VirtualService delegation: a root VirtualService's `http` rule with `delegate` stands for the rules of another
 * VirtualService (one without `hosts`), each merged with the root rule, as istiod merges them before it builds any
 * proxy's routes (`mergeVirtualServicesIfNeeded`, `mergeHTTPRoute`, `mergeHTTPMatchRequest`, `hasConflict` in
 * istio/istio `pilot/pkg/model/virtualservice.go`).
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#Delegate
 */
import type {
  IstioHttpMatch,
  IstioHttpRoute,
  NamedStringMatch,
  StringMatch,
  VirtualService,
} from '../../../model/mesh.ts';
import { exportedTo } from './_service-entries.ts';

/** One rule of a root VirtualService after delegation, with the VirtualService its hosts are read in. */
export interface ExpandedRule {
  /** The VirtualService the rule is written in: the root's own rule, or the delegate's. */
  readonly vs: VirtualService;
  readonly rule: IstioHttpRoute;
  /** Set for a rule merged from a delegate: the root's rule that delegated to it. */
  readonly via?: { readonly root: VirtualService; readonly index: number };
  /** Where each merged match block comes from, for the answer (`spec.http[0].match[1]`...), by position. */
  readonly matchAt?: readonly string[];
}

const valueOf = (m: StringMatch | undefined, type: StringMatch['type']) =>
  m && m.type === type ? m.value : '';

/**
 * istiod's `stringMatchConflict`: a delegate's condition must narrow the root's. A regex on either side
 * conflicts with any exact, prefix or regex on the other; under a root `exact` only the same exact value
 * fits; under a root `prefix` only a prefix or exact value starting with it; every other pair conflicts.
 * Absent on either side: no conflict.
 */
function stringConflict(root: StringMatch | undefined, leaf: StringMatch | undefined): boolean {
  if (!root || !leaf) return false;
  const set = (m: StringMatch) => !!(valueOf(m, 'regex') || valueOf(m, 'prefix') || valueOf(m, 'exact'));
  if (valueOf(root, 'regex') && set(leaf)) return true;
  if (valueOf(leaf, 'regex') && set(root)) return true;
  const exact = valueOf(root, 'exact');
  if (exact) return !!valueOf(leaf, 'prefix') || valueOf(leaf, 'exact') !== exact;
  const prefix = valueOf(root, 'prefix');
  if (prefix) {
    if (valueOf(leaf, 'prefix')) return !valueOf(leaf, 'prefix').startsWith(prefix);
    if (valueOf(leaf, 'exact')) return !valueOf(leaf, 'exact').startsWith(prefix);
  }
  return true;
}

const byName = (xs: readonly NamedStringMatch[]) => new Map(xs.map((x) => [x.name, x.match]));

/** istiod's `hasConflict`: whether a delegate's match block falls outside a root's block. */
function hasConflict(
  root: IstioHttpMatch,
  leaf: IstioHttpMatch,
  rootGw: string[],
  leafGw: string[],
): boolean {
  const pairs = [
    [root.uri, leaf.uri],
    [root.scheme, leaf.scheme],
    [root.method, leaf.method],
    [root.authority, leaf.authority],
  ] as const;
  if (pairs.some(([r, l]) => stringConflict(r, l))) return true;
  for (const [mine, theirs] of [
    [root.headers, leaf.headers],
    [root.withoutHeaders, leaf.withoutHeaders],
    [root.queryParams, leaf.queryParams],
  ] as const) {
    const r = byName(mine);
    if (theirs.some((l) => stringConflict(r.get(l.name), l.match))) return true;
  }
  if (root.ignoreUriCase !== leaf.ignoreUriCase) return true;
  if (root.port !== undefined && leaf.port !== undefined && root.port !== leaf.port) return true;
  if (root.sourceNamespace && leaf.sourceNamespace !== root.sourceNamespace) return true;
  for (const [k, v] of Object.entries(leaf.sourceLabels ?? {}))
    if (root.sourceLabels && k in root.sourceLabels && root.sourceLabels[k] !== v) return true;
  if (rootGw.length && leafGw.length)
    return rootGw.length < leafGw.length || leafGw.some((g) => !rootGw.includes(g));
  return false;
}

/** Map-valued conditions of both blocks, the delegate's winning a name both set (`maps.MergeCopy`). */
function mergeNamed(
  root: readonly NamedStringMatch[],
  leaf: readonly NamedStringMatch[],
): NamedStringMatch[] {
  const m = byName(root);
  for (const l of leaf) m.set(l.name, l.match);
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, match]) => ({ name, match }));
}

const joinName = (root?: string, leaf?: string) => (!leaf ? root : root ? `${root}-${leaf}` : leaf);

/** istiod's `mergeHTTPMatchRequest`: the delegate's block, each condition it leaves unset taken from the root's. */
function mergeMatch(
  root: IstioHttpMatch,
  leaf: IstioHttpMatch,
  index: number,
  gateways: string[],
): IstioHttpMatch {
  const labels =
    root.sourceLabels || leaf.sourceLabels ? { ...root.sourceLabels, ...leaf.sourceLabels } : undefined;
  return {
    index,
    name: joinName(root.name, leaf.name),
    uri: leaf.uri ?? root.uri,
    scheme: leaf.scheme ?? root.scheme,
    method: leaf.method ?? root.method,
    authority: leaf.authority ?? root.authority,
    headers: mergeNamed(root.headers, leaf.headers),
    withoutHeaders: mergeNamed(root.withoutHeaders, leaf.withoutHeaders),
    queryParams: mergeNamed(root.queryParams, leaf.queryParams),
    port: leaf.port ?? root.port,
    sourceLabels: labels,
    sourceNamespace: leaf.sourceNamespace || root.sourceNamespace,
    gateways: gateways.length ? gateways : undefined,
    ignoreUriCase: leaf.ignoreUriCase,
  };
}

/** `match[].gateways` as `namespace/name` (a short name is read in its own VirtualService's namespace). */
const gatewaysOf = (m: IstioHttpMatch, ns: string) =>
  (m.gateways ?? []).map((g) => (g === 'mesh' || g.includes('/') ? g : `${ns}/${g}`));

/**
 * istiod's `mergeHTTPMatchRequests`: every block of the delegate's rule is merged with each root block it does not
 * conflict with; a delegate block that fits none drops the whole rule (undefined). No blocks on either side: the
 * other side's blocks.
 */
function mergeMatches(
  root: { vs: VirtualService; rule: IstioHttpRoute },
  leaf: { vs: VirtualService; rule: IstioHttpRoute },
): { matches: IstioHttpMatch[]; at: string[] } | undefined {
  const rootAt = (m: IstioHttpMatch) => `${root.vs.key} spec.http[${root.rule.index}].match[${m.index}]`;
  const leafAt = (m: IstioHttpMatch) => `spec.http[${leaf.rule.index}].match[${m.index}]`;
  const resolved = (m: IstioHttpMatch, ns: string): IstioHttpMatch =>
    m.gateways ? { ...m, gateways: gatewaysOf(m, ns) } : m;
  if (!root.rule.matches.length)
    return {
      matches: leaf.rule.matches.map((m) => resolved(m, leaf.vs.namespace)),
      at: leaf.rule.matches.map(leafAt),
    };
  if (!leaf.rule.matches.length)
    return {
      matches: root.rule.matches.map((m) => resolved(m, root.vs.namespace)),
      at: root.rule.matches.map(rootAt),
    };
  const matches: IstioHttpMatch[] = [];
  const at: string[] = [];
  for (const l of leaf.rule.matches) {
    let found = false;
    const lg = gatewaysOf(l, leaf.vs.namespace);
    for (const r of root.rule.matches) {
      const rg = gatewaysOf(r, root.vs.namespace);
      if (hasConflict(r, l, rg, lg)) continue;
      matches.push(mergeMatch(r, l, matches.length, lg.length ? lg : rg));
      at.push(`${leafAt(l)} within ${rootAt(r)}`);
      found = true;
    }
    if (!found) return undefined;
  }
  return matches.length ? { matches, at } : undefined;
}

/**
 * istiod's `mergeHTTPRoute`: the delegate's rule with the merged match; its name joined to the root's; `rewrite`,
 * `directResponse`, `timeout`, `retries`, `fault`, `mirror` and `mirrors` taken from the root when it sets none.
 * (`mirrorPercentage` travels with its `mirror` here: a copy never changes the answer.)
 */
function mergeRule(root: IstioHttpRoute, leaf: IstioHttpRoute, matches: IstioHttpMatch[]): IstioHttpRoute {
  return {
    ...leaf,
    name: joinName(root.name, leaf.name),
    matches,
    rewrite: leaf.rewrite ?? root.rewrite,
    directResponse: leaf.directResponse ?? root.directResponse,
    timeout: leaf.timeout ?? root.timeout,
    retries: leaf.retries ?? root.retries,
    fault: leaf.fault ?? root.fault,
    mirrors: leaf.mirrors.length ? leaf.mirrors : root.mirrors,
  };
}

/**
 * The `http` rules of a VirtualService as its proxies apply them: a rule without `delegate` as written; a rule
 * with one replaced by the delegate's rules in order, each merged with it (a delegate rule whose match does not
 * narrow the root's is dropped). A delegate that is not among the manifests, that is not a delegate (it has
 * `hosts`), or that is not exported to the root's namespace makes istiod ignore the root's rule. `notes` says
 * what was left out.
 */
export function expandDelegates(
  vs: VirtualService,
  all: readonly VirtualService[],
): { rules: ExpandedRule[]; notes: string[] } {
  const rules: ExpandedRule[] = [];
  const notes: string[] = [];
  for (const rule of vs.http) {
    if (!rule.delegate) {
      rules.push({ vs, rule });
      continue;
    }
    const ref = `${rule.delegate.namespace}/${rule.delegate.name}`;
    const here = `${vs.key} spec.http[${rule.index}]`;
    const d = all.find(
      (x) => x.delegate && x.namespace === rule.delegate!.namespace && x.name === rule.delegate!.name,
    );
    if (!d) {
      const named = all.some(
        (x) => x.namespace === rule.delegate!.namespace && x.name === rule.delegate!.name,
      );
      notes.push(
        named
          ? `${here} delegates to VirtualService ${ref}, which has hosts and so is no delegate: istiod ignores this rule`
          : `${here} delegates to VirtualService ${ref}, which is not among the manifests: istiod ignores this rule (add the delegate to the input if it exists)`,
      );
      continue;
    }
    if (!exportedTo(d, vs.namespace)) {
      notes.push(
        `${here} delegates to ${d.key}, which is not exported to namespace ${vs.namespace} (exportTo ${d.exportTo.join(', ')}): istiod ignores this rule`,
      );
      continue;
    }
    for (const leaf of d.http) {
      const merged = mergeMatches({ vs, rule }, { vs: d, rule: leaf });
      if (!merged) {
        notes.push(
          `${d.key} spec.http[${leaf.index}] is left out: its match does not narrow ${here}'s (istiod drops a delegate rule whose match conflicts with the root's)`,
        );
        continue;
      }
      rules.push({
        vs: d,
        rule: mergeRule(rule, leaf, merged.matches),
        via: { root: vs, index: rule.index },
        matchAt: merged.at,
      });
    }
  }
  return { rules, notes };
}
