import type { BackendTLS, BackendTLSPolicy, PolicyTargetRef } from '../../model/routing.ts';
import type { ClusterModel, Service } from '../../model/types.ts';
import { cond, type Condition } from './_conditions.ts';
import { caBundleProblem } from './_ca-bundle.ts';

/** A BackendTLSPolicy's status: `Accepted` and `ResolvedRefs`, and what each targetRef came to. */
export interface BackendTLSPolicyStatus {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly conditions: readonly Condition[];
  /** Per targetRef: `Service ns/name[:section]` and whether this policy is the one in effect there. */
  readonly targets: readonly { readonly target: string; readonly accepted: Condition }[];
  /** What the status rests on that the input does not say (creation order when no creationTimestamp is given). */
  readonly notes: readonly string[];
}

/** The policies of a cluster, judged once: their status and the TLS in effect per Service port. */
export interface BackendTLSTable {
  readonly statuses: readonly BackendTLSPolicyStatus[];
  /**
   * The TLS a gateway originates to `ns/name` on Service port `port`: the policy naming that port by
   * `sectionName` wins over one targeting the whole Service. `problem` when connections must fail (5xx).
   */
  forPort(namespace: string, name: string, port: number): BackendTLSChoice | undefined;
}

export interface BackendTLSChoice {
  readonly tls: BackendTLS;
  readonly problem?: string;
  readonly notes: readonly string[];
}

const policyKey = (p: BackendTLSPolicy) => `${p.namespace}/${p.name}`;
const targetName = (ns: string, t: PolicyTargetRef) =>
  `Service ${ns}/${t.name}${t.sectionName ? `:${t.sectionName}` : ''}`;

/**
 * Precedence among BackendTLSPolicies selecting the same target and sectionName: the older by creation timestamp,
 * then the first by name; the others are `Accepted=False(Conflicted)`. A policy naming a port (`sectionName`) and
 * one naming the whole Service do not conflict: the port's own policy applies on that port.
 * https://gateway-api.sigs.k8s.io/reference/spec/#backendtlspolicyspec (targetRefs)
 */
function olderFirst(a: BackendTLSPolicy, b: BackendTLSPolicy): number {
  const ta = a.creationTimestamp ?? '';
  const tb = b.creationTimestamp ?? '';
  if (ta && tb && ta !== tb) return ta < tb ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * The reasons `validation.caCertificateRefs` give: a ref that is not a core ConfigMap → ResolvedRefs=False
 * (InvalidKind); a ConfigMap that does not exist, lacks `ca.crt` or holds no PEM certificate →
 * ResolvedRefs=False(InvalidCACertificateRef); every ref invalid → also Accepted=False(NoValidCACertificate).
 * Connections using an invalid CACertificateRef fail and the client receives a 5xx.
 * https://gateway-api.sigs.k8s.io/reference/spec/#backendtlspolicyvalidation
 */
function caProblems(
  model: ClusterModel,
  p: BackendTLSPolicy,
): ({ reason: string; message: string } | undefined)[] {
  return p.caCertificateRefs.map((ref) => {
    if (ref.group !== '' || ref.kind !== 'ConfigMap')
      return {
        reason: 'InvalidKind',
        message: `caCertificateRef ${ref.group ? `${ref.kind}.${ref.group}` : ref.kind} ${ref.name} is not a ConfigMap (the spec's core support)`,
      };
    return caBundleProblem(model, p.namespace, ref.name);
  });
}

/** Why a targetRef selects nothing, or undefined when it names a Service (and, with sectionName, one of its ports). */
function targetProblem(t: PolicyTargetRef, svc: Service | undefined, ns: string): Condition | undefined {
  if (t.group !== '' || t.kind !== 'Service')
    return cond(
      'Accepted',
      false,
      'Invalid',
      `targetRef ${t.group ? `${t.kind}.${t.group}` : t.kind} ${t.name}: kubetwin applies BackendTLSPolicies to core Services only (the spec's extended support)`,
    );
  if (!svc) return cond('Accepted', false, 'TargetNotFound', `Service ${ns}/${t.name} not found`);
  if (t.sectionName && !svc.ports.some((p) => p.name === t.sectionName))
    return cond(
      'Accepted',
      false,
      'TargetNotFound',
      `Service ${ns}/${t.name} has no port named ${t.sectionName} (ports: ${svc.ports.map((p) => p.name || String(p.port)).join(', ') || 'none'})`,
    );
  return undefined;
}

/** Judges every BackendTLSPolicy of the model: status, and the policy in effect per Service (and port). */
export function analyzeBackendTLS(
  model: ClusterModel,
  services: ReadonlyMap<string, Service>,
): BackendTLSTable {
  const policies = model.routing?.backendTLSPolicies ?? [];
  // Candidates per `ns/service#section` ('' = the whole Service), oldest first.
  const byTarget = new Map<string, BackendTLSPolicy[]>();
  const targetConds = new Map<BackendTLSPolicy, { target: string; accepted: Condition }[]>();
  for (const p of policies) {
    const out: { target: string; accepted: Condition }[] = [];
    for (const t of p.targetRefs) {
      const problem = targetProblem(t, services.get(`${p.namespace}/${t.name}`), p.namespace);
      out.push({
        target: targetName(p.namespace, t),
        accepted: problem ?? cond('Accepted', true, 'Accepted'),
      });
      if (problem) continue;
      const k = `${p.namespace}/${t.name}#${t.sectionName ?? ''}`;
      const list = byTarget.get(k) ?? [];
      list.push(p);
      byTarget.set(k, list);
    }
    targetConds.set(p, out);
  }
  const winner = new Map<string, BackendTLSPolicy>();
  const orderNotes = new Map<BackendTLSPolicy, string>();
  for (const [k, list] of byTarget) {
    list.sort(olderFirst);
    winner.set(k, list[0]);
    if (list.length < 2) continue;
    const unordered = list.some((p) => !p.creationTimestamp);
    for (const p of list.slice(1)) {
      const conds = targetConds.get(p)!;
      const t = k.slice(0, k.indexOf('#'));
      const section = k.slice(k.indexOf('#') + 1);
      const name = `Service ${t}${section ? `:${section}` : ''}`;
      const i = conds.findIndex((c) => c.target === name);
      conds[i] = {
        target: name,
        accepted: cond(
          'Accepted',
          false,
          'Conflicted',
          `BackendTLSPolicy ${policyKey(list[0])} also selects ${name} and takes precedence`,
        ),
      };
    }
    if (unordered)
      for (const p of list)
        orderNotes.set(
          p,
          `creation order unknown (no metadata.creationTimestamp on ${list.map(policyKey).join(', ')}): the API server keeps the oldest; kubetwin ranks by name`,
        );
  }
  const ca = new Map(policies.map((p) => [p, caProblems(model, p)]));
  const statuses: BackendTLSPolicyStatus[] = policies.map((p) => {
    const targets = targetConds.get(p)!;
    const problems = ca.get(p)!;
    const firstCa = problems.find((x) => x !== undefined);
    const allCaBad = problems.length > 0 && problems.every((x) => x !== undefined);
    const resolved = firstCa
      ? cond('ResolvedRefs', false, firstCa.reason, firstCa.message)
      : cond('ResolvedRefs', true, 'ResolvedRefs');
    const rejected = targets.find((t) => t.accepted.status === 'False')?.accepted;
    const accepted = allCaBad
      ? cond(
          'Accepted',
          false,
          'NoValidCACertificate',
          'no caCertificateRef is valid: connections to the backend fail',
        )
      : rejected && targets.every((t) => t.accepted.status === 'False')
        ? rejected
        : cond(
            'Accepted',
            true,
            'Accepted',
            rejected
              ? `not in effect on: ${targets
                  .filter((t) => t.accepted.status === 'False')
                  .map((t) => `${t.target} (${t.accepted.reason})`)
                  .join(', ')}`
              : '',
          );
    const note = orderNotes.get(p);
    return {
      key: p.key,
      namespace: p.namespace,
      name: p.name,
      conditions: [accepted, resolved],
      targets,
      notes: note ? [note] : [],
    };
  });
  const statusOf = new Map(policies.map((p, i) => [p, statuses[i]]));
  return {
    statuses,
    forPort(namespace, name, port) {
      const svc = services.get(`${namespace}/${name}`);
      const section = svc?.ports.find((sp) => sp.port === port)?.name;
      const p =
        (section ? winner.get(`${namespace}/${name}#${section}`) : undefined) ??
        winner.get(`${namespace}/${name}#`);
      if (!p) return undefined;
      const problems = ca.get(p)!;
      const bad = problems.filter((x) => x !== undefined);
      const tls: BackendTLS = {
        policy: p.key,
        hostname: p.hostname,
        subjectAltNames: p.subjectAltNames,
        trust: p.wellKnownCACertificates
          ? [p.wellKnownCACertificates]
          : p.caCertificateRefs.map((r, i) =>
              problems[i]
                ? `${r.kind} ${p.namespace}/${r.name} (invalid)`
                : `${r.kind} ${p.namespace}/${r.name}`,
            ),
      };
      const notes = [...statusOf.get(p)!.notes];
      if (p.wellKnownCACertificates)
        notes.push(
          `BackendTLSPolicy ${policyKey(p)}: wellKnownCACertificates ${p.wellKnownCACertificates} trusts the gateway's system CAs (implementation-specific: kubetwin assumes the implementation supports it)`,
        );
      if (p.options.length)
        notes.push(
          `BackendTLSPolicy ${policyKey(p)}: options ${p.options.join(', ')} are implementation-specific and not modeled`,
        );
      const all = bad.length > 0 && bad.length === problems.length;
      if (bad.length && !all)
        notes.push(
          `BackendTLSPolicy ${policyKey(p)}: ${bad[0]!.message}; whether connections still validate with the other CA certificates is implementation-specific (the spec's core support is one ConfigMap)`,
        );
      return {
        tls,
        notes,
        problem: all
          ? `BackendTLSPolicy ${policyKey(p)}: ${bad[0]!.reason}: ${bad[0]!.message}: the gateway's TLS connection to the backend fails and the client gets a 5xx`
          : undefined,
      };
    },
  };
}
