import { Command, InvalidArgumentError, Option } from 'commander';
import { buildFromTexts, type Cluster, type ManifestText } from '../api/index.ts';
import { parseManifests } from '../parse/index.ts';
import { withParseHeap } from './_load-heap.ts';
import { cacheKey, makeCacheDir, readCachedCluster, writeCachedCluster } from '../sources/model-cache.ts';
import { version } from './version.ts';
import { loadInputs, loadProfile } from '../sources/files.ts';
import type { Io } from './io.ts';
import { renderDiagnostics, summarizeDiagnostics } from '../render/diagnostics.ts';
import type { Diagnostic } from '../model/diagnostic.ts';
import {
  liveOptionsOf,
  overlayNote,
  readLive,
  withLiveOptions,
  type LiveInputOptions,
  type LiveState,
} from './_live.ts';

/** Exit codes shared by every command. */
export const exitCodes = { ok: 0, findings: 1, input: 2 } as const;

export interface InputOptions extends LiveInputOptions {
  file?: string[];
  namespace?: string;
  allNamespaces?: boolean;
  profile?: string;
  keepGoing?: boolean;
  quiet?: boolean;
  maxPods?: number;
  cache?: string;
}

/**
 * Adds `-f`, `-n`, `-A`, `--profile`, `--keep-going`, `--quiet` and the live-cluster options (`--kubeconfig`,
 * `--context`, `--read-tls-secrets`), the inputs every command reads.
 */
export function withInputOptions(cmd: Command): Command {
  cmd
    .addOption(
      new Option('-f, --file <path>', 'manifest file or directory, or - for stdin (repeatable)').argParser(
        (v: string, prev: string[] = []) => [...prev, v],
      ),
    )
    .option(
      '-n, --namespace <ns>',
      'namespace for objects that name none, and the namespace to show',
      'default',
    )
    .option('-A, --all-namespaces', 'show every namespace')
    .option('--profile <file>', 'cluster profile (default: kubetwin.yaml beside the manifests)')
    .option('--keep-going', 'exit 0 despite error diagnostics (invalid objects are left out either way)')
    .option('-q, --quiet', 'print only error diagnostics')
    .addOption(
      new Option(
        '--max-pods <n>',
        'most pods kubetwin expands; workloads past it are refused (default 500000)',
      ).argParser(positiveInt),
    )
    .option(
      '--cache <dir>',
      'keep the built model in DIR, keyed by the inputs and this build; the next run over the same files skips parsing and building',
    );
  return withLiveOptions(cmd);
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/**
 * The cluster from the model cache when these inputs were built before, else built, and stored — after the
 * answer when `io.afterAnswer` is given (storing a 150k-pod model costs seconds, design note 0006, Decision 12),
 * else at once. The directory is made before the answer, so one that cannot be made is a warning among the
 * answer's diagnostics; a store that fails later prints its warning after the answer.
 */
async function cachedBuild(
  dir: string,
  inputs: { texts: readonly ManifestText[]; profile?: ManifestText; opts: InputOptions },
  build: () => Cluster,
  io: Pick<Io, 'stderr' | 'afterAnswer'>,
  diagnostics: Diagnostic[],
): Promise<Cluster> {
  const key = cacheKey({
    version,
    texts: inputs.texts,
    profile: inputs.profile,
    options: { namespace: inputs.opts.namespace, maxPods: inputs.opts.maxPods },
  });
  const hit = await readCachedCluster(dir, key);
  if (hit) return hit;
  const built = build();
  const notWritten = (problem: string): Diagnostic => ({
    code: 'cache-not-written',
    severity: 'warning',
    message: `the built model could not be stored in --cache ${dir}: ${problem}`,
    hint: 'Check that the directory is writable, or leave out --cache.',
  });
  const unmade = await makeCacheDir(dir);
  if (unmade) {
    diagnostics.push(notWritten(unmade));
    return built;
  }
  const store = () => writeCachedCluster(dir, key, built);
  if (!io.afterAnswer) {
    const problem = await store();
    if (problem) diagnostics.push(notWritten(problem));
    return built;
  }
  io.afterAnswer(async () => {
    const problem = await store();
    const shown = problem && renderDiagnostics([notWritten(problem)], inputs.opts.quiet ? 'error' : 'info');
    if (shown) io.stderr(shown);
  });
  return built;
}

export interface Loaded {
  readonly cluster: Cluster;
  /** `exitCodes.input` when an error diagnostic exists and --keep-going is off. */
  readonly inputExit: number;
}

/**
 * Reads the inputs (the live cluster, or `state` already read from it, then the manifests over it), builds the
 * cluster, prints diagnostics to stderr.
 */
export async function loadCluster(
  opts: InputOptions,
  io: Pick<Io, 'stderr' | 'readStdin' | 'afterAnswer'>,
  state?: LiveState,
): Promise<Loaded | number> {
  const stderr = io.stderr;
  const live = liveOptionsOf(opts);
  if (!opts.file?.length && !live) {
    stderr('error: no input: pass -f FILE|DIR|- (repeatable) and/or --kubeconfig FILE / --context NAME\n');
    return exitCodes.input;
  }
  const fromCluster = live ? (state ?? (await readLive(live))) : undefined;
  const inputs = await loadInputs(opts.file ?? [], io.readStdin);
  let profileText: ManifestText | undefined;
  const extra: Diagnostic[] = [...(fromCluster?.diagnostics ?? []), ...inputs.diagnostics];
  if (opts.profile) {
    const p = await loadProfile(opts.profile);
    if ('text' in p) profileText = p;
    else extra.push(p);
  }
  const chars = inputs.texts.reduce((n, t) => n + t.text.length, 0);
  const build = () =>
    buildFromTexts(inputs.texts, {
      namespace: opts.namespace,
      profile: profileText,
      maxPods: opts.maxPods,
      live: fromCluster?.objects,
      parsed: withParseHeap(chars, () => parseManifests(inputs.texts)),
    });
  // A live cluster changes under the same command line: only file inputs are cached.
  const built =
    opts.cache && !live
      ? await cachedBuild(opts.cache, { texts: inputs.texts, profile: profileText, opts }, build, io, extra)
      : build();
  const diagnostics = [...extra, ...built.diagnostics, ...overlayNote(built.overlay)];
  // Kinds the live cluster would not give: answers that depend on them say so (reach, for one).
  const unread = fromCluster?.unread.length ? fromCluster.unread : undefined;
  const cluster: Cluster = { model: unread ? { ...built.model, unread } : built.model, diagnostics };
  const shown = renderDiagnostics(diagnostics, opts.quiet ? 'error' : 'info');
  if (shown) stderr(shown + `${summarizeDiagnostics(diagnostics)}\n`);
  const hasErrors = diagnostics.some((d) => d.severity === 'error');
  return { cluster, inputExit: hasErrors && !opts.keepGoing ? exitCodes.input : exitCodes.ok };
}
