/**
 * Which of several DestinationRules for one host in one namespace a client proxy uses, as istiod decides it.
 * Consolidation (`mergeDestinationRule`, istio/istio pilot/pkg/model/destination_rule.go), oldest first: an incoming
 * rule is merged into every kept entry except one whose workloadSelector differs from its own (subsets of a new
 * name appended, the entry's top-level trafficPolicy kept, else taken); it is kept as an entry of its own unless
 * it met an entry like itself (both without a selector, or both with the same one). Selection
 * (`SidecarScope.DestinationRule`, pilot/pkg/model/sidecar.go): the first entry with a workloadSelector in the
 * client's namespace whose labels the client carries, else the last entry without one, else none.
 * https://istio.io/latest/docs/reference/config/networking/destination-rule/ (workloadSelector: "applied only to
 * the workload instances matching the workload selector label in the same namespace")
 */
import { formatLabels, type Labels } from '../../../lib/labels.ts';
import type { DestinationRule } from '../../../model/mesh.ts';

/** The client proxy a rule is chosen for: its namespace, and its pod labels when a pod is known. */
export interface DrClient {
  readonly namespace: string;
  /** Undefined: no client pod is known (doctor); a workloadSelector then makes the rule depend on the client. */
  readonly labels?: Labels;
}

/** The rule in effect for a client, and how a workloadSelector decided it. */
export interface DrChoice {
  /** Undefined: no rule applies to this client. */
  readonly rule?: DestinationRule;
  /** Which workloadSelector rule applies (or does not), in words, for the answer's notes. */
  readonly notes: readonly string[];
  /**
   * Set when the client's labels are not known and a workloadSelector decides: each group of clients with the
   * rule it gets (the selected ones first, then the others), so nothing is picked silently.
   */
  readonly byClient?: readonly { readonly rule?: DestinationRule; readonly clients: string }[];
}

const sameLabels = (a: Labels, b: Labels) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
const carries = (want: Labels, labels: Labels) => Object.entries(want).every(([k, v]) => labels[k] === v);
const selectorText = (dr: DestinationRule) =>
  `workloadSelector ${formatLabels(dr.workloadSelector!) || '{}'}`;

/** istiod's consolidated entries for one host of one namespace, from its rules oldest first. */
export function consolidate(group: readonly DestinationRule[]): DestinationRule[] {
  const out: DestinationRule[] = [];
  for (const r of group) {
    let alone = true;
    for (let i = 0; i < out.length; i++) {
      const e = out[i];
      const both = !!r.workloadSelector && !!e.workloadSelector;
      if (both && !sameLabels(r.workloadSelector!, e.workloadSelector!)) continue;
      if (both || (!r.workloadSelector && !e.workloadSelector)) alone = false;
      const names = new Set(e.subsets.map((s) => s.name));
      out[i] = {
        ...e,
        subsets: [...e.subsets, ...r.subsets.filter((s) => !names.has(s.name))],
        trafficPolicy: e.trafficPolicy ?? r.trafficPolicy,
      };
    }
    if (alone) out.push(r);
  }
  return out;
}

/** The entry a client uses among a namespace's consolidated entries for one host. */
export function chooseForClient(entries: readonly DestinationRule[], client: DrClient): DrChoice {
  const catchAll = [...entries].reverse().find((e) => !e.workloadSelector);
  const selective = entries.filter((e) => e.workloadSelector && e.namespace === client.namespace);
  if (!selective.length) return { rule: catchAll, notes: [] };
  const labels = client.labels;
  if (!labels) {
    const others = catchAll
      ? `${catchAll.key} applies to the other clients of ${client.namespace}`
      : `no DestinationRule applies to the other clients of ${client.namespace}`;
    return {
      rule: catchAll,
      notes: [
        `which DestinationRule applies depends on the client pod: ${selective.map((e) => `${e.key} (${selectorText(e)}) applies to the clients it selects`).join('; ')}; ${others}`,
      ],
      byClient: [
        ...selective.map((e) => ({
          rule: e,
          clients: `clients in ${client.namespace} labelled ${formatLabels(e.workloadSelector!) || '(any)'}`,
        })),
        { rule: catchAll, clients: `the other clients in ${client.namespace}` },
      ],
    };
  }
  const chosen = selective.find((e) => carries(e.workloadSelector!, labels));
  if (chosen)
    return {
      rule: chosen,
      notes: [
        `${chosen.key} (${selectorText(chosen)}) selects the client: it applies${catchAll ? ` instead of ${catchAll.key}` : ''}`,
      ],
    };
  const passed = selective.map((e) => `${e.key} (${selectorText(e)})`).join(', ');
  return {
    rule: catchAll,
    notes: [
      catchAll
        ? `${passed} does not select the client: ${catchAll.key} applies`
        : `${passed} does not select the client, and a rule of the client's namespace for this host hides those of other namespaces: no DestinationRule applies`,
    ],
  };
}
