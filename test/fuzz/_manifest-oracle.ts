/**
 * What the manifest fuzzer checks of one input.
 *
 * `checkCore`, on every input: the library pipeline `doctor` runs (parse, build, the doctor analyses with flow
 * discovery and tracing) over a batch of inputs, each its own file `fuzz-I.yaml`, next to a good `sentinel.yaml`.
 * A thrown error is a crash (the CLI's exit 3). A silent loss is an object the parser read from the input that is neither in the model
 * (an entity whose source is that document) nor named by a diagnostic (at that document, or by its `object` key,
 * as `duplicate-object` names the earlier copy) nor of a kind the catalogue lists as quiet, or the sentinel's
 * ConfigMap missing (a bad file hid another). A diagnostic whose text is a JavaScript error, or that points at no
 * line, is a failure too, and so is anything the core prints itself (a warning on stderr) instead of a diagnostic.
 *
 * `checkCli`, on a sampled fraction: the CLI itself in process, `doctor` and `get all -A -o json` over stdin.
 * Any thrown error or exit outside 0, 1, 2 fails, and so does a `doctor` exit that disagrees with `checkCore`
 * about input errors (exit 2 exactly when the input alone drew an error diagnostic).
 */
import { buildFromParsed } from '../../src/api/index.ts';
import { parseManifests } from '../../src/parse/index.ts';
import { isProfileObject } from '../../src/cluster/profile.ts';
import { quietKinds } from '../../src/model/catalogue.ts';
import { analyseCluster } from '../../src/pipeline/index.ts';
import { parseTlsSecrets } from '../../src/sources/x509.ts';
import type { SourceRef } from '../../src/model/diagnostic.ts';
import type { ClusterModel } from '../../src/model/types.ts';
import { run } from '../../src/cli/program.ts';

/** The file name input `i` of a batch is read as. */
export const inputFile = (i: number) => `fuzz-${i}.yaml`;
const sentinel = {
  file: 'sentinel.yaml',
  text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fuzz-sentinel, namespace: default}\ndata: {a: b}\n',
};
/** Certificates are judged at a fixed time, so a run replays exactly. */
const now = '2026-12-02T00:00:00.000Z';
/** Text of a JavaScript error where a plain message belongs. */
const jsErrorText = /call stack|TypeError|ReferenceError|is not a function|Cannot read prop|undefined is not/;

export interface CoreOutcome {
  /** Per input: whether it drew an error diagnostic (the CLI's exit 2). */
  readonly inputErrors: boolean[];
  /** Per input: what failed. */
  readonly problems: string[][];
  /** Problems of the batch as a whole (the sentinel lost). */
  readonly batchProblems: string[];
}

const placeKey = (s: SourceRef) => `${s.file}:${s.doc}:${s.line}`;
const docKey = (s: SourceRef) => `${s.file}:${s.doc}`;

/** Every source the model's entities carry: top-level lists and one level of nested lists. */
function modelSources(model: ClusterModel): Set<string> {
  const found = new Set<string>();
  const take = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const item of list) {
      const source = (item as { source?: SourceRef } | null)?.source;
      if (source) found.add(placeKey(source));
    }
  };
  for (const value of Object.values(model)) {
    if (Array.isArray(value)) take(value);
    else if (value && typeof value === 'object') for (const inner of Object.values(value)) take(inner);
  }
  return found;
}

/** Whether a ReplicaSet or Job names, in its ownerReferences, a Deployment or CronJob the model holds. */
function foldedInto(body: unknown, workloadKeys: ReadonlySet<string>): boolean {
  const { kind, metadata } = body as {
    kind?: unknown;
    metadata?: { namespace?: unknown; ownerReferences?: unknown };
  };
  const parent = kind === 'ReplicaSet' ? 'Deployment' : kind === 'Job' ? 'CronJob' : undefined;
  const refs = metadata?.ownerReferences;
  if (!parent || !Array.isArray(refs)) return false;
  const ns = typeof metadata?.namespace === 'string' ? metadata.namespace : 'default';
  return refs.some(
    (r: { kind?: unknown; name?: unknown } | null) =>
      r?.kind === parent && typeof r.name === 'string' && workloadKeys.has(`${parent}/${ns}/${r.name}`),
  );
}

/** Whether a HorizontalPodAutoscaler's scaleTargetRef names a workload the model holds. */
function scalesWorkload(body: unknown, workloadKeys: ReadonlySet<string>): boolean {
  const { kind, metadata, spec } = body as {
    kind?: unknown;
    metadata?: { namespace?: unknown };
    spec?: { scaleTargetRef?: { kind?: unknown; name?: unknown } | null } | null;
  };
  const ref = spec?.scaleTargetRef;
  if (kind !== 'HorizontalPodAutoscaler' || typeof ref?.kind !== 'string' || typeof ref.name !== 'string')
    return false;
  const ns = typeof metadata?.namespace === 'string' ? metadata.namespace : 'default';
  return workloadKeys.has(`${ref.kind}/${ns}/${ref.name}`);
}

/**
 * Runs `f` with `process.emitWarning` and `console` recorded instead of printed: the core never prints (a library
 * it uses may, as the yaml package warns on stderr by itself), so anything recorded here is a failure.
 */
function capturePrinted<T>(f: () => T): { value: T; printed: string[] } {
  const printed: string[] = [];
  const record = (...args: unknown[]) => {
    printed.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
  };
  const saved = {
    emitWarning: process.emitWarning,
    log: console.log,
    warn: console.warn,
    error: console.error,
  };
  process.emitWarning = record as typeof process.emitWarning;
  Object.assign(console, { log: record, warn: record, error: record });
  try {
    return { value: f(), printed };
  } finally {
    process.emitWarning = saved.emitWarning;
    Object.assign(console, { log: saved.log, warn: saved.warn, error: saved.error });
  }
}

/**
 * The core check over a batch of inputs read as one cluster, each its own file (the fixed cost of a build, its
 * add-ons and analyses is shared; inputs also meet each other, as files of one `-f` directory do). The caller
 * re-checks each input of a failing batch alone, to say which one failed.
 */
export function checkCore(texts: readonly string[]): CoreOutcome {
  const { value: parsed, printed } = capturePrinted(() =>
    parseManifests([...texts.map((text, i) => ({ file: inputFile(i), text })), sentinel]),
  );
  const { value: cluster, printed: printedBuilding } = capturePrinted(() => {
    const built = buildFromParsed(parsed);
    analyseCluster(built, { discover: true, certificates: parseTlsSecrets(built.model.routing), now });
    return built;
  });
  const { model, diagnostics } = cluster;
  const index = new Map(texts.map((_, i) => [inputFile(i), i]));
  const problems: string[][] = texts.map(() => []);
  const inputErrors: boolean[] = texts.map(() => false);
  const batchProblems: string[] = [...printed, ...printedBuilding].map(
    (p) => `printed by the core instead of a diagnostic: ${p}`,
  );
  if (!model.others.some((o) => o.name === 'fuzz-sentinel' && o.source?.file === sentinel.file))
    batchProblems.push('silent loss: the sentinel ConfigMap in another file is missing from the model');
  const explained = new Set<string>();
  const named = new Set<string>();
  for (const d of diagnostics) {
    if (d.object) named.add(d.object);
    const i = d.source ? index.get(d.source.file) : undefined;
    const into = i === undefined ? batchProblems : problems[i];
    if (jsErrorText.test(d.message)) into.push(`diagnostic text is a JavaScript error: ${d.message}`);
    if (i === undefined || !d.source) continue;
    if (!(d.source.line >= 1)) into.push(`diagnostic without a line: ${d.code} ${d.message}`);
    if (d.severity === 'error') inputErrors[i] = true;
    explained.add(docKey(d.source));
  }
  const inModel = modelSources(model);
  const workloadKeys = new Set(model.workloads.map((w) => w.key));
  for (const raw of parsed.objects) {
    const i = index.get(raw.source.file);
    if (i === undefined) continue;
    const { kind, metadata } = raw.body as {
      kind?: unknown;
      metadata?: { name?: unknown; namespace?: unknown };
    };
    if (isProfileObject(raw) || inModel.has(placeKey(raw.source)) || explained.has(docKey(raw.source)))
      continue;
    // Kinds the catalogue says carry no networking meaning are accepted without a word, by design.
    if (typeof kind === 'string' && quietKinds.includes(kind)) continue;
    // A ReplicaSet (Job) folded into its Deployment (CronJob) in the model is part of it (src/cluster/_ownership.ts);
    // an HPA is read into the replicas of the workload it scales (a missing or refused one is hpa-target-missing).
    if (foldedInto(raw.body, workloadKeys) || scalesWorkload(raw.body, workloadKeys)) continue;
    // An object declared again: the diagnostic at the later place names it (`duplicate-object`).
    const ns = typeof metadata?.namespace === 'string' ? metadata.namespace : 'default';
    if (
      named.has(`${String(kind)}/${ns}/${String(metadata?.name)}`) ||
      named.has(`${String(kind)}/${String(metadata?.name)}`)
    )
      continue;
    problems[i].push(
      `silent loss: ${String(kind)}/${String(metadata?.name)} at line ${raw.source.line} is neither in the model nor named by a diagnostic`,
    );
  }
  return { inputErrors, problems, batchProblems };
}

export const cliCommands: readonly string[][] = [['doctor'], ['get', 'all', '-A', '-o', 'json']];

/** Runs one CLI command over the input on stdin; resolves with its exit code, or 3 when it threw. */
export async function runCli(
  command: readonly string[],
  text: string,
): Promise<{ code: number; thrown?: string }> {
  try {
    const code = await run([...command, '-f', '-'], {
      stdout: () => undefined,
      stderr: () => undefined,
      readStdin: async () => text,
    });
    return { code };
  } catch (e) {
    return { code: 3, thrown: e instanceof Error ? e.message : String(e) };
  }
}
