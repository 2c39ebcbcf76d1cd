import type { Diagnostic } from '../model/diagnostic.ts';
import type { Node, Pod } from '../model/types.ts';
import type { Profile } from '../model/profile.ts';
import { cidrAt, cidrContains, cidrSize, formatIP, parseCidr, parseIP, type Cidr } from '../lib/ip.ts';
import { matches, selectorFromMap } from '../lib/labels.ts';
import type { PodDraft } from './_workloads.ts';
import type { PodTemplate } from './_pod-spec.ts';
import { builtInPriorityClasses, podPriority, type PodPriority, type PriorityTable } from './_priority.ts';

interface NodeRange {
  cidr: Cidr;
  nextOffset: bigint;
  /** The broadcast offset, never handed out (computed once per range, not per pod). */
  last: bigint;
}

interface NodeSlot {
  node: Node;
  /** The node's pod ranges, primary family first (two in a dual-stack cluster). */
  ranges: NodeRange[];
  pods: number;
}

/** What placement reads besides the pods and nodes. */
export interface PlacementOptions {
  /** The cluster's priority classes (the built-in ones when absent). */
  readonly priorities?: PriorityTable;
}

/**
 * Schedules pods onto nodes and gives them IPs, deterministically. Pods with `spec.nodeName` (and DaemonSet
 * pods) stay on their node; a pod whose `status.podIP` lies in a node's pod range goes to that node; others
 * are spread round-robin, in key order, over the nodes that pass their nodeSelector and have room
 * (`maxPodsPerNode`, kubelet's `--max-pods`). IPs come from the node's range as the host-local IPAM plugin
 * hands them out (sequentially from .2, skipping taken ones); hostNetwork pods take their node's IP;
 * explicit `status.podIP`/`podIPs` are honoured (a hostNetwork pod's is its node's, shared, never a conflict);
 * finished pods hold no IP. A pod whose status says Pending without an IP has none and is not scheduled by the
 * twin; a pod read from a cluster and bound to its node is there even past `maxPodsPerNode`.
 * https://kubernetes.io/docs/concepts/cluster-administration/networking/
 *
 * When nodes are full, priority decides who waits. The scheduler's queue hands out pending pods highest priority
 * first, and a pod that does not fit preempts (evicts) pods of lower priority to make room; DaemonSet pods are
 * scheduled the same way since Kubernetes 1.12 (the controller pins them to their node with node affinity and
 * the default scheduler binds them, preempting if they do not fit). So a full cluster still runs CoreDNS
 * (`system-cluster-critical`) and kube-proxy (`system-node-critical`), and its lowest-priority pods stay Pending.
 * Placement runs in key order (stable addresses); only when that leaves a pod waiting for room while a pod of
 * lower priority got a place does it run again highest priority first, the end state preemption reaches.
 * https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/
 * https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/#how-daemon-pods-are-scheduled
 */
export function placePods(
  drafts: readonly PodDraft[],
  nodes: readonly Node[],
  profile: Profile,
  sink: (d: Diagnostic) => void,
  options: PlacementOptions = {},
): Pod[] {
  const table = options.priorities ?? builtInPriorities;
  const priorities = new WeakMap<PodTemplate, PodPriority>();
  const priorityOf = (d: PodDraft): PodPriority => {
    let p = priorities.get(d.template);
    if (!p) priorities.set(d.template, (p = podPriority(d.template, table)));
    return p;
  };
  const byKey = [...drafts].sort((a, b) => (a.key < b.key ? -1 : 1));
  let placed = placeInOrder(byKey, nodes, profile, { priorityOf, byPriority: false });
  if (placed.displaced) {
    // Stable: equal priorities keep key order.
    const byPriority = [...byKey].sort((a, b) => priorityOf(b).value - priorityOf(a).value);
    placed = placeInOrder(byPriority, nodes, profile, { priorityOf, byPriority: true });
  }
  for (const d of placed.diagnostics) sink(d);
  return placed.pods;
}

const builtInPriorities: PriorityTable = {
  byName: new Map(Object.entries(builtInPriorityClasses)),
  globalDefault: 0,
};

interface Pass {
  readonly priorityOf: (d: PodDraft) => PodPriority;
  /** Pods come highest priority first: say so where pods wait. */
  readonly byPriority: boolean;
}

interface Placed {
  readonly pods: Pod[];
  readonly diagnostics: Diagnostic[];
  /** A pod waits for room while a pod of lower priority holds a place (key order only: the pass stops there). */
  readonly displaced: boolean;
}

/** One scheduling pass over `sorted`, in that order. */
function placeInOrder(
  sorted: readonly PodDraft[],
  nodes: readonly Node[],
  profile: Profile,
  pass: Pass,
): Placed {
  const diagnostics: Diagnostic[] = [];
  const sink = (d: Diagnostic) => diagnostics.push(d);
  // The lowest priority given a place by the scheduler, and the highest left waiting for room.
  let lowestPlaced = Infinity;
  let highestWaiting = -Infinity;
  const slots = new Map<string, NodeSlot>();
  for (const node of nodes)
    slots.set(node.name, {
      node,
      ranges: node.podCIDRs
        .map((t) => parseCidr(t))
        .filter((c): c is Cidr => !!c)
        .map((cidr) => ({ cidr, nextOffset: 2n, last: cidrSize(cidr) - 1n })),
      pods: 0,
    });
  const reserved = new Map<string, string>(); // ip -> pod key
  // Explicit IPs by position in `sorted` (a Map by pod key hashed every key twice: 150k keys at 150k pods).
  const explicit: string[][] = new Array<string[]>(sorted.length);
  for (let at = 0; at < sorted.length; at++) {
    const d = sorted[at];
    // A finished pod's status.podIP is the address it last had: its sandbox is gone and the IP back in the pool,
    // so a running pod holding it now is the normal case, not a conflict (kubernetes/kubernetes#92697 and #98611:
    // the last IP is shown on purpose; Calico treats finished pods as having no IPs, projectcalico/libcalico-go#1047).
    if (!d.explicitIPs.length || isFinished(d)) {
      explicit[at] = noIPs;
      continue;
    }
    const ips: string[] = [];
    // hostNetwork pods share their node's address: theirs is not a pod IP any other pod could conflict with.
    const shared = d.template.hostNetwork;
    for (const text of d.explicitIPs) {
      const ip = parseIP(text);
      if (!ip) {
        sink({
          code: 'invalid-ip',
          severity: 'error',
          message: `${d.key}: status.podIP "${text}" is not an IP address`,
          source: d.source,
          object: d.key,
        });
        continue;
      }
      const canonical = formatIP(ip);
      if (shared) {
        ips.push(canonical);
        continue;
      }
      const holder = reserved.get(canonical);
      if (holder) {
        sink({
          code: 'ip-conflict',
          severity: 'error',
          message: `${d.key} claims pod IP ${canonical}, already held by ${holder}; it is given another address`,
          source: d.source,
          object: d.key,
          hint: 'Every pod needs its own IP: fix status.podIP.',
        });
        continue;
      }
      reserved.set(canonical, d.key);
      ips.push(canonical);
    }
    explicit[at] = ips;
  }
  const cursors = new Map<string, number>();
  const eligibleBy = new Map<string, NodeSlot[]>();
  // Nodes only fill up here: once every eligible node of a nodeSelector is full, its later pods are not scanned
  // against them again (a scan per pod made 37,000 Pending pods × 256 full nodes 9.5M steps).
  const full = new Set<string>();
  const unschedulable = new Map<string, { count: number; draft: PodDraft; reason: string }>();
  const pods: Pod[] = [];
  for (let at = 0; at < sorted.length; at++) {
    const d = sorted[at];
    // `noIPs` is only a marker: a pod that keeps an empty list gets a fresh array below (pods never share one).
    const ips = explicit[at];
    let slot: NodeSlot | undefined;
    let reason = '';
    if (d.statedPending && !ips.length) {
      // status.phase Pending without an IP: it has none, on its node if one was chosen, else on none.
      const node = d.boundNode ? slots.get(d.boundNode) : undefined;
      if (node) node.pods++;
      pods.push(finish(d, node?.node.name, [], 'Pending'));
      continue;
    }
    if (d.boundNode) {
      slot = slots.get(d.boundNode);
      if (!slot) reason = `node ${d.boundNode} does not exist`;
      else if (slot.pods >= profile.maxPodsPerNode && !d.observed) {
        reason = `node ${d.boundNode} already runs ${profile.maxPodsPerNode} ${fullReason}`;
        slot = undefined;
      }
    } else if (ips.length) {
      const first = parseIP(ips[0]);
      slot = [...slots.values()].find((s) => first && s.ranges.some((r) => cidrContains(r.cidr, first)));
    }
    if (!slot && !reason) {
      const cursorKey = selectorKey(d.template.nodeSelector);
      let eligible = eligibleBy.get(cursorKey);
      if (!eligible) {
        const sel = selectorFromMap(d.template.nodeSelector);
        eligible = [...slots.values()].filter((s) => !s.node.unschedulable && matches(sel, s.node.labels));
        eligibleBy.set(cursorKey, eligible);
      }
      if (!eligible.length)
        reason = `no node matches nodeSelector ${JSON.stringify(d.template.nodeSelector)}`;
      else if (full.has(cursorKey))
        reason = `every eligible node already runs ${profile.maxPodsPerNode} ${fullReason}`;
      else {
        const start = cursors.get(cursorKey) ?? 0;
        for (let i = 0; i < eligible.length && !slot; i++) {
          const s = eligible[(start + i) % eligible.length];
          if (s.pods < profile.maxPodsPerNode) {
            slot = s;
            cursors.set(cursorKey, (start + i + 1) % eligible.length);
          }
        }
        if (!slot) {
          full.add(cursorKey);
          reason = `every eligible node already runs ${profile.maxPodsPerNode} ${fullReason}`;
        }
      }
    }
    if (!slot) {
      const group = d.owner ?? d.key;
      const entry = unschedulable.get(group) ?? { count: 0, draft: d, reason };
      entry.count++;
      unschedulable.set(group, entry);
      pods.push(finish(d, undefined, [], 'Pending'));
      if (reason.endsWith(fullReason)) highestWaiting = Math.max(highestWaiting, pass.priorityOf(d).value);
      if (!pass.byPriority && highestWaiting > lowestPlaced)
        return { pods: [], diagnostics: [], displaced: true };
      continue;
    }
    if (!d.observed) lowestPlaced = Math.min(lowestPlaced, pass.priorityOf(d).value);
    if (!pass.byPriority && highestWaiting > lowestPlaced)
      return { pods: [], diagnostics: [], displaced: true };
    slot.pods++;
    const finished = isFinished(d);
    let podIPs = ips; // replaced below when empty: `noIPs` itself is never handed out
    if (d.template.hostNetwork && !podIPs.length) podIPs = slot.node.internalIP ? [slot.node.internalIP] : [];
    else if (!podIPs.length && !finished) {
      // One address per family (dual-stack: primary first). Allocated addresses only move forward within a
      // node's range, so only explicit ones can collide.
      // Made by `map`, so sized to its items: an array grown by `push` reserves 17 slots for its first item, and
      // every pod keeps this one (19 MB at 150k pods, live through the rest of the build).
      const allocated = slot.ranges.map((range) => allocate(range, reserved));
      allocated.forEach((ip, i) => {
        const range = slot.ranges[i];
        if (!ip)
          sink({
            code: 'pod-cidr-exhausted',
            severity: 'error',
            message: `node ${slot.node.name}'s pod range ${range.cidr.text} is full; ${d.key} gets no IPv${range.cidr.family} address`,
            source: d.source,
            object: d.key,
            hint: 'Lower maxPodsPerNode or widen the node CIDR mask size in the profile.',
          });
      });
      podIPs = allocated.includes(undefined)
        ? allocated.filter((ip): ip is string => ip !== undefined)
        : (allocated as string[]);
    }
    pods.push(finish(d, slot.node.name, finished || podIPs === noIPs ? [] : podIPs, d.phase));
  }
  for (const [group, { count, draft, reason }] of [...unschedulable].sort((a, b) => (a[0] < b[0] ? -1 : 1)))
    sink({
      code: 'unschedulable',
      severity: 'warning',
      message: `${count} pod(s) of ${group} cannot be scheduled: ${reason}${pass.byPriority && reason.endsWith(fullReason) ? priorityNote(pass.priorityOf(draft)) : ''}; they stay Pending without an IP`,
      source: draft.source,
      object: group,
      hint: 'Add nodes to the profile, or fix nodeSelector/nodeName.',
    });
  return { pods, diagnostics, displaced: false };
}

/** A pod in phase Succeeded or Failed: its containers have stopped and it holds no address. */
function isFinished(d: PodDraft): boolean {
  return d.phase === 'Succeeded' || d.phase === 'Failed';
}

/** The end of a reason a pod waits for room (not for a matching node). */
const fullReason = 'pods (maxPodsPerNode)';

/** Why a pod waits in a cluster placed by priority: its own priority, and a class the input lacks. */
function priorityNote(p: PodPriority): string {
  const unknown = p.unknownClass
    ? `; its priorityClassName ${p.unknownClass} is not in the input and counts as ${p.value}`
    : '';
  return `, and pods of higher priority than its ${p.value} took the room first (the scheduler's queue and preemption)${unknown}`;
}

/** The marker for a pod with no explicit IPs (never handed out: each pod gets its own array). */
const noIPs: string[] = [];

/** `JSON.stringify` of a pod template's nodeSelector, once per template (its pods share the object). */
const selectorKeys = new WeakMap<object, string>();
function selectorKey(nodeSelector: Record<string, string>): string {
  let key = selectorKeys.get(nodeSelector);
  if (key === undefined) selectorKeys.set(nodeSelector, (key = JSON.stringify(nodeSelector)));
  return key;
}

function allocate(range: NodeRange, reserved: Map<string, string>): string | undefined {
  const cidr = range.cidr;
  while (range.nextOffset < range.last) {
    const ip =
      cidr.family === 4
        ? formatIPv4(Number(cidr.base) + Number(range.nextOffset++))
        : formatIP(cidrAt(cidr, range.nextOffset++));
    if (reserved.size === 0 || !reserved.has(ip)) return ip;
  }
  return undefined;
}

function formatIPv4(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

function finish(d: PodDraft, nodeName: string | undefined, ips: string[], phase: Pod['phase']): Pod {
  const t = d.template;
  return {
    key: d.key,
    name: d.name,
    namespace: d.namespace,
    labels: d.labels,
    annotations: d.annotations,
    source: d.source,
    owner: d.owner,
    nodeName,
    ip: ips[0],
    ips,
    hostNetwork: t.hostNetwork,
    phase,
    ready: phase === 'Running' && d.ready && ips.length > 0,
    terminating: d.terminating,
    containers: t.containers,
    ports: t.ports,
    hostname: d.hostname,
    subdomain: d.subdomain,
    dnsPolicy: t.dnsPolicy,
    dnsConfig: t.dnsConfig,
    ...(t.hostAliases ? { hostAliases: t.hostAliases } : {}),
    serviceAccountName: t.serviceAccountName,
  };
}
