/**
 * What one build hands the next build of a similar object set (the two sides of a diff): the parts of the model
 * whose inputs are the same raw objects are taken over instead of being computed again. Each part is a pure
 * function of the inputs compared here, so a reused part is the part a fresh build makes, value for value; the
 * diagnostics it raised are raised again, and the objects it marked invalid are marked again.
 */
import type { Diagnostic } from '../model/diagnostic.ts';
import type { NetworkPolicy, Node, Pod, Workload } from '../model/types.ts';
import type { Profile } from '../model/profile.ts';
import { rawCorrespondence, type RawObject } from '../parse/index.ts';
import { alikeUpToFiles, moved } from './_moved.ts';
import type { Envelope } from './_envelope.ts';
import { workloadKinds } from './_workloads.ts';

/** The kinds the pod phases (nodes, workload expansion, placement) read; nothing else reaches them. */
const podPhaseKinds = new Set<string>([
  'Node',
  'Pod',
  ...workloadKinds,
  'HorizontalPodAutoscaler',
  'PriorityClass',
]);

/** The pods phases' result: the profile (default nodes added), nodes, workloads and the placed pods. */
export interface PodPhases {
  readonly profile: Profile;
  readonly nodes: readonly Node[];
  readonly workloads: Workload[];
  /** In placement order, and sorted by namespace and name (the model's array, shared by both builds). */
  readonly placed: readonly Pod[];
  readonly sorted: Pod[];
}

interface Recorded<T> {
  readonly inputs: readonly RawObject[];
  readonly settings: unknown;
  readonly value: T;
  readonly diagnostics: readonly Diagnostic[];
  /** Positions in `inputs` of the objects the phase marked invalid. */
  readonly invalid: readonly number[];
}

/**
 * Carried from one `buildCluster` to the next (`BuildOptions.memo`): the later build reuses what the earlier one
 * computed from the same raw objects (`sameRawObject`), then keeps its own results for the build after it.
 * - The pod phases (nodes, workload expansion, placement) when every Node, Pod, workload, HorizontalPodAutoscaler
 *   and PriorityClass is the same object in the same order, the add-ons included, under the same profile, default
 *   namespace and pod limit: they read nothing else.
 * - Each NetworkPolicy that is the same object under the same default namespace: it is read on its own.
 * Not shared between threads; one memo serves one sequence of builds.
 */
export class BuildMemo {
  #pods?: Recorded<PodPhases>;
  #nextPods?: Recorded<PodPhases>;
  #policies = new Map<object, Recorded<NetworkPolicy | undefined>>();
  #nextPolicies = new Map<object, Recorded<NetworkPolicy | undefined>>();
  #addons?: { readonly text: string; readonly raws: readonly RawObject[] };
  /** Parts taken over from the earlier build in the last build (for tests and the benchmark). */
  reused = { podPhases: false, policies: 0 };

  /** Starts a build: what the last build kept becomes what this one may reuse. */
  begin(): void {
    if (this.#nextPods) this.#pods = this.#nextPods;
    if (this.#nextPolicies.size) this.#policies = this.#nextPolicies;
    this.#nextPods = undefined;
    this.#nextPolicies = new Map();
    this.reused = { podPhases: false, policies: 0 };
  }

  /** The add-on objects `make` gives: the same objects as last time when their bodies are the same. */
  addons(make: () => RawObject[]): readonly RawObject[] {
    const raws = make();
    const text = JSON.stringify(raws.map((r) => [r.body, r.source]));
    if (this.#addons?.text !== text) this.#addons = { text, raws };
    return this.#addons.raws;
  }

  /** The pod phases over `envs`: the earlier build's when their inputs are the same, else `run` (recorded). */
  podPhases(
    envs: readonly Envelope[],
    settings: unknown,
    sinks: PhaseSinks,
    run: () => PodPhases,
  ): PodPhases {
    const inputs = envs.filter((e) => podPhaseKinds.has(e.kind));
    const got = reuse(this.#pods, inputs, settings, sinks);
    if (got) this.reused.podPhases = true;
    // Kept as this build has it: its own objects and file names, for the build after it.
    this.#nextPods = got
      ? { ...this.#pods!, inputs: inputs.map((e) => e.raw), settings, ...got }
      : record(inputs, settings, sinks, run);
    return this.#nextPods.value;
  }

  /** One NetworkPolicy read (`read`), or the earlier build's reading of the same object. */
  policy(
    env: Envelope,
    settings: unknown,
    sinks: PhaseSinks,
    read: () => NetworkPolicy | undefined,
  ): NetworkPolicy | undefined {
    const earlier = this.#policies.get(env.raw.body);
    const got = reuse(earlier, [env], settings, sinks);
    if (got) this.reused.policies++;
    const kept = got
      ? { ...earlier!, inputs: [env.raw], settings, ...got }
      : record([env], settings, sinks, read);
    this.#nextPolicies.set(env.raw.body, kept);
    return kept.value;
  }
}

/** The build's diagnostics as a phase sees them: run one phase with what it raises copied aside, or raise one. */
export interface PhaseSinks {
  capture<T>(run: () => T): { readonly value: T; readonly diagnostics: readonly Diagnostic[] };
  raise(d: Diagnostic): void;
}

/**
 * The earlier result when its inputs correspond one to one (the same objects, or the same objects read under other
 * file names, renamed consistently) under alike settings: moved to this build's file names, its diagnostics
 * raised again, the objects it marked invalid marked again.
 */
function reuse<T>(
  earlier: Recorded<T> | undefined,
  envs: readonly Envelope[],
  settings: unknown,
  sinks: PhaseSinks,
): { value: T; diagnostics: readonly Diagnostic[] } | undefined {
  if (!earlier || earlier.inputs.length !== envs.length) return undefined;
  const files = new Map<string, string>();
  for (let i = 0; i < envs.length; i++) {
    const c = rawCorrespondence(earlier.inputs[i], envs[i].raw);
    const from = c === 'same' ? earlier.inputs[i].source.file : c?.from;
    const to = c === 'same' ? from : c?.to;
    if (from === undefined || to === undefined) return undefined;
    if ((files.get(from) ?? to) !== to) return undefined;
    files.set(from, to);
  }
  if (!alikeUpToFiles(earlier.settings, settings, files)) return undefined;
  // One walk for the value and its diagnostics, so the positions they share stay shared.
  const seen = new Map<object, unknown>();
  const value = moved(earlier.value, files, seen);
  const diagnostics = moved(earlier.diagnostics, files, seen);
  for (const d of diagnostics) sinks.raise(d);
  for (const i of earlier.invalid) envs[i].f.invalid = true;
  return { value, diagnostics };
}

function record<T>(
  envs: readonly Envelope[],
  settings: unknown,
  sinks: PhaseSinks,
  run: () => T,
): Recorded<T> {
  const { value, diagnostics } = sinks.capture(run);
  const invalid: number[] = [];
  envs.forEach((e, i) => e.f.invalid && invalid.push(i));
  return { inputs: envs.map((e) => e.raw), settings, value, diagnostics, invalid };
}
