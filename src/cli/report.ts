import { Command, Option } from 'commander';
import { analyseCluster } from '../pipeline/index.ts';
import type { Flow } from '../analysis/flows/index.ts';
import { renderReportText } from '../render/report-text.ts';
import { renderReportMd } from '../render/report-md.ts';
import { renderReportHtml, reportGraphLayout } from '../render/report-html.ts';
import { parseTlsSecrets } from '../sources/x509.ts';
import { exitCodes, loadCluster, withInputOptions, type InputOptions } from './_common.ts';
import { loadFlows } from './trace.ts';
import type { Io } from './io.ts';

interface ReportOptions extends InputOptions {
  output: 'text' | 'md' | 'html';
  flows?: string;
  title?: string;
  at?: string;
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
    .option('--flows <file>', 'declared flows to trace (ClientIntents in the manifests are read too)')
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
    const { report: data } = analyseCluster(loaded.cluster, {
      flows,
      certificates: parseTlsSecrets(loaded.cluster.model.routing),
      now,
      title: opts.title ?? (opts.file ?? []).join(', '),
    });
    io.stdout(
      opts.output === 'html'
        ? renderReportHtml(data, await reportGraphLayout(data))
        : opts.output === 'md'
          ? renderReportMd(data)
          : renderReportText(data),
    );
    io.exit(loaded.inputExit);
  });
  return cmd;
}
