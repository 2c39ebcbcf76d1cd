import { Command, Option } from 'commander';
import { analyseCluster } from '../pipeline/index.ts';
import { failsAt } from '../analysis/doctor/index.ts';
import type { Severity } from '../model/diagnostic.ts';
import type { Flow } from '../analysis/flows/index.ts';
import { renderReportText } from '../render/report-text.ts';
import { textWidth } from '../render/wrap.ts';
import { renderReportMd } from '../render/report-md.ts';
import { renderReportHtmlParts, reportGraphLayout } from '../render/report-html.ts';
import { parseTlsSecrets } from '../sources/x509.ts';
import { exitCodes, loadCluster, withInputOptions, type InputOptions } from './_common.ts';
import { loadFlows } from './trace.ts';
import type { Io } from './io.ts';

interface ReportOptions extends InputOptions {
  output: 'text' | 'md' | 'html';
  flows?: string;
  discover?: boolean;
  title?: string;
  at?: string;
  failOn: Severity;
}

/**
 * `kubetwin report -f … [--flows FILE] [-o text|md|html]`: the main job — what works, what is broken and why:
 * every declared flow traced, the zero-trust posture per namespace, the doctor's findings, the flow graph.
 */
export function reportCommand(io: Io): Command {
  const cmd = new Command('report')
    .description(
      'the main job: every declared flow traced, zero-trust posture, doctor findings, connectivity graph',
    )
    .option(
      '--flows <file>',
      'declared flows to trace (ClientIntents in the manifests are read too); without it, the flows found in the manifests',
    )
    .option('--discover', 'with --flows: trace the flows found in the manifests too')
    .addOption(
      new Option(
        '--fail-on <severity>',
        'exit 1 when a finding has at least this severity (or a flow is broken)',
      )
        .choices(['info', 'warning', 'error'])
        .default('error'),
    )
    .option('--title <title>', 'report title (default: the -f paths)')
    .option('--at <time>', 'judge certificates at this ISO time instead of now (reproducible output)')
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['text', 'md', 'html']).default('text'),
    );
  withInputOptions(cmd).action(async (opts: ReportOptions) => {
    const loaded = await loadCluster(opts, io);
    if (typeof loaded === 'number') return io.exit(loaded);
    let flows: Flow[] = [];
    if (opts.flows) {
      const read = await loadFlows(opts.flows, io);
      if (read.errors) return io.exit(exitCodes.input);
      flows = read.flows;
    }
    const now = opts.at ? new Date(opts.at).toISOString() : new Date().toISOString();
    const {
      report: data,
      findings,
      traces,
    } = analyseCluster(loaded.cluster, {
      flows,
      discover: !opts.flows || !!opts.discover,
      certificates: parseTlsSecrets(loaded.cluster.model.routing),
      now,
      title: opts.title ?? (opts.file ?? []).join(', '),
    });
    // HTML in parts (the findings a batch at a time): a page of 100,000s of findings is never one string.
    if (opts.output === 'html')
      for (const part of renderReportHtmlParts(data, await reportGraphLayout(data))) io.stdout(part);
    else
      io.stdout(
        opts.output === 'md'
          ? renderReportMd(data)
          : renderReportText(data, {
              width: textWidth(process.env, process.stdout.isTTY ? process.stdout.columns : undefined),
            }),
      );
    // As README's exit-code line says: 1 when a flow is broken or a finding reaches --fail-on.
    const broken = traces.some((t) => t.outcome !== 'delivered');
    io.exit(
      loaded.inputExit || (broken || failsAt(findings, opts.failOn) ? exitCodes.findings : exitCodes.ok),
    );
  });
  return cmd;
}
