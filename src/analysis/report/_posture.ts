import type { ClusterModel, NetworkPolicy, Pod } from '../../model/types.ts';
import { PolicyEngine, type PodClass } from '../policy/index.ts';
import { computeMatrix, portClasses, type MatrixRow } from '../matrix/index.ts';
import { admitsEverything } from '../doctor/index.ts';
import { namespaceReachMatrix } from './_namespace-reach.ts';
import { cidrContains, parseCidr, parseIP } from '../../lib/ip.ts';
import { internetClient } from '../trace/index.ts';
import type { DirectionPosture, OpenRule } from './types.ts';

/**
 * What reaches each namespace and what it reaches, from the engine's class-level verdicts on every port class
 * (ports no policy tells apart are decided by one of them, so "some port" is exact, not a sample):
 * - between namespaces: one matrix by namespace of the pods (hostNetwork pods, node addresses, left out) (`computeMatrix`, class-level, every tier) over one port per port
 *   class — a namespace reaches another when some pod pair is allowed on some port;
 * - the internet: the stand-in client (`internetClient`, as `reach --from internet`) against one pod of each
 *   class of the namespace on each port class, and each class's pod towards it, stopping at the first allowed.
 * Reach is `internet` (the internet reaches it / it reaches the internet), else `cluster` (every namespace with
 * pods, itself included), else `peers` (named namespaces only: `peers`), else `none`.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export function reachPosture(
  model: ClusterModel,
  engine: PolicyEngine,
  namespaces: readonly string[],
  { from, to }: NamespaceReach = namespaceReach(model, engine, { shareEngine: true }),
): Map<string, { ingress: DirectionPosture; egress: DirectionPosture }> {
  const ports = portClasses(engine).map((c) => ({ port: c.port, protocol: c.protocol }));
  const withPods = [
    ...new Set(model.pods.filter((p) => p.ip && !p.hostNetwork).map((p) => p.namespace)),
  ].sort();
  const classesIn = new Map<string, PodClass[]>();
  for (const c of engine.classes) if (c.firstPod.ip && !c.hostNetwork) add2(classesIn, c.namespace, c);
  const internet = { kind: 'ip' as const, ip: internetClient };
  const client = parseIP(internetClient)!;
  // May this ipBlock hold the client (its `except`s aside)? Each CIDR text parsed once; one that does not parse is
  // kept (asked), never skipped.
  const holds = new Map<string, boolean>();
  const holdsClient = (cidr: string) => {
    let v = holds.get(cidr);
    if (v === undefined) {
      const c = parseCidr(cidr);
      holds.set(cidr, (v = !c || cidrContains(c, client)));
    }
    return v;
  };
  const some = (
    reps: readonly PodClass[],
    fn: (pod: Pod, port: number, protocol: (typeof ports)[0]['protocol']) => boolean,
  ) => reps.some((c) => ports.some((p) => fn(c.firstPod, p.port, p.protocol)));
  // Per policy (by index) and direction: does a rule admit the stand-in client (an open peer, or an ipBlock whose
  // CIDR may hold it)? Decided once per policy (-1: not yet), not once per class it isolates.
  const admits = {
    Ingress: new Int8Array(engine.policies.length).fill(-1),
    Egress: new Int8Array(engine.policies.length).fill(-1),
  };
  const admitsClient = (i: number, direction: 'Ingress' | 'Egress') => {
    const memo = admits[direction];
    if (memo[i] < 0) {
      const np = engine.policies[i];
      memo[i] = (direction === 'Ingress' ? np.ingress : np.egress).some(
        (r) => r.peers === 'all' || r.peers.some((x) => x.ipBlock && holdsClient(x.ipBlock.cidr)),
      )
        ? 1
        : 0;
    }
    return memo[i] === 1;
  };
  const policiesIn = new Map<string, NetworkPolicy[]>();
  for (const np of model.networkPolicies) add2(policiesIn, np.namespace, np);
  const out = new Map<string, { ingress: DirectionPosture; egress: DirectionPosture }>();
  for (const ns of namespaces) {
    const reps = classesIn.get(ns) ?? [];
    const rate = (
      peers: ReadonlySet<string> | undefined,
      outside: boolean,
      type: 'Ingress' | 'Egress',
    ): DirectionPosture => {
      const names = [...(peers ?? [])].sort();
      const all = withPods.some((n) => n !== ns) && withPods.every((n) => n === ns || peers?.has(n));
      return {
        reach: outside ? 'internet' : all ? 'cluster' : names.length ? 'peers' : 'none',
        peers: names,
        openRules: openRules(policiesIn.get(ns) ?? [], type),
      };
    };
    // NetworkPolicy alone: a class isolated only by rules without an open peer or an ipBlock whose CIDR holds the
    // stand-in client admits no traffic from (or to) it, so it is skipped without asking each port (exact: the
    // client's address is no pod's, so selectors never match it; other tiers are asked).
    const addressable = (direction: 'Ingress' | 'Egress') =>
      engine.networkPolicyOnly
        ? reps.filter((c) => {
            const iso = engine.policiesOf(c, direction);
            if (!iso.length) return true;
            for (let j = 0; j < iso.length; j++) if (admitsClient(iso[j], direction)) return true;
            return false;
          })
        : reps;
    const inFromInternet = some(addressable('Ingress'), (pod, port, protocol) =>
      engine.allows(internet, { kind: 'pod', pod }, port, protocol),
    );
    const outToInternet = some(addressable('Egress'), (pod, port, protocol) =>
      engine.allows({ kind: 'pod', pod }, internet, port, protocol),
    );
    out.set(ns, {
      ingress: rate(from.get(ns), inFromInternet, 'Ingress'),
      egress: rate(to.get(ns), outToInternet, 'Egress'),
    });
  }
  return out;
}

/** Namespace peers, both ways: `from.get(n)` reach n, n reaches `to.get(n)` (some pod pair on some port). */
export interface NamespaceReach {
  readonly from: ReadonlyMap<string, ReadonlySet<string>>;
  readonly to: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * The namespace matrix of `reachPosture`, alone: one matrix by namespace of the pods (hostNetwork pods, node
 * addresses, left out) over one port per port class, a namespace reaching another when some pod pair is allowed
 * on some port. `diff` compares it between the sides to know which namespaces' peers moved.
 */
export function namespaceReach(
  model: ClusterModel,
  engine: PolicyEngine,
  options: NamespaceReachOptions = {},
): NamespaceReach {
  const ports = portClasses(engine).map((c) => ({ port: c.port, protocol: c.protocol }));
  const from = new Map<string, Set<string>>();
  const to = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, k: string, v: string) =>
    (m.get(k) ?? m.set(k, new Set()).get(k)!).add(v);
  // hostNetwork pods are their node's address, and a node always reaches its own pods: they are left out, or every
  // namespace with a kube-proxy would reach every namespace.
  const hosts = model.pods.some((p) => p.hostNetwork);
  const laidOut = hosts && options.shareEngine && engine.networkPolicyOnly;
  const podEngine =
    hosts && !laidOut
      ? new PolicyEngine({ ...model, pods: model.pods.filter((p) => !p.hostNetwork) })
      : engine;
  const pods = laidOut ? (p: Pod) => !p.hostNetwork : undefined;
  const record = (rows: Iterable<MatrixRow>) => {
    for (const row of rows)
      for (const e of row.entries)
        if (e.allowedPairs > 0) {
          add(from, e.to, e.from);
          add(to, e.from, e.to);
        }
  };
  const part = options.part;
  if (!part && engine.enforced && engine.networkPolicyOnly && podEngine === engine) {
    // The class-level reachability read once into namespace pairs (the matrix's pair counts are not needed).
    const { names, reach } = namespaceReachMatrix(
      engine,
      engine.model.pods.filter((p) => p.ip && (!pods || pods(p))),
    );
    const N = names.length;
    for (let g = 0; g < N; g++)
      for (let h = 0; h < N; h++)
        if (reach[g * N + h]) {
          add(from, names[h], names[g]);
          add(to, names[g], names[h]);
        }
    return { from, to };
  }
  if (!part) {
    record(computeMatrix(podEngine, { by: 'namespace', ports, pods }).rows());
    return { from, to };
  }
  // The rows asked, whole (their class verdicts need every destination); then the other rows towards the
  // columns asked alone (class verdicts decided towards those namespaces' classes only).
  let names: readonly string[] | undefined;
  if (part.rows.size) {
    const whole = computeMatrix(podEngine, { by: 'namespace', ports, pods });
    names = whole.groups.map((g) => g.name);
    record(whole.rows({ sources: part.rows }));
  }
  if (part.columns.size) {
    const towards = computeMatrix(podEngine, { by: 'namespace', ports, pods, destinations: part.columns });
    names ??= towards.groups.map((g) => g.name);
    record(towards.rows({ sources: new Set(names.filter((n) => !part.rows.has(n))) }));
  }
  return { from, to };
}

export interface NamespaceReachOptions {
  /**
   * With NetworkPolicy alone, lay the matrix out without the hostNetwork pods over `engine` itself instead of
   * building a second engine without them: a pod pair's verdict reads only the two pods and the policies that
   * select them (https://kubernetes.io/docs/concepts/services-networking/network-policies/), so the other pods
   * change no cell. Other tiers (Cilium's host entity) keep the second engine.
   */
  readonly shareEngine?: boolean;
  /**
   * Only the cells of these rows (sources) and columns (destinations) of the namespace matrix: `to.get(n)` is whole
   * for a row asked, `from.get(n)` for a column asked; every other cell is left out (`diff` takes them from the
   * other side, where they cannot differ).
   */
  readonly part?: { readonly rows: ReadonlySet<string>; readonly columns: ReadonlySet<string> };
}

function add2<T>(m: Map<string, T[]>, k: string, v: T): void {
  (m.get(k) ?? m.set(k, []).get(k)!).push(v);
}

/** The rules of a namespace's policies that admit every peer on every port (`ingress: [{}]`, `namespaceSelector: {}`, `0.0.0.0/0`). */
function openRules(policies: readonly NetworkPolicy[], type: 'Ingress' | 'Egress'): OpenRule[] {
  const out: OpenRule[] = [];
  for (const np of policies) {
    if (!admitsEverything(np, type)) continue;
    const rules = type === 'Ingress' ? np.ingress : np.egress;
    for (const r of rules)
      if (
        admitsEverything(
          { ...np, ingress: type === 'Ingress' ? [r] : [], egress: type === 'Egress' ? [r] : [] },
          type,
        )
      )
        out.push({
          policy: np.key,
          rule: `${type.toLowerCase()}[${r.index}]`,
          ...((r.source ?? np.source)
            ? { source: `${(r.source ?? np.source)!.file}:${(r.source ?? np.source)!.line}` }
            : {}),
        });
  }
  return out;
}

/** One direction in words: `from the internet`, `from every namespace`, `from a, b`, `from nothing` (`to …` for egress). */
export function describeReach(d: DirectionPosture, direction: 'ingress' | 'egress'): string {
  const w = direction === 'ingress' ? 'from' : 'to';
  return d.reach === 'internet'
    ? `${w} the internet`
    : d.reach === 'cluster'
      ? `${w} every namespace`
      : d.reach === 'peers'
        ? `${w} ${d.peers.join(', ')} only`
        : `${w} nothing`;
}

/**
 * The allow-everything rules of a namespace, one line per direction that has any: each policy named once (by
 * name: the line is the namespace's) with its rules and line, the file said once when they share one —
 * `egress open to every peer on every port by 2 NetworkPolicies: a egress[0] (line 34), b egress[0,1] (line 59)
 * in policies.yaml`. An allow-all `egress: [{}]` in every policy of a namespace is one line, not one a policy.
 */
export function describeOpenRules(p: { ingress: DirectionPosture; egress: DirectionPosture }): string[] {
  return [
    ...openLine(p.ingress.openRules, 'ingress open from'),
    ...openLine(p.egress.openRules, 'egress open to'),
  ];
}

function openLine(rules: readonly OpenRule[], opening: string): string[] {
  if (!rules.length) return [];
  const byPolicy = new Map<string, OpenRule[]>();
  for (const r of rules) add2(byPolicy, r.policy, r);
  const split = (source: string) => [
    source.slice(0, source.lastIndexOf(':')),
    source.slice(source.lastIndexOf(':') + 1),
  ];
  const files = new Set(rules.map((r) => (r.source ? split(r.source)[0] : undefined)));
  const oneFile = files.size === 1 ? [...files][0] : undefined;
  const where = (rs: readonly OpenRule[]) => {
    const sources = [...new Set(rs.flatMap((r) => (r.source ? [r.source] : [])))];
    if (!sources.length) return '';
    return ` (${oneFile ? `line ${sources.map((s) => split(s)[1]).join(', ')}` : sources.join(', ')})`;
  };
  // `egress[0]` and `egress[2]` of one policy read `egress[0,2]`.
  const indices = (rs: readonly OpenRule[]) =>
    rs.map((r) => /\[(\d+)\]$/.exec(r.rule)?.[1] ?? r.rule).join(',');
  const direction = rules[0].rule.replace(/\[.*$/, '');
  const policies = [...byPolicy].map(
    ([key, rs]) => `${key.split('/').slice(2).join('/')} ${direction}[${indices(rs)}]${where(rs)}`,
  );
  const count = policies.length === 1 ? 'NetworkPolicy' : `${policies.length} NetworkPolicies:`;
  return [
    `${opening} every peer on every port by ${count} ${policies.join(', ')}${oneFile ? ` in ${oneFile}` : ''}`,
  ];
}

/** The policies a posture row counts: `3`, or `0 + 1 Cilium` when the input holds Cilium policies. */
export function describePolicies(p: { policies: number; ciliumPolicies?: number }): string {
  return `${p.policies}${p.ciliumPolicies ? ` + ${p.ciliumPolicies} Cilium` : ''}`;
}

/** The policy totals of the report's cluster line: `3 NetworkPolicies`, then the Cilium policies when any. */
export function describePolicyTotals(c: { networkPolicies: number; ciliumPolicies?: number }): string {
  const cilium = c.ciliumPolicies
    ? `, ${c.ciliumPolicies} Cilium ${c.ciliumPolicies === 1 ? 'policy' : 'policies'}`
    : '';
  return `${c.networkPolicies} NetworkPolicies${cilium}`;
}

/** A posture row's rating as people read it: `unknown (zero-trust if enforced)` under an unknown CNI. */
export function postureCell(p: { posture: string; ifEnforced?: string }): string {
  return p.posture === 'unknown' && p.ifEnforced ? `unknown (${p.ifEnforced} if enforced)` : p.posture;
}

/** The note under a posture table with `unknown` rows, or undefined. */
export function unknownPostureNote(rows: readonly { posture: string }[]): string | undefined {
  return rows.some((p) => p.posture === 'unknown')
    ? "The cluster's CNI is unknown: the policies' effect, and the reach shown, hold only if it enforces NetworkPolicy; if it does not, every namespace is open."
    : undefined;
}
