/**
 * The probe matrix and its comparison with the model, pure: which connections the lab tries, what the model says
 * of each (`PolicyEngine.allows`, explained by `explain`), and the agreement once the lab's outcomes are in.
 * One case list serves both sides (the contract between model and lab).
 */
import { PolicyEngine, describeSide } from '../../analysis/policy/index.ts';
import type { ClusterModel, Pod } from '../../model/types.ts';
import type { LabPlan, LabPod } from './types.ts';

export type Verdict = 'allow' | 'deny';

export interface ProbeCase {
  /** `ns/name` of the source and destination pods. */
  readonly from: string;
  readonly to: string;
  readonly fromNetns: string;
  readonly ip: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly model: Verdict;
  /** `connect` for a TCP port kubetwin's DNS server answers (it waits for a DNS message, not a line). */
  readonly kind?: 'connect';
}

export interface Disagreement {
  /** `pod` (pod to pod), `service` (through a ClusterIP), `dns` (a lookup; `to` is the name). */
  readonly kind: 'pod' | 'service' | 'dns';
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: string;
  /** `allow`/`deny` for pod probes; a `ServiceExpectation` for Service probes; the answer for DNS lookups. */
  readonly model: string;
  readonly lab: string;
  /** The lab's raw outcome: open, refused, rejected (a policy chain), timeout. */
  readonly outcome: string;
  readonly explanation: string;
  /** The nft chain whose reject counter moved when the connection was tried again (filled by the rim). */
  chain?: string;
}

export interface ProbeReport {
  /** Probes of each kind (pod to pod, through Services, DNS lookups); `total` is their sum. */
  readonly counts: { readonly pod: number; readonly service: number; readonly dns: number };
  readonly total: number;
  readonly agree: number;
  readonly disagreements: Disagreement[];
  /** Connections left out, with the reason (SCTP ports, pods the lab cannot build, Cilium-selected pods). */
  readonly skipped: readonly string[];
}

/** A small deterministic PRNG (mulberry32) for `--sample`: the same seed gives the same sample. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Every (source pod, destination pod, declared TCP/UDP port of the destination) of the lab, the pod itself left
 * out ("a pod cannot block access to itself"), with the model's verdict. With `sample`, a seeded random subset
 * of that size.
 */
export function probeCases(
  model: ClusterModel,
  plan: LabPlan,
  options: { sample?: number; seed?: number; engine?: PolicyEngine } = {},
): { cases: ProbeCase[]; skipped: string[]; engine: PolicyEngine } {
  const engine = options.engine ?? new PolicyEngine(model);
  const podOf = new Map(model.pods.map((p) => [p.key, p]));
  const skipped = plan.skipped.map((s) => `${s.key}: ${s.reason}`);
  for (const p of plan.pods)
    for (const sp of p.skippedPorts) skipped.push(`${p.ref} ${sp.port}/${sp.protocol}: SCTP is not probed`);
  const ciliumOnly = engine.cilium.active && engine.cilium.policies.length > 0;
  if (ciliumOnly)
    skipped.push('Cilium policies are enforced: the lab cannot express them, no case is compared');
  let pairs: [LabPod, LabPod, number][] = [];
  if (!ciliumOnly)
    for (const a of plan.pods)
      for (const b of plan.pods) if (a !== b) b.ports.forEach((_, k) => pairs.push([a, b, k]));
  if (options.sample !== undefined && options.sample < pairs.length) {
    const next = rng(options.seed ?? 1);
    for (let i = pairs.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [pairs[i], pairs[j]] = [pairs[j], pairs[i]];
    }
    pairs = pairs.slice(0, options.sample);
  }
  const cases = pairs.map(([a, b, k]): ProbeCase => {
    const port = b.ports[k];
    const protocol = port.protocol as 'TCP' | 'UDP';
    const allowed = engine.allows(
      { kind: 'pod', pod: podOf.get(a.key)! },
      { kind: 'pod', pod: podOf.get(b.key)! },
      port.port,
      protocol,
    );
    const dnsServed = protocol === 'TCP' && b.dns.some((d) => d.port === port.port && d.protocol === 'TCP');
    return {
      from: a.ref,
      to: b.ref,
      fromNetns: a.netns,
      ip: b.ip,
      port: port.port,
      protocol,
      model: allowed ? 'allow' : 'deny',
      ...(dnsServed ? { kind: 'connect' as const } : {}),
    };
  });
  return { cases, skipped, engine };
}

/** What the lab's outcome means: the destination's stack answered (open, refused) or not (rejected, timeout). */
export function labVerdict(outcome: string): Verdict {
  return outcome === 'open' || outcome === 'refused' ? 'allow' : 'deny';
}

/** Compares the model with the lab's outcomes (same order as `cases`); explains each disagreement from the model. */
export function compare(
  model: ClusterModel,
  engine: PolicyEngine,
  cases: readonly ProbeCase[],
  outcomes: readonly string[],
  skipped: readonly string[],
): ProbeReport {
  const podByRef = new Map<string, Pod>(model.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
  const disagreements: Disagreement[] = [];
  cases.forEach((c, i) => {
    const lab = labVerdict(outcomes[i]);
    if (lab === c.model) return;
    const v = engine.explain(
      { kind: 'pod', pod: podByRef.get(c.from)! },
      { kind: 'pod', pod: podByRef.get(c.to)! },
      c.port,
      c.protocol,
    );
    const explanation = [...describeSide(v.egress, c.from), ...describeSide(v.ingress, c.to)].join('; ');
    disagreements.push({
      kind: 'pod',
      from: c.from,
      to: c.to,
      port: c.port,
      protocol: c.protocol,
      model: c.model,
      lab,
      outcome: outcomes[i],
      explanation,
    });
  });
  return {
    counts: { pod: cases.length, service: 0, dns: 0 },
    total: cases.length,
    agree: cases.length - disagreements.length,
    disagreements,
    skipped,
  };
}
