import { Command, InvalidArgumentError, Option } from 'commander';
import { diffClusters, type ClusterDiff } from '../analysis/diff/index.ts';
import type { Flow } from '../analysis/flows/index.ts';
import { analyseCluster } from '../pipeline/index.ts';
import { renderDiagnostics, summarizeDiagnostics } from '../render/diagnostics.ts';
import { renderDiffJson } from '../render/diff-json.ts';
import { renderDiffMd } from '../render/diff-md.ts';
import { renderDiffSarif } from '../render/diff-sarif.ts';
import { renderDiffText } from '../render/diff-text.ts';
import { parseTlsSecrets } from '../sources/x509.ts';
import { exitCodes } from './_common.ts';
import { BuildMemo } from '../cluster/index.ts';
import { loadSides, type LoadedSide, type SideSpec } from './_diff-load.ts';
import type { Io } from './io.ts';
import { loadFlows } from './trace.ts';
import { version } from './version.ts';

const failOnChoices = ['exposure', 'broken-flow', 'new-error', 'any-change', 'none'] as const;
type FailOn = (typeof failOnChoices)[number];

interface DiffOptions {
  base?: string[];
  baseKubeconfig?: string;
  baseContext?: string;
  file?: string[];
  namespace: string;
  profile?: string;
  flows?: string;
  output: 'text' | 'json' | 'md' | 'sarif';
  failOn?: FailOn[];
  at?: string;
  title?: string;
  keepGoing?: boolean;
  quiet?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Whether the diff trips one of the `--fail-on` conditions. */
export function failsOn(diff: ClusterDiff, failOn: readonly FailOn[]): boolean {
  return failOn.some((f) =>
    f === 'exposure'
      ? diff.summary.newExposure > 0
      : f === 'broken-flow'
        ? diff.summary.flowsBroken > 0
        : f === 'new-error'
          ? diff.summary.newErrors > 0
          : f === 'any-change'
            ? diff.effects.length > 0 || diff.objects.length > 0
            : false,
  );
}

/**
 * `kubetwin diff --base DIR|FILE|git:REF -f DIR|FILE`: what a change does to the network, every layer, each
 * effect tied to the object change behind it (docs/diff.md).
 */
export function diffCommand(io: Io): Command {
  const cmd = new Command('diff')
    .description(
      'what a change does to the network: exposure, flows, connectivity, routing, DNS, Services, findings',
    )
    .addOption(
      new Option(
        '--base <path>',
        'the before side: manifest file or directory (repeatable), or git:REF to read the -f paths at a git ref',
      ).argParser(collect),
    )
    .option(
      '--base-kubeconfig <file>',
      'the before side is a live cluster (the after side: the same cluster with -f applied over it)',
    )
    .option('--base-context <name>', 'kubeconfig context of the live base')
    .addOption(
      new Option('-f, --file <path>', 'the after side: manifest file or directory (repeatable)').argParser(
        collect,
      ),
    )
    .option('-n, --namespace <ns>', 'namespace for objects that name none', 'default')
    .option(
      '--profile <file>',
      'cluster profile for both sides (default: kubetwin.yaml beside the manifests)',
    )
    .option(
      '--flows <file>',
      'declared flows traced on both sides (ClientIntents in the manifests are read too)',
    )
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['text', 'json', 'md', 'sarif'])
        .default('text'),
    )
    .addOption(
      new Option(
        '--fail-on <what>',
        'exit 1 when: exposure, broken-flow, new-error, any-change, none (repeatable; default broken-flow and new-error)',
      ).argParser((v: string, prev: FailOn[] = []) => {
        for (const x of v.split(',')) {
          if (!(failOnChoices as readonly string[]).includes(x))
            throw new InvalidArgumentError(`expected one of ${failOnChoices.join(', ')}`);
          prev = [...prev, x as FailOn];
        }
        return prev;
      }),
    )
    .option('--at <time>', 'judge certificates at this ISO time instead of now (reproducible output)')
    .option('--title <title>', 'title (default: BASE → HEAD)')
    .option('--keep-going', 'compare despite error diagnostics in the inputs')
    .option('-q, --quiet', 'print only error diagnostics');
  cmd.action(async (opts: DiffOptions) => {
    const files = opts.file ?? [];
    const base = opts.base ?? [];
    if (!files.length || (!base.length && !opts.baseKubeconfig && !opts.baseContext)) {
      io.stderr(
        'error: give the after side with -f and the before side with --base (paths or git:REF) or --base-kubeconfig\n',
      );
      return io.exit(exitCodes.input);
    }
    const gitRefs = base.filter((b) => b.startsWith('git:'));
    if (gitRefs.length > 1 || (gitRefs.length && base.length > 1)) {
      io.stderr('error: --base git:REF stands alone (it reads the -f paths at REF)\n');
      return io.exit(exitCodes.input);
    }
    const baseSpec: SideSpec =
      opts.baseKubeconfig || opts.baseContext
        ? { kind: 'live', kubeconfig: opts.baseKubeconfig, context: opts.baseContext }
        : gitRefs.length
          ? { kind: 'git', ref: gitRefs[0].slice(4), paths: files }
          : { kind: 'files', paths: base };
    const headSpec: SideSpec =
      baseSpec.kind === 'live' ? { ...baseSpec, overlay: files } : { kind: 'files', paths: files };
    const sideOpts = {
      namespace: opts.namespace,
      profile: opts.profile,
      readStdin: io.readStdin,
      parsed: new Map(),
      memo: new BuildMemo(),
    };
    const [before, after] = await loadSides(baseSpec, headSpec, sideOpts);
    const inputExit = report(io, 'base', before, opts) || report(io, 'head', after, opts);
    if (inputExit && !opts.keepGoing) return io.exit(exitCodes.input);
    let flows: Flow[] = [];
    if (opts.flows) {
      const read = await loadFlows(opts.flows, io);
      if (read.errors) return io.exit(exitCodes.input);
      flows = read.flows;
    }
    const now = opts.at ? new Date(opts.at).toISOString() : new Date().toISOString();
    const analyse = (s: LoadedSide) =>
      analyseCluster(s.cluster, { flows, certificates: parseTlsSecrets(s.cluster.model.routing), now });
    const diff = diffClusters(
      { analysed: analyse(before), objects: before.objects },
      { analysed: analyse(after), objects: after.objects },
      { defaultNamespace: opts.namespace },
    );
    const baseName =
      baseSpec.kind === 'live'
        ? `live cluster${opts.baseContext ? ' ' + opts.baseContext : ''}`
        : base.join(', ');
    const headName = baseSpec.kind === 'live' ? `live cluster + ${files.join(', ')}` : files.join(', ');
    const title = opts.title ?? `${baseName} → ${headName}`;
    io.stdout(
      opts.output === 'json'
        ? renderDiffJson(diff, { base: baseName, head: headName })
        : opts.output === 'md'
          ? renderDiffMd(diff, { title })
          : opts.output === 'sarif'
            ? renderDiffSarif(diff, version)
            : renderDiffText(diff, { title }),
    );
    const failOn = opts.failOn ?? ['broken-flow', 'new-error'];
    io.exit(failsOn(diff, failOn) ? exitCodes.findings : exitCodes.ok);
  });
  return cmd;
}

/** Prints one side's diagnostics; true when it holds an error. */
function report(io: Io, side: string, s: LoadedSide, opts: DiffOptions): boolean {
  const shown = renderDiagnostics(s.diagnostics, opts.quiet ? 'error' : 'warning');
  if (shown) io.stderr(`${side}:\n${shown}${summarizeDiagnostics(s.diagnostics)}\n`);
  return s.diagnostics.some((d) => d.severity === 'error');
}
