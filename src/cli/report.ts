import { Command, Option } from 'commander';
import { buildReport } from '../analysis/report/index.ts';
import { runDoctor } from '../analysis/doctor/index.ts';
import { createTraceContext, traceFlow } from '../analysis/trace/index.ts';
import { flowsFromClientIntents, type Flow } from '../analysis/flows/index.ts';
import { renderReportText } from '../report/report-text.ts';
import { renderReportMd } from '../report/report-md.ts';
import { renderReportHtml } from '../report/report-html.ts';
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
    const { model, diagnostics } = loaded.cluster;
    let flows: Flow[] = [];
    if (opts.flows) {
      const read = await loadFlows(opts.flows, io);
      if (read.errors) return io.exit(exitCodes.input);
      flows = read.flows;
    }
    const now = opts.at ? new Date(opts.at).toISOString() : new Date().toISOString();
    const certificates = parseTlsSecrets(model.routing);
    const ctx = createTraceContext(model, { certificates, now });
    const traces = [...flows, ...flowsFromClientIntents(model)].map((f) => traceFlow(ctx, f));
    const findings = runDoctor(model, {
      engine: ctx.engine,
      flowTraces: traces,
      certificates,
      now,
      diagnostics,
    });
    const data = buildReport({
      title: opts.title ?? (opts.file ?? []).join(', '),
      model,
      diagnostics,
      engine: ctx.engine,
      flows: traces,
      findings,
    });
    io.stdout(
      opts.output === 'html'
        ? renderReportHtml(data)
        : opts.output === 'md'
          ? renderReportMd(data)
          : renderReportText(data),
    );
    io.exit(loaded.inputExit);
  });
  return cmd;
}
