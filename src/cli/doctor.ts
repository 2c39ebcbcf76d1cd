import { Command, Option } from 'commander';
import { doctorRules, failsAt } from '../analysis/doctor/index.ts';
import { renderFindingsText } from '../render/findings-text.ts';
import { renderFindingsSarif } from '../render/findings-sarif.ts';
import type { Severity } from '../model/diagnostic.ts';
import { exitCodes, loadCluster, withInputOptions, type InputOptions } from './_common.ts';
import type { Io } from './io.ts';
import { version } from './version.ts';
import { parseTlsSecrets } from '../sources/x509.ts';
import { analyseCluster } from '../pipeline/index.ts';
import type { Flow } from '../analysis/flows/index.ts';
import { loadFlows } from './trace.ts';

interface DoctorOptions extends InputOptions {
  output: 'text' | 'json' | 'sarif';
  failOn: Severity;
  at?: string;
  flows?: string;
  discover?: boolean;
  all?: boolean;
}

/** `kubetwin doctor -f … [--flows FILE] [--fail-on info|warning|error] [-o text|json|sarif]`: every misconfiguration found. */
export function doctorCommand(io: Io): Command {
  const cmd = new Command('doctor')
    .description('find misconfigurations: the troubleshooting flowchart, automated, with the fix for each')
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'),
    )
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding has at least this severity')
        .choices(['info', 'warning', 'error'])
        .default('error'),
    )
    .option('--flows <file>', 'trace the declared flows in this file and report those that are blocked')
    .option(
      '--discover',
      'with --flows: trace the flows found in the manifests too (the default without --flows)',
    )
    .option(
      '--all',
      'text: print each finding, also those shown as one (workloads of a namespace that one patch fixes)',
    )
    .option(
      '--at <time>',
      'judge certificate validity at this ISO time instead of now (reproducible output)',
    );
  withInputOptions(cmd).action(async (opts: DoctorOptions) => {
    const loaded = await loadCluster(opts, io);
    if (typeof loaded === 'number') return io.exit(loaded);
    let declared: Flow[] = [];
    if (opts.flows) {
      const { flows, errors } = await loadFlows(opts.flows, io);
      if (errors) return io.exit(exitCodes.input);
      declared = flows;
    }
    const { findings } = analyseCluster(loaded.cluster, {
      flows: declared,
      discover: !opts.flows || !!opts.discover,
      certificates: parseTlsSecrets(loaded.cluster.model.routing),
      now: opts.at ? new Date(opts.at).toISOString() : new Date().toISOString(),
    });
    if (opts.output === 'json')
      io.stdout(
        JSON.stringify(
          {
            findings,
            summary: {
              total: findings.length,
              error: findings.filter((f) => f.severity === 'error').length,
              warning: findings.filter((f) => f.severity === 'warning').length,
              info: findings.filter((f) => f.severity === 'info').length,
            },
          },
          null,
          2,
        ) + '\n',
      );
    else if (opts.output === 'sarif') io.stdout(renderFindingsSarif(findings, doctorRules, version));
    else io.stdout(renderFindingsText(findings, { all: opts.all }));
    io.exit(loaded.inputExit || (failsAt(findings, opts.failOn) ? exitCodes.findings : exitCodes.ok));
  });
  return cmd;
}
