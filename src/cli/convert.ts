import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { convertIngressToGateway } from '../analysis/convert/index.ts';
import type { ControllerProfile } from '../model/routing.ts';
import { conversionJson, renderConversionReport } from '../render/convert.ts';
import { exitCodes, loadCluster, withInputOptions, type InputOptions } from './_common.ts';
import type { Io } from './io.ts';

interface ConvertCliOptions extends InputOptions {
  ingressClass?: string;
  gatewayNamespace?: string;
  controller?: ControllerProfile;
  output: 'yaml' | 'json';
}

/**
 * `kubetwin convert ingress-to-gateway -f …`: Gateway API YAML on stdout, the equivalence report on stderr
 * (or one JSON document with `-o json`); exit 1 when a sample request routes differently after conversion.
 */
export function convertCommand(io: Io): Command {
  const sub = new Command('ingress-to-gateway')
    .description(
      'emit Gateway API resources equivalent to the Ingresses, and prove it by routing sample requests through both',
    )
    .option('--ingress-class <name>', 'convert only this IngressClass')
    .option(
      '--gateway-namespace <ns>',
      "namespace of the emitted Gateways (default: the Ingresses' namespace when they share one, else default)",
    )
    .addOption(
      new Option(
        '--controller <profile>',
        'controller behaviour profile the Ingress side runs under (default: from the IngressClass or the cluster profile)',
      ).choices(['spec', 'ingress-nginx', 'traefik', 'alb']),
    )
    .addOption(
      new Option('-o, --output <format>', 'yaml (report on stderr) or json')
        .choices(['yaml', 'json'])
        .default('yaml'),
    );
  withInputOptions(sub).action(async (opts: ConvertCliOptions) => {
    const loaded = await loadCluster(opts, io);
    if (typeof loaded === 'number') return io.exit(loaded);
    const r = convertIngressToGateway(loaded.cluster.model, {
      className: opts.ingressClass,
      gatewayNamespace: opts.gatewayNamespace,
      controller: opts.controller,
    });
    if (typeof r === 'string') {
      io.stderr(`error: ${r}\n`);
      return io.exit(exitCodes.input);
    }
    if (opts.output === 'json') io.stdout(JSON.stringify(conversionJson(r), null, 2) + '\n');
    else {
      io.stdout(
        r.objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n'),
      );
      io.stderr(renderConversionReport(r));
    }
    const differs = r.classes.some((c) => c.differences.length) || r.rebuildProblems.length > 0;
    io.exit(differs ? exitCodes.findings : loaded.inputExit);
  });
  return new Command('convert')
    .description('convert routing resources between APIs (ingress-to-gateway)')
    .addCommand(
      sub.configureOutput({ writeOut: io.stdout, writeErr: io.stderr }).exitOverride().showHelpAfterError(),
    );
}
